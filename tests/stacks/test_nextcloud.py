"""nextcloud: the objects an outage (or lost files) would be about."""


def release(stack):
    [found] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return found["inputs"]


def test_chart_pinned_on_the_encrypted_claim_with_the_floor_offline(synth_stack):
    stack = synth_stack("nextcloud")
    inputs = release(stack)
    assert (inputs["name"], inputs["chart"], inputs["version"]) == ("nextcloud", "nextcloud", "8.8.1")
    assert inputs["repositoryOpts"] == {"repo": "https://nextcloud.github.io/helm/"}
    assert (inputs["atomic"], inputs["cleanupOnFail"], inputs["timeout"]) == (True, False, 6000)
    values = inputs["values"]
    # Offline there is no live Deployment to follow: the floor.
    assert values["image"] == {"flavor": "apache", "tag": "32.0.9"}
    assert values["persistence"]["existingClaim"] == "nextcloud-data-encrypted"
    assert values["externalDatabase"]["existingSecret"] == {
        "secretName": "nextcloud-db-creds", "usernameKey": "db-username", "passwordKey": "DB_PASSWORD"}
    assert values["externalDatabase"]["host"] == "mysql.dbaas.svc.cluster.local"
    assert values["securityContext"] == {"fsGroup": 33, "fsGroupChangePolicy": "OnRootMismatch"}
    assert sorted(values["nextcloud"]["configs"]) == ["performance.config.php", "zzz-mysql.config.php",
                                                      "zzz-redis.config.php"]
    assert [v["name"] for v in values["nextcloud"]["extraVolumes"]] == ["apache-tuning", "db-password-sync",
                                                                        "pve-nfs", "pve-nfs-ssd"]
    assert values["nextcloud"]["extraVolumes"][1]["configMap"]["defaultMode"] == 0o755

    claim = stack.k8s("PersistentVolumeClaim", "nextcloud-data-encrypted", "nextcloud")
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/increase"] == "20%"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "100Gi"
    assert claim["options"]["protect"] and claim["options"]["retainOnDelete"]
    for name in ("nextcloud-pve-nfs-root", "nextcloud-pve-nfs-ssd-root", "nextcloud-backup-host"):
        assert stack.k8s("PersistentVolumeClaim", name, "nextcloud")["options"]["retainOnDelete"]


def test_namespace_quota_and_limits(synth_stack):
    stack = synth_stack("nextcloud")
    ns = stack.k8s("Namespace", "nextcloud")["inputs"]["metadata"]["labels"]
    assert ns["tier"] == "3-edge" and ns["keel.sh/enrolled"] == "true"
    assert ns["resource-governance/custom-quota"] == "true"
    quota = stack.k8s("ResourceQuota", "nextcloud-quota", "nextcloud")["inputs"]["spec"]["hard"]
    assert quota == {"requests.cpu": "4", "requests.memory": "8Gi", "limits.memory": "16Gi", "pods": "10"}
    [limit] = stack.k8s("LimitRange", "nextcloud-limits", "nextcloud")["inputs"]["spec"]["limits"]
    assert limit["max"] == {"memory": "8Gi"} and limit["defaultRequest"] == {"cpu": "25m", "memory": "64Mi"}


def test_ingress_and_discovery_redirect(synth_stack):
    stack = synth_stack("nextcloud")
    ingress = stack.k8s("Ingress", "nextcloud", "nextcloud")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app"
    assert "nextcloud-wellknown-dav@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    assert ingress["spec"]["rules"][0]["host"] == "nextcloud.viktorbarzin.me"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"]["number"] == 8080
    middleware = stack.k8s("Middleware", "wellknown-dav", "nextcloud")["inputs"]["spec"]
    assert middleware == {"redirectRegex": {"regex": "^https?://([^/]+)/\\.well-known/(caldav|carddav)/?$",
                                            "replacement": "https://${1}/remote.php/dav/", "permanent": True}}


def test_bootstrap_job_kept_as_upstream(synth_stack):
    stack = synth_stack("nextcloud")
    job = stack.k8s("Job", "nextcloud-external-storage-bootstrap", "nextcloud")
    spec = job["inputs"]["spec"]
    assert (spec["backoffLimit"], spec["ttlSecondsAfterFinished"]) == (5, 600)
    pod = spec["template"]["spec"]
    assert spec["template"]["metadata"] == {}
    assert pod["restartPolicy"] == "OnFailure"
    assert pod["serviceAccountName"] == "nextcloud-external-storage-bootstrap"
    [container] = pod["containers"]
    assert container["image"] == "bitnami/kubectl:latest" and container["command"][:2] == ["/bin/bash", "-c"]
    assert "spec.template.spec.dnsConfig" in job["options"]["ignoreChanges"]
    manifest = stack.k8s("ConfigMap", "nextcloud-external-storage-manifest", "nextcloud")["inputs"]["data"]
    # Terraform's jsonencode: keys sorted, no spaces.
    assert manifest["manifest.json"].startswith('{"archiveMounts":[{"applicableGroups":[],"applicableUsers":["anca","admin"]')


def test_watchdog_and_backup_schedules(synth_stack):
    stack = synth_stack("nextcloud")
    watchdog = stack.k8s("CronJob", "nextcloud-watchdog", "nextcloud")["inputs"]["spec"]
    assert (watchdog["schedule"], watchdog["concurrencyPolicy"]) == ("*/30 * * * *", "Forbid")
    assert (watchdog["successfulJobsHistoryLimit"], watchdog["failedJobsHistoryLimit"]) == (1, 3)
    assert watchdog["jobTemplate"]["spec"]["activeDeadlineSeconds"] == 600
    assert watchdog["jobTemplate"]["spec"]["template"]["spec"]["serviceAccountName"] == "nextcloud-watchdog"
    rules = stack.k8s("Role", "nextcloud-watchdog", "nextcloud")["inputs"]["rules"]
    assert {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]} in rules

    backup = stack.k8s("CronJob", "nextcloud-backup", "nextcloud")["inputs"]["spec"]
    assert (backup["schedule"], backup["concurrencyPolicy"]) == ("0 3 * * 0", "Forbid")
    pod = backup["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    term = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["labelSelector"]["matchLabels"] == {"app.kubernetes.io/name": "nextcloud",
                                                    "app.kubernetes.io/instance": "nextcloud"}
    assert term["namespaces"] == ["nextcloud"]
    assert [v["name"] for v in pod["volumes"]] == ["nextcloud-data", "backup", "scripts"]
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "nextcloud-data-encrypted"
    assert pod["volumes"][2]["configMap"]["defaultMode"] == 0o755
