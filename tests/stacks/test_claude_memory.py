"""claude-memory: the objects an outage would be about."""

NS = "claude-memory"


def test_server_reads_rotated_db_url_and_api_keys(synth_stack):
    stack = synth_stack("claude-memory")
    deployment = stack.k8s("Deployment", "claude-memory", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 1
    pod = spec["template"]["spec"]
    anti = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert anti == [{"labelSelector": {"matchLabels": {"app": "claude-memory"}}, "topologyKey": "kubernetes.io/hostname"}]
    container = pod["containers"][0]
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env["DATABASE_URL"] == {"secretKeyRef": {"name": "claude-memory-db-creds", "key": "DATABASE_URL"}}
    assert env["API_KEYS"] == {"secretKeyRef": {"name": "claude-memory-secrets", "key": "api_keys"}}
    assert container["startupProbe"]["failureThreshold"] == 150
    assert container["resources"] == {"requests": {"memory": "512Mi", "cpu": "1000m"}, "limits": {"memory": "2560Mi"}}
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    es = stack.k8s("ExternalSecret", "claude-memory-db-creds", NS)["inputs"]["spec"]
    assert es["data"][0]["remoteRef"] == {"key": "static-creds/pg-claude-memory", "property": "password"}
    assert es["target"]["template"]["data"]["DATABASE_URL"] == (
        "postgresql://claude_memory:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/claude_memory")


def test_db_init_job_keeps_the_adopted_shape(synth_stack):
    job = synth_stack("claude-memory").k8s("Job", "claude-memory-db-init", NS)
    spec = job["inputs"]["spec"]
    assert spec["backoffLimit"] == 3
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert [(c["name"], c["image"]) for c in pod["containers"]] == [("db-init", "postgres:16-alpine")]


def test_pdb_and_ingress(synth_stack):
    stack = synth_stack("claude-memory")
    pdb = stack.k8s("PodDisruptionBudget", "claude-memory", NS)["inputs"]["spec"]
    assert pdb["maxUnavailable"] == "1"
    ingress = stack.k8s("Ingress", "claude-memory", NS)["inputs"]
    assert ingress["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "none"
    assert ingress["spec"]["rules"][0]["host"] == "claude-memory.viktorbarzin.me"
    service = stack.k8s("Service", "claude-memory", NS)["inputs"]
    assert service["metadata"]["annotations"]["prometheus.io/port"] == "8000"
