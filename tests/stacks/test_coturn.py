"""coturn: the objects an outage would be about."""


def test_service_keeps_dedicated_ip_local_policy_and_relay_range(synth_stack):
    service = synth_stack("coturn").k8s("Service", "coturn", "coturn")
    spec = service["inputs"]["spec"]
    assert service["inputs"]["metadata"]["annotations"]["metallb.io/loadBalancerIPs"] == "10.0.20.205"
    assert spec["type"] == "LoadBalancer" and spec["externalTrafficPolicy"] == "Local"
    ports = {p["name"]: p for p in spec["ports"]}
    assert ports["turn-udp"]["port"] == 3478 and ports["turn-udp"]["protocol"] == "UDP"
    assert ports["turn-tcp"]["protocol"] == "TCP"
    relays = sorted(p["port"] for p in spec["ports"] if p["name"].startswith("relay-"))
    assert relays == list(range(49152, 49253))
    assert service["options"]["ignoreChanges"] == ['metadata.annotations["metallb.io/ip-allocated-from-pool"]']


def test_deployment_image_and_config_mount(synth_stack):
    stack = synth_stack("coturn")
    pod = stack.k8s("Deployment", "coturn", "coturn")["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "coturn/coturn:4.10.0-r1"
    assert container["args"] == ["-c", "/etc/turnserver/turnserver.conf"]
    assert pod["volumes"] == [{"name": "config", "configMap": {"name": "coturn-config"}}]
    # The rendered config embeds the TURN secret, so the whole document stays secret.
    assert stack.k8s("ConfigMap", "coturn-config", "coturn")["inputs"]["data"]["turnserver.conf"] == "[secret]"


def test_config_template_renders_upstream_directives():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "stacks/coturn/files/turnserver.conf").read_text()
    rendered = text.format(turn_port=3478, auth_secret="s", realm="viktorbarzin.me", public_ip="1.2.3.4",
                           min_port=49152, max_port=49252)
    for line in ("listening-port=3478", "static-auth-secret=s", "server-name=turn.viktorbarzin.me",
                 "external-ip=1.2.3.4", "min-port=49152", "max-port=49252", "total-quota=200"):
        assert line in rendered.splitlines()


def test_secrets_come_from_vault(synth_stack):
    es = synth_stack("coturn").k8s("ExternalSecret", "coturn-secrets", "coturn")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "coturn"}}]
