"""affine: the objects an outage would be about."""

from components import constants as c


def test_ingress_is_app_auth_and_holds_requests_while_waking(synth_stack):
    stack = synth_stack("affine")
    ingress = stack.k8s("Ingress", "affine", "affine")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "app" and annotations[c.AUTH_REASON_ANNOTATION]
    chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert c.MW_FORWARD_AUTH not in chain and "affine-sablier-affine@kubernetescrd" in chain
    assert ingress["spec"]["rules"][0]["host"] == "affine.viktorbarzin.me"
    sablier = stack.k8s("Middleware", "sablier-affine", "affine")["inputs"]["spec"]["plugin"]["sablier"]
    assert "blocking" in sablier and "dynamic" not in sablier
    buffering = stack.k8s("Middleware", "buffering-affine", "affine")["inputs"]["spec"]["buffering"]
    assert buffering["maxRequestBodyBytes"] == 500 * 1024**2


def test_migration_and_server_share_env_mounts_and_database_url(synth_stack):
    stack = synth_stack("affine")
    deployment = stack.k8s("Deployment", "affine", "affine")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    [migration] = pod["initContainers"]
    [server] = pod["containers"]
    assert migration["image"] == server["image"] == "ghcr.io/toeverything/affine:0.26.6"
    assert migration["command"][:2] == ["sh", "-c"] and "prisma migrate deploy" in migration["command"][2]
    assert migration["env"] == server["env"] and migration["volumeMounts"] == server["volumeMounts"]
    env = {e["name"]: e for e in server["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "affine-db-creds", "key": "DATABASE_URL"}
    assert env["MAILER_PASSWORD"]["value"] == "[secret]"
    assert env["REDIS_SERVER_HOST"]["value"] == "redis-master.redis.svc.cluster.local"
    assert server["ports"] == [{"containerPort": 3010}]
    assert {"spec.replicas", "spec.template.spec.initContainers[0].image"} <= set(deployment["options"]["ignoreChanges"])
    db = stack.k8s("ExternalSecret", "affine-db-creds", "affine")["inputs"]["spec"]
    assert db["secretStoreRef"]["name"] == "vault-database"
    assert db["target"]["template"]["data"] == {
        "DATABASE_URL": "postgresql://affine:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/affine"}
    pvc = stack.k8s("PersistentVolumeClaim", "affine-data-encrypted", "affine")["inputs"]["spec"]
    assert pvc["storageClassName"] == "proxmox-lvm-encrypted"
