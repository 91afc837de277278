"""health: the objects an outage would be about."""

from components import constants as c


def _annotations(stack, name: str) -> dict:
    return stack.k8s("Ingress", name, "health")["inputs"]["metadata"]["annotations"]


def _chain(stack, name: str) -> list[str]:
    return _annotations(stack, name)[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")


def test_public_ui_is_behind_authentik_with_its_own_rate_limit(synth_stack):
    stack = synth_stack("health")
    chain = _chain(stack, "health")
    assert _annotations(stack, "health")[c.AUTH_ANNOTATION] == "required"
    assert c.MW_RATE_LIMIT not in chain and chain[-1] == c.MW_HEALTH_RATE_LIMIT
    assert chain.index(c.MW_FORWARD_AUTH) < chain.index("health-sablier-health@kubernetescrd")


def test_test_host_is_lan_only_and_ingest_host_strips_auth_headers(synth_stack):
    stack = synth_stack("health")
    test_host = stack.k8s("Ingress", "health-test", "health")["inputs"]
    assert test_host["spec"]["rules"][0]["host"] == "health-test.viktorbarzin.lan"
    assert c.MW_LOCAL_ONLY in _chain(stack, "health-test")
    api = stack.k8s("Ingress", "health-api", "health")["inputs"]
    rule = api["spec"]["rules"][0]
    assert rule["host"] == "health-api.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == ["/api/ingest"]
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "health", "port": {"number": 8000}}
    assert _chain(stack, "health-api")[-1] == c.MW_STRIP_AUTH_HEADERS
    sablier = stack.k8s("Middleware", "sablier-health-api", "health")["inputs"]["spec"]["plugin"]["sablier"]
    assert "blocking" in sablier and sablier["group"] == "health"
    for name in ("health-test", "health-api"):
        assert _annotations(stack, name)["gethomepage.dev/enabled"] == "false"
    records = {r["inputs"]["name"] for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")}
    assert records == {"health.viktorbarzin.me", "health-api.viktorbarzin.me"}


def test_app_database_secrets_and_uploads(synth_stack):
    stack = synth_stack("health")
    deployment = stack.k8s("Deployment", "health", "health")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"] == "viktorbarzin/health:latest"
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
    assert refs["DATABASE_URL"] == {"name": "health-db-secrets", "key": "DATABASE_URL"}
    assert refs["PUSH_VAPID_SUBJECT"] == {"name": "health-kv-secrets", "key": "push_vapid_subject"}
    assert pod["volumes"] == [{"name": "uploads", "persistentVolumeClaim": {"claimName": "health-uploads-encrypted"}}]
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]
    service = stack.k8s("Service", "health", "health")["inputs"]["spec"]
    assert [(p["name"], p["port"], p["targetPort"]) for p in service["ports"]] == [("http", 80, 3000), ("api", 8000, 8000)]
    db = stack.k8s("ExternalSecret", "health-db-secrets", "health")["inputs"]["spec"]
    assert db["data"] == [{"secretKey": "db_password", "remoteRef": {"key": "static-creds/pg-health", "property": "password"}}]
    assert db["target"]["template"]["data"]["DATABASE_URL"] == (
        "postgresql+asyncpg://health:{{ .db_password }}@postgresql.dbaas.svc.cluster.local:5432/health")
    pvc = stack.k8s("PersistentVolumeClaim", "health-uploads-encrypted", "health")["inputs"]["spec"]
    assert pvc["resources"]["requests"]["storage"] == "2Gi"
