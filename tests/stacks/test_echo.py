"""echo: the smoke-test endpoint must stay behind Authentik's anonymous binding."""



def test_ingress_uses_public_forward_auth(synth_stack):
    stack = synth_stack("echo")
    ingress = stack.k8s("Ingress", "echo", "echo")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "public"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-1] == "traefik-authentik-forward-auth-public@kubernetescrd" and "traefik-authentik-forward-auth@kubernetescrd" not in chain
    assert annotations["gethomepage.dev/icon"] == "mdi-broadcast"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "echo.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "echo", "port": {"number": 80}}


def test_echo_image_ports_and_service(synth_stack):
    stack = synth_stack("echo")
    deployment = stack.k8s("Deployment", "echo", "echo")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "mendhak/http-https-echo:36"
    assert [p["containerPort"] for p in container["ports"]] == [8080, 8443]
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    service = stack.k8s("Service", "echo", "echo")["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 8080}]
