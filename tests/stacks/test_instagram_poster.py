"""instagram-poster: the objects an outage (or a botched revival) would be about."""

from components import constants as c

NS = "instagram-poster"
HOST = "instagram-poster.viktorbarzin.me"


def test_parked_deployment_keeps_its_data_and_identity(synth_stack):
    stack = synth_stack(NS)
    deployment = stack.k8s("Deployment", NS, NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0 and spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == {"fsGroup": 10001, "runAsUser": 10001, "runAsGroup": 10001, "runAsNonRoot": True}
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]
    [app] = pod["containers"]
    assert app["image"] == "ghcr.io/viktorbarzin/instagram-poster:da5b4191"
    assert app["envFrom"] == [{"secretRef": {"name": "instagram-poster-secrets"}},
                              {"secretRef": {"name": "instagram-poster-benchmark-db"}}]
    env = {e["name"]: e["value"] for e in app["env"]}
    assert env["PUBLIC_BASE_URL"] == f"https://{HOST}" and env["IG_DEDUP_ENABLED"] == "false"
    assert app["resources"] == {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "1500Mi"}}
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "instagram-poster-data"}}]
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    claim = stack.k8s("PersistentVolumeClaim", "instagram-poster-data", NS)["inputs"]
    assert claim["spec"]["storageClassName"] == "proxmox-lvm"
    assert claim["spec"]["resources"]["requests"]["storage"] == "10Gi"
    assert claim["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "20Gi"
    service = stack.k8s("Service", NS, NS)["inputs"]["spec"]
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 8000}]


def test_only_image_paths_skip_authentik(synth_stack):
    stack = synth_stack(NS)
    public = stack.k8s("Ingress", "instagram-poster-image", NS)["inputs"]
    protected = stack.k8s("Ingress", NS, NS)["inputs"]
    assert public["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    assert protected["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert [p["path"] for p in public["spec"]["rules"][0]["http"]["paths"]] == ["/image", "/original"]
    assert [p["path"] for p in protected["spec"]["rules"][0]["http"]["paths"]] == ["/"]
    assert public["spec"]["rules"][0]["host"] == protected["spec"]["rules"][0]["host"] == HOST


def test_graph_api_jobs_stay_suspended_and_stories_is_absent(synth_stack):
    stack = synth_stack(NS)
    for name, schedule, path in (("ig-ingest-feed", "0 */6 * * *", "/ig-ingest"),
                                 ("ig-refresh-token", "0 2 * * *", "/ig-refresh-token")):
        spec = stack.k8s("CronJob", name, NS)["inputs"]["spec"]
        assert spec["suspend"] is True and spec["schedule"] == schedule
        assert spec["concurrencyPolicy"] == "Forbid"
        assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 3)
        [job] = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert job["image"] == "curlimages/curl:8.10.1"
        assert f"svc.cluster.local{path}" in job["command"][2]
    cronjobs = [r for r in stack.resources if r["custom"] and r["inputs"].get("kind") == "CronJob"]
    assert sorted(r["inputs"]["metadata"]["name"] for r in cronjobs) == ["ig-ingest-feed", "ig-refresh-token"]


def test_secrets_sync_from_vault(synth_stack):
    stack = synth_stack(NS)
    db = stack.k8s("ExternalSecret", "instagram-poster-benchmark-db", NS)["inputs"]["spec"]
    assert db["secretStoreRef"]["name"] == "vault-database"
    assert db["data"] == [{"secretKey": "password",
                           "remoteRef": {"key": "static-creds/pg-instagram-poster", "property": "password"}}]
    assert db["target"]["template"]["data"]["BENCHMARK_PG_HOST"] == "pg-cluster-rw.dbaas.svc.cluster.local"
    assert db["target"]["template"]["data"]["BENCHMARK_PG_PASSWORD"] == "{{ .password }}"
    app = stack.k8s("ExternalSecret", "instagram-poster-secrets", NS)["inputs"]["spec"]
    assert app["secretStoreRef"]["name"] == "vault-kv" and len(app["data"]) == 16
    keys = {d["secretKey"]: d["remoteRef"]["property"] for d in app["data"]}
    assert keys["IG_GRAPH_TOKEN"] == "ig_graph_long_lived_token"
    assert {d["remoteRef"]["key"] for d in app["data"]} == {"instagram-poster"}
