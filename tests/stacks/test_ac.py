"""ac: the objects an outage would be about."""



def test_spa_ingress_is_admin_gated(synth_stack):
    stack = synth_stack("ac")
    ingress = stack.k8s("Ingress", "ac", "ac")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "Home Server Admins"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "ac.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "ac-static", "port": {"number": 80}}


def test_websocket_route_is_forward_authed_and_injects_gateway_secret(synth_stack):
    stack = synth_stack("ac")
    route = stack.k8s("IngressRoute", "ac-ws", "ac")["inputs"]["spec"]["routes"][0]
    assert route["match"] == "Host(`ac.viktorbarzin.me`) && PathPrefix(`/ws`)"
    assert route["middlewares"] == [{"name": "authentik-forward-auth", "namespace": "traefik"},
                                    {"name": "ac-gateway-secret", "namespace": "ac"}]
    assert route["services"] == [{"name": "ac-demux", "port": 80}]
    middleware = stack.k8s("Middleware", "ac-gateway-secret", "ac")["inputs"]
    assert middleware["spec"]["headers"]["customRequestHeaders"]["X-Gateway-Auth"] == "[secret]"


def test_services_point_at_the_devvm(synth_stack):
    stack = synth_stack("ac")
    for name, port in (("ac-demux", 7690), ("ac-static", 7691)):
        service = stack.k8s("Service", name, "ac")["inputs"]["spec"]
        assert "selector" not in service and service["ports"][0]["targetPort"] == port
        endpoints = stack.k8s("Endpoints", name, "ac")["inputs"]
        assert endpoints["subsets"] == [{"addresses": [{"ip": "10.0.10.10"}], "ports": [{"name": "http", "port": port}]}]
    secret = stack.k8s("Secret", "tls-secret", "ac")["inputs"]
    assert secret["type"] == "kubernetes.io/tls"


def test_namespace_has_upstreams_labels_and_no_tier(synth_stack):
    # stacks/ac/main.tf at 0cd4afb6: two labels, no tier, Goldilocks' label ignored.
    namespace = synth_stack("ac").k8s("Namespace", "ac")
    assert namespace["inputs"]["metadata"]["labels"] == {"istio-injection": "disabled", "keel.sh/enrolled": "true"}
    assert namespace["options"]["ignoreChanges"] == ['metadata.labels["goldilocks.fairwinds.com/vpa-update-mode"]']
    assert namespace["options"]["protect"] is False
