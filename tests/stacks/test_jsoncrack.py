"""jsoncrack: public json.<domain> through Anubis, Sablier wakes the app, x402 last."""



def test_ingress_is_public_via_anubis_with_sablier_and_x402(synth_stack):
    stack = synth_stack("jsoncrack")
    ingress = stack.k8s("Ingress", "json", "jsoncrack")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[0] == "traefik-real-ip@kubernetescrd"
    assert chain[-2:] == ["jsoncrack-sablier-json@kubernetescrd", "traefik-x402@kubernetescrd"]
    assert "traefik-ai-bot-block@kubernetescrd" not in chain and "traefik-authentik-forward-auth@kubernetescrd" not in chain
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "json.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "anubis-json", "port": {"number": 8080}}
    sablier = stack.k8s("Middleware", "sablier-json", "jsoncrack")["inputs"]
    assert sablier["spec"]["plugin"]["sablier"]["group"] == "jsoncrack"


def test_anubis_targets_the_json_service(synth_stack):
    stack = synth_stack("jsoncrack")
    anubis = stack.k8s("Deployment", "anubis-json", "jsoncrack")["inputs"]
    env = {e["name"]: e.get("value") for e in anubis["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["TARGET"] == "http://json.jsoncrack.svc.cluster.local"
    policy = stack.k8s("ConfigMap", "anubis-json-policy", "jsoncrack")["inputs"]
    assert "redis://redis-master.redis.svc.cluster.local:6379/7" in "".join(policy["data"].values())
    service = stack.k8s("Service", "json", "jsoncrack")["inputs"]
    assert service["spec"]["selector"] == {"app": "jsoncrack"}
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]


def test_app_deployment_is_keel_rolled_and_sablier_enrolled(synth_stack):
    deployment = synth_stack("jsoncrack").k8s("Deployment", "jsoncrack", "jsoncrack")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "viktorbarzin/jsoncrack:latest"
    assert deployment["inputs"]["metadata"]["labels"]["sablier.group"] == "jsoncrack"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.replicas" in ignored and "spec.template.spec.containers[0].image" in ignored
