"""echo: the smoke-test endpoint must stay behind Authentik's anonymous binding."""

from components import constants as c


def test_ingress_uses_public_forward_auth(synth_stack):
    stack = synth_stack("echo")
    ingress = stack.k8s("Ingress", "echo", "echo")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "public"
    chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert chain[-1] == c.MW_FORWARD_AUTH_PUBLIC and c.MW_FORWARD_AUTH not in chain
    assert annotations["gethomepage.dev/icon"] == "mdi-broadcast"
    assert annotations[c.DNS_TYPE_ANNOTATION] == "proxied"
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
