"""tasks: the objects an outage (or a breach) would be about."""

from components import constants as c

NS = "tasks"


def test_app_is_behind_forward_auth_and_only_icons_bypass_it(synth_stack):
    stack = synth_stack("tasks")
    main = stack.k8s("Ingress", "tasks", NS)["inputs"]
    annotations = main["metadata"]["annotations"]
    assert main["spec"]["rules"][0]["host"] == "tasks.viktorbarzin.me"
    assert annotations[c.AUTH_ANNOTATION] == "required"
    assert c.MW_FORWARD_AUTH in annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    icons = stack.k8s("Ingress", "tasks-icons", NS)["inputs"]
    assert icons["spec"]["rules"][0]["host"] == "tasks.viktorbarzin.me"
    assert icons["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    paths = [p["path"] for p in icons["spec"]["rules"][0]["http"]["paths"]]
    assert paths == ["/apple-touch-icon.png", "/favicon.png", "/pwa-192x192.png", "/pwa-512x512.png",
                     "/manifest.webmanifest"]
    assert c.DNS_TYPE_ANNOTATION not in icons["metadata"]["annotations"]


def test_network_policy_admits_only_traefik_and_monitoring(synth_stack):
    policy = synth_stack("tasks").k8s("NetworkPolicy", "tasks-ingress", NS)["inputs"]["spec"]
    assert policy["podSelector"] == {"matchLabels": {"app": "tasks"}}
    assert policy["policyTypes"] == ["Ingress"]
    sources = [rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
               for rule in policy["ingress"]]
    assert sources == ["traefik", "monitoring"]
    assert all(rule["ports"] == [{"port": 8000, "protocol": "TCP"}] for rule in policy["ingress"])


def test_deployment_reads_fernet_key_and_rotated_dsn(synth_stack):
    stack = synth_stack("tasks")
    db = stack.k8s("ExternalSecret", "tasks-db-creds", NS)["inputs"]["spec"]
    assert db["secretStoreRef"]["name"] == "vault-database"
    assert db["target"]["template"]["data"]["TASKS_DB_DSN"] == (
        "postgresql+asyncpg://tasks:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/tasks")
    assert db["target"]["template"]["metadata"] == {"annotations": {"reloader.stakater.com/match": "true"}}
    kv = stack.k8s("ExternalSecret", "tasks-secrets", NS)["inputs"]["spec"]
    assert kv["data"] == [{"secretKey": "TASKS_FERNET_KEY", "remoteRef": {"key": "tasks", "property": "fernet_key"}}]
    deployment = stack.k8s("Deployment", "tasks", NS)["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"} and deployment["spec"]["replicas"] == 1
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/tasks:latest"
    assert container["envFrom"] == [{"secretRef": {"name": "tasks-secrets"}}, {"secretRef": {"name": "tasks-db-creds"}}]
    assert not any(e["name"] == "DEV_USER" for e in container["env"])
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    assert container["resources"] == {"requests": {"cpu": "100m", "memory": "384Mi"}, "limits": {"memory": "384Mi"}}
