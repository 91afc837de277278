"""t3code: the objects an outage would be about."""

AUTH = "infra.viktorbarzin.me/auth"


def test_browser_ingress_is_authentik_gated_for_t3_users(synth_stack):
    ingress = synth_stack("t3code").k8s("Ingress", "t3", "t3code")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[AUTH] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "T3 Users"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "t3.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "t3", "port": {"number": 80}}


def test_devvm_backends(synth_stack):
    stack = synth_stack("t3code")
    for name, port in (("t3", 3780), ("t3-native", 3773)):
        service = stack.k8s("Service", name, "t3code")["inputs"]
        assert "selector" not in service["spec"] and service["spec"]["ports"] == [
            {"name": "http", "port": 80, "targetPort": port}]
        assert service["metadata"]["labels"] == {"app": "t3"}
        endpoints = stack.k8s("Endpoints", name, "t3code")["inputs"]
        assert endpoints["subsets"] == [{"addresses": [{"ip": "10.0.10.10"}], "ports": [{"name": "http", "port": port}]}]


def test_native_carve_out_goes_to_wizards_instance_only(synth_stack):
    route = synth_stack("t3code").k8s("IngressRoute", "t3-native", "t3code")["inputs"]
    assert route["metadata"]["annotations"][AUTH] == "app"
    routes = route["spec"]["routes"]
    assert len(routes) == 3
    assert {r["priority"] for r in routes} == {1000}
    assert all(r["services"] == [{"name": "t3-native", "port": 80}] for r in routes)
    assert all(r["middlewares"] == [{"name": m, "namespace": "traefik"} for m in ("retry", "error-pages", "rate-limit")]
               for r in routes)
    assert routes[2]["match"] == "Host(`t3.viktorbarzin.me`) && Path(`/ws`) && QueryRegexp(`wsTicket`, `.+`)"


def test_probe_ingress_and_deployment(synth_stack):
    stack = synth_stack("t3code")
    probe = stack.k8s("Ingress", "t3-probe", "t3code")["inputs"]
    assert probe["metadata"]["annotations"][AUTH] == "none"
    assert probe["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/probe"
    deployment = stack.k8s("Deployment", "t3-probe", "t3code")
    template = deployment["inputs"]["spec"]["template"]
    assert "checksum/probe" in template["metadata"]["annotations"]
    container = template["spec"]["containers"][0]
    assert container["image"] == "python:3.12-alpine"
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "192Mi"}}
    assert 'spec.template.spec.containers[0].image' in deployment["options"]["ignoreChanges"]
    assert stack.k8s("Namespace", "t3code")["inputs"]["metadata"]["labels"]["tier"] == "4-aux"
