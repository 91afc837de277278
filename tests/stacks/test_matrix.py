"""matrix: the objects an outage would be about."""

from components import constants as c


def _chain(ingress: dict) -> list[str]:
    return ingress["metadata"]["annotations"][c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")


def test_homeserver_ingress_is_public_with_real_ip(synth_stack):
    ingress = synth_stack("matrix").k8s("Ingress", "matrix", "matrix")["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    assert ingress["spec"]["rules"][0]["host"] == "matrix.viktorbarzin.me"
    # tuwunel trusts CF-Connecting-IP only because real-ip rewrites it.
    assert c.MW_REAL_IP in _chain(ingress) and c.MW_FORWARD_AUTH not in _chain(ingress)


def test_register_paths_are_rate_limited_per_host(synth_stack):
    stack = synth_stack("matrix")
    ingress = stack.k8s("Ingress", "matrix-register", "matrix")["inputs"]
    chain = _chain(ingress)
    assert chain[-2:] == [c.MW_REAL_IP, "matrix-register-ratelimit@kubernetescrd"]
    assert c.MW_AI_BOT_BLOCK not in chain
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "matrix.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == ["/_matrix/client/v3/register", "/_matrix/client/r0/register"]
    limit = stack.k8s("Middleware", "register-ratelimit", "matrix")["inputs"]["spec"]
    assert limit == {"rateLimit": {"average": 10, "period": "1m", "burst": 20, "sourceCriterion": {"requestHost": True}}}


def test_homeserver_identity_registration_and_storage(synth_stack):
    stack = synth_stack("matrix")
    pod = stack.k8s("Deployment", "matrix", "matrix")["inputs"]["spec"]["template"]["spec"]
    assert pod["securityContext"] == {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}
    [container] = pod["containers"]
    assert container["image"] == "ghcr.io/matrix-construct/tuwunel:v1.7.1"
    environment = {e["name"]: e["value"] for e in container["env"]}
    assert environment["TUWUNEL_SERVER_NAME"] == "matrix.viktorbarzin.me"
    assert environment["TUWUNEL_ALLOW_REGISTRATION"] == "false"
    assert environment["TUWUNEL_TRUSTED_SERVERS"] == '["matrix.org"]'
    assert environment["TUWUNEL_WELL_KNOWN__SERVER"] == "matrix.viktorbarzin.me:443"
    assert environment["TUWUNEL_IP_SOURCE"] == "cf_connecting_ip"
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/var/lib/tuwunel"}]
    pvc = stack.k8s("PersistentVolumeClaim", "matrix-data-encrypted", "matrix")
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert pvc["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
    assert pvc["options"]["protect"]
    service = stack.k8s("Service", "matrix", "matrix")["inputs"]["spec"]
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 8008}]
