"""vaultwarden: the objects an outage (or a lost vault) would be about."""

AFFINITY = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
    {"labelSelector": {"matchLabels": {"app": "vaultwarden"}}, "topologyKey": "kubernetes.io/hostname"}]}}


def test_app_on_its_encrypted_claim(synth_stack):
    stack = synth_stack("vaultwarden")
    deployment = stack.k8s("Deployment", "vaultwarden", "vaultwarden")
    meta, spec = deployment["inputs"]["metadata"], deployment["inputs"]["spec"]
    assert meta["labels"] == {"app": "vaultwarden", "tier": "3-edge"}
    assert meta["annotations"]["keel.sh/policy"] == "minor"
    assert spec["strategy"] == {"type": "Recreate"}
    [container] = spec["template"]["spec"]["containers"]
    assert container["image"] == "vaultwarden/server:latest"
    values = {e["name"]: e.get("value") for e in container["env"]}
    assert values["DOMAIN"] == "https://vaultwarden.viktorbarzin.me"
    assert values["SMTP_HOST"] == "mail.viktorbarzin.me" and values["SMTP_SECURITY"] == "starttls"
    assert spec["template"]["spec"]["volumes"] == [
        {"name": "data", "persistentVolumeClaim": {"claimName": "vaultwarden-data-encrypted"}}]
    ignored = deployment["options"]["ignoreChanges"]
    assert 'metadata.annotations["keel.sh/policy"]' not in ignored
    assert "spec.template.spec.containers[0].image" in ignored
    claim = stack.k8s("PersistentVolumeClaim", "vaultwarden-data-encrypted", "vaultwarden")
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["options"]["protect"] and claim["options"]["retainOnDelete"]
    ingress = stack.k8s("Ingress", "vaultwarden", "vaultwarden")["inputs"]
    assert ingress["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "app"


def test_backup_runs_beside_the_app_and_reads_read_only(synth_stack):
    stack = synth_stack("vaultwarden")
    cron = stack.k8s("CronJob", "vaultwarden-backup", "vaultwarden")["inputs"]["spec"]
    assert (cron["schedule"], cron["concurrencyPolicy"], cron["startingDeadlineSeconds"]) == ("0 */6 * * *", "Replace", 10)
    assert (cron["successfulJobsHistoryLimit"], cron["failedJobsHistoryLimit"]) == (10, 5)
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["affinity"] == AFFINITY
    assert pod["containers"][0]["volumeMounts"] == [{"name": "data", "mountPath": "/data", "readOnly": True},
                                                    {"name": "backup", "mountPath": "/backup"}]
    assert pod["volumes"][1] == {"name": "backup", "persistentVolumeClaim": {"claimName": "vaultwarden-backup-host"}}
    check = stack.k8s("CronJob", "vaultwarden-integrity-check", "vaultwarden")["inputs"]["spec"]
    assert check["schedule"] == "30 * * * *"
    assert check["jobTemplate"]["spec"]["backoffLimit"] == 1
    assert check["jobTemplate"]["spec"]["template"]["spec"]["affinity"] == AFFINITY
