"""cyberchef: the objects an outage would be about."""



def test_ingress_routes_through_anubis_with_sablier_and_x402(synth_stack):
    stack = synth_stack("cyberchef")
    ingress = stack.k8s("Ingress", "cc", "cyberchef")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[0] == "traefik-real-ip@kubernetescrd"
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain and "traefik-ai-bot-block@kubernetescrd" not in chain
    assert chain[-2:] == ["cyberchef-sablier-cc@kubernetescrd", "traefik-x402@kubernetescrd"]
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "cc.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "anubis-cc", "port": {"number": 8080}}
    middleware = stack.k8s("Middleware", "sablier-cc", "cyberchef")["inputs"]
    assert middleware["spec"]["plugin"]["sablier"]["group"] == "cyberchef"


def test_anubis_targets_the_cc_service(synth_stack):
    stack = synth_stack("cyberchef")
    anubis = stack.k8s("Deployment", "anubis-cc", "cyberchef")["inputs"]
    env = {e["name"]: e["value"] for e in anubis["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["TARGET"] == "http://cc.cyberchef.svc.cluster.local"
    assert anubis["spec"]["replicas"] == 2
    service = stack.k8s("Service", "cc", "cyberchef")["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 8000}]
    es = stack.k8s("ExternalSecret", "anubis-cc-key", "cyberchef")["inputs"]
    assert es["spec"]["data"][0]["remoteRef"] == {"key": "viktor", "property": "anubis_ed25519_key"}


def test_deployment_image_and_sablier_enrolment(synth_stack):
    stack = synth_stack("cyberchef")
    deployment = stack.k8s("Deployment", "cyberchef", "cyberchef")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "mpepping/cyberchef:v9.55.0"
    assert container["resources"]["limits"] == {"memory": "64Mi"}
    assert deployment["inputs"]["metadata"]["labels"]["sablier.group"] == "cyberchef"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.replicas" in ignored and "spec.template.spec.containers[0].image" in ignored
