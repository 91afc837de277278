"""postiz: the objects an outage would be about — the chart, Temporal + Elasticsearch, the claims, hosts, OIDC gate."""

NS = "postiz"


def _one(stack, rtype: str, name: str) -> dict:
    [found] = [r for r in stack.of_type(rtype) if r["name"] == name]
    return found


def test_chart_runs_parked_against_shared_services(synth_stack):
    stack = synth_stack(NS)
    release = _one(stack, "kubernetes:helm.sh/v3:Release", "postiz-release")["inputs"]
    assert release["name"] == "postiz" and release["chart"] == "postiz-app" and release["version"] == "1.0.5"
    assert release["repositoryOpts"] == {"repo": "oci://ghcr.io/gitroomhq/postiz-helmchart/charts"}
    assert release["atomic"] is False and release["skipAwait"] is True and release["timeout"] == 600
    values = release["values"]
    assert values["fullnameOverride"] == "postiz" and values["replicaCount"] == 0
    assert values["image"] == {"repository": "ghcr.io/gitroomhq/postiz-app", "tag": "v2.21.7", "pullPolicy": "IfNotPresent"}
    assert values["postgresql"] == {"enabled": False} and values["redis"] == {"enabled": False}
    assert values["resources"] == {"requests": {"cpu": "100m", "memory": "1Gi"}, "limits": {"memory": "3Gi"}}
    assert values["env"]["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert values["env"]["FRONTEND_URL"] == "https://postiz.viktorbarzin.me"
    assert values["env"]["POSTIZ_OAUTH_CLIENT_ID"] == "postiz"
    assert values["secrets"]["REDIS_URL"] == "redis://redis-master.redis.svc.cluster.local:6379/11"
    assert set(values["secrets"]) >= {"DATABASE_URL", "JWT_SECRET", "POSTIZ_OAUTH_CLIENT_SECRET"}
    assert values["extraVolumes"] == [{"name": "uploads-volume", "persistentVolumeClaim": {"claimName": "postiz-uploads"}}]
    assert values["extraVolumeMounts"] == [{"name": "uploads-volume", "mountPath": "/uploads"}]
    patch = _one(stack, "kubernetes:apps/v1:DeploymentPatch", "postiz-sablier")
    assert patch["inputs"]["metadata"]["name"] == "postiz" and patch["options"]["retainOnDelete"] is True
    assert patch["inputs"]["metadata"]["labels"] == {
        "sablier.enable": "true", "sablier.group": "postiz", "sablier.ready-after": "5s"}


def test_claims_are_protected_and_retained(synth_stack):
    stack = synth_stack(NS)
    for name, size, limit in (("postiz-uploads", "20Gi", "50Gi"), ("postiz-es-data", "8Gi", "20Gi")):
        claim = stack.k8s("PersistentVolumeClaim", name, NS)
        spec = claim["inputs"]["spec"]
        assert spec["storageClassName"] == "proxmox-lvm" and spec["accessModes"] == ["ReadWriteOnce"]
        assert spec["resources"]["requests"]["storage"] == size
        assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == limit
        assert claim["options"]["protect"] is True and claim["options"]["retainOnDelete"] is True


def test_temporal_and_elasticsearch_wake_with_the_group(synth_stack):
    stack = synth_stack(NS)
    es = stack.k8s("Deployment", "elasticsearch", NS)
    spec = es["inputs"]["spec"]
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}
    assert es["inputs"]["metadata"]["labels"]["sablier.group"] == "postiz"
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == {"fsGroup": 1000}
    [init] = pod["initContainers"]
    assert init["image"] == "busybox:1.36" and init["securityContext"] == {"runAsUser": 0}
    [container] = pod["containers"]
    assert container["image"] == "docker.io/library/elasticsearch:7.17.28"
    assert {"name": "node.store.allow_mmap", "value": "false"} in container["env"]
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "postiz-es-data"}}]
    temporal = stack.k8s("Deployment", "temporal", NS)
    spec = temporal["inputs"]["spec"]
    assert spec["replicas"] == 0 and "spec.replicas" in temporal["options"]["ignoreChanges"]
    [container] = spec["template"]["spec"]["containers"]
    assert container["image"] == "temporalio/auto-setup:1.28.1"
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env["ES_SEEDS"] == "elasticsearch.postiz.svc.cluster.local" and env["SKIP_DB_CREATE"] == "true"
    assert env["POSTGRES_PWD"] == {"secretKeyRef": {"name": "temporal-db", "key": "POSTGRES_PWD"}}
    for name, port in (("elasticsearch", 9200), ("temporal", 7233)):
        service = stack.k8s("Service", name, NS)["inputs"]
        assert service["spec"]["selector"] == {"app": name}
        assert service["spec"]["ports"][0]["port"] == port


def test_uploads_public_ui_behind_authentik_and_oidc_group(synth_stack):
    stack = synth_stack(NS)
    uploads = stack.k8s("Ingress", "postiz-uploads", NS)["inputs"]
    assert uploads["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "none"
    assert uploads["metadata"]["annotations"]["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert [p["path"] for p in uploads["spec"]["rules"][0]["http"]["paths"]] == ["/uploads"]
    ui = stack.k8s("Ingress", "postiz", NS)["inputs"]["metadata"]["annotations"]
    assert ui["infra.viktorbarzin.me/auth"] == "required"
    assert ui["authentik.viktorbarzin.me/allowed-groups"] == "Postiz Users,Home Server Admins"
    assert "postiz-sablier-postiz@kubernetescrd" in ui["traefik.ingress.kubernetes.io/router.middlewares"]
    provider = _one(stack, "authentik:index/providerOauth2:ProviderOauth2", "postiz-provider")["inputs"]
    assert provider["clientId"] == "postiz" and provider["clientType"] == "confidential"
    assert provider["subMode"] == "user_email"
    assert provider["allowedRedirectUris"] == [{"matching_mode": "strict", "url": "https://postiz.viktorbarzin.me/settings"}]
    group = _one(stack, "authentik:index/group:Group", "postiz-group")["inputs"]
    assert group["name"] == "Postiz Users"
    assert _one(stack, "authentik:index/application:Application", "postiz-application")["inputs"]["slug"] == "postiz"
