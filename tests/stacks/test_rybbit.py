"""rybbit: the objects an outage (or a re-run of its init Job) would be about."""

from components import constants as c

NS = "rybbit"
HOST = "rybbit.viktorbarzin.me"


def test_clickhouse_keeps_its_claim_and_config(synth_stack):
    stack = synth_stack(NS)
    claim = stack.k8s("PersistentVolumeClaim", "rybbit-clickhouse-data-proxmox", NS)
    assert claim["options"]["protect"] and claim["options"]["retainOnDelete"]
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
    assert "spec.resources.requests" in claim["options"]["ignoreChanges"]
    assert "memory.xml" in stack.k8s("ConfigMap", "clickhouse-memory-config", NS)["inputs"]["data"]
    spec = stack.k8s("Deployment", "clickhouse", NS)["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == {"runAsUser": 101, "runAsGroup": 101, "fsGroup": 101}
    [ch] = pod["containers"]
    assert ch["image"] == "clickhouse/clickhouse-server:25.4.2"
    assert ch["volumeMounts"][1] == {"name": "memory-config", "mountPath": "/etc/clickhouse-server/config.d/memory.xml",
                                     "subPath": "memory.xml"}
    assert ch["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1536Mi"}}
    assert pod["volumes"][0] == {"name": "data", "persistentVolumeClaim": {"claimName": "rybbit-clickhouse-data-proxmox"}}
    assert stack.k8s("Service", "clickhouse", NS)["inputs"]["spec"]["ports"] == \
        [{"name": "http", "port": 8123, "targetPort": 8123, "protocol": "TCP"}]


def test_truncate_cronjob_and_db_init_job(synth_stack):
    stack = synth_stack(NS)
    spec = stack.k8s("CronJob", "clickhouse-truncate-logs", NS)["inputs"]["spec"]
    assert spec["schedule"] == "0 */6 * * *" and spec["concurrencyPolicy"] == "Allow"
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 1)
    pod = spec["jobTemplate"]["spec"]["template"]
    assert pod["metadata"] == {} and pod["spec"]["restartPolicy"] == "OnFailure"
    assert pod["spec"]["containers"][0]["image"] == "curlimages/curl:8.12.1"
    job = stack.k8s("Job", "rybbit-db-init", NS)
    jspec = job["inputs"]["spec"]
    assert jspec["backoffLimit"] == 3 and jspec["template"]["metadata"] == {}
    [db] = jspec["template"]["spec"]["containers"]
    assert db["name"] == "db-init" and db["image"] == "postgres:16-alpine" and db["command"][:2] == ["sh", "-c"]
    assert db["env"] == [{"name": "PGPASSWORD",
                          "valueFrom": {"secretKeyRef": {"name": "rybbit-secrets", "key": "postgres_password"}}}]
    assert "spec.template.spec.dnsConfig" in job["options"]["ignoreChanges"]


def test_backend_and_client(synth_stack):
    stack = synth_stack(NS)
    pod = stack.k8s("Deployment", "rybbit", NS)["inputs"]["spec"]["template"]
    [app] = pod["spec"]["containers"]
    assert app["image"] == "ghcr.io/rybbit-io/rybbit-backend:v1.1.0"
    names = [e["name"] for e in app["env"]]
    assert names == ["NODE_ENV", "CLICKHOUSE_HOST", "CLICKHOUSE_DB", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD",
                     "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD",
                     "BASE_URL", "DISABLE_SIGNUP", "BETTER_AUTH_SECRET", "AUTH_ENABLED"]
    assert pod["metadata"]["annotations"]["dependency.kyverno.io/wait-for"] == \
        "postgresql.dbaas:5432,clickhouse.rybbit:8123"
    assert stack.k8s("Service", "rybbit", NS)["inputs"]["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 3001}]
    client = stack.k8s("Deployment", "rybbit-client", NS)["inputs"]
    assert "annotations" not in client["metadata"] or "reloader.stakater.com/auto" not in client["metadata"]["annotations"]
    assert client["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/rybbit-io/rybbit-client:v1.1.0"


def test_dashboard_is_behind_authentik_and_the_tracker_api_is_open(synth_stack):
    stack = synth_stack(NS)
    ui = stack.k8s("Ingress", "rybbit", NS)["inputs"]
    api = stack.k8s("Ingress", "rybbit-api", NS)["inputs"]
    assert ui["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert api["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    assert ui["spec"]["rules"][0]["host"] == api["spec"]["rules"][0]["host"] == HOST
    assert [p["path"] for p in api["spec"]["rules"][0]["http"]["paths"]] == ["/api"]
    assert api["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "rybbit"
