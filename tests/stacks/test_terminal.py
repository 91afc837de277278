"""terminal: the objects an outage would be about."""

import pytest

AUTH = "infra.viktorbarzin.me/auth"
PORTS = {"terminal": 7681, "terminal-ro": 7682, "clipboard-upload": 7683, "tmux-api": 7684,
         "session-events": 7685, "file-api": 7686, "skills-api": 7688}


@pytest.mark.parametrize("name, port", PORTS.items())
def test_devvm_backends(synth_stack, name, port):
    stack = synth_stack("terminal")
    service = stack.k8s("Service", name, "terminal")["inputs"]
    assert "selector" not in service["spec"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": port}]
    endpoints = stack.k8s("Endpoints", name, "terminal")["inputs"]
    assert endpoints["subsets"] == [{"addresses": [{"ip": "10.0.10.10"}], "ports": [{"name": "http", "port": port}]}]


def test_terminal_ingresses_are_authentik_gated(synth_stack):
    stack = synth_stack("terminal")
    main = stack.k8s("Ingress", "terminal", "terminal")["inputs"]["metadata"]["annotations"]
    assert main[AUTH] == "required"
    chain = main["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-authentik-forward-auth@kubernetescrd" in chain and chain[-1] == "terminal-compress@kubernetescrd"
    ro = stack.k8s("Ingress", "terminal-ro", "terminal")["inputs"]
    assert ro["metadata"]["annotations"][AUTH] == "required"
    assert ro["spec"]["rules"][0]["host"] == "terminal-ro.viktorbarzin.me"
    assets = stack.k8s("Ingress", "terminal-assets", "terminal")["inputs"]
    assert assets["metadata"]["annotations"][AUTH] == "none"
    assert assets["spec"]["rules"][0]["host"] == "terminal.viktorbarzin.me"
    assert len(assets["spec"]["rules"][0]["http"]["paths"]) == 10


@pytest.mark.parametrize("name, service", [
    ("clipboard-upload", "clipboard-upload"), ("tmux-api", "tmux-api"), ("session-events", "session-events"),
    ("file-api", "file-api"), ("skills-api", "skills-api"), ("terminal-term-html", "clipboard-upload"),
])
def test_helper_routes_are_forward_authed(synth_stack, name, service):
    route = synth_stack("terminal").k8s("IngressRoute", name, "terminal")["inputs"]
    [rule] = route["spec"]["routes"]
    assert rule["match"].startswith("Host(`terminal.viktorbarzin.me`) && ")
    assert rule["middlewares"][0] == {"name": "authentik-forward-auth", "namespace": "traefik"}
    assert rule["services"] == [{"name": service, "port": 80}]
    assert "annotations" not in route["metadata"]


def test_strip_prefix_middlewares_and_probe(synth_stack):
    stack = synth_stack("terminal")
    spec = stack.k8s("Middleware", "tmux-api-strip-prefix", "terminal")["inputs"]["spec"]
    assert spec == {"stripPrefix": {"prefixes": ["/api/sessions"]}}
    cronjob = stack.k8s("CronJob", "webterminal-probe", "terminal")["inputs"]["spec"]
    assert cronjob["suspend"] is True and cronjob["schedule"] == "*/5 * * * *"
    assert cronjob["concurrencyPolicy"] == "Forbid"
    assert cronjob["jobTemplate"]["spec"]["backoffLimit"] == 1
