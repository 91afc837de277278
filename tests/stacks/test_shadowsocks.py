"""shadowsocks: the LoadBalancer address and ports clients dial, the cipher and the Vault password."""



def test_service_is_shared_metallb_loadbalancer_on_8388(synth_stack):
    service = synth_stack("shadowsocks").k8s("Service", "shadowsocks", "shadowsocks")
    inputs = service["inputs"]
    assert inputs["metadata"]["annotations"] == {"metallb.io/loadBalancerIPs": "10.0.20.200", "metallb.io/allow-shared-ip": "shared"}
    assert inputs["spec"]["type"] == "LoadBalancer" and inputs["spec"]["externalTrafficPolicy"] == "Cluster"
    assert [(p["protocol"], p["port"], p["targetPort"]) for p in inputs["spec"]["ports"]] == [("TCP", 8388, 8388), ("UDP", 8388, 8388)]
    assert service["options"]["ignoreChanges"] == ['metadata.annotations["metallb.io/ip-allocated-from-pool"]']


def test_server_cipher_and_password_from_vault(synth_stack):
    stack = synth_stack("shadowsocks")
    deployment = stack.k8s("Deployment", "shadowsocks", "shadowsocks")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "shadowsocks/shadowsocks-libev:v3.3.5"
    assert container["env"][0] == {"name": "METHOD", "value": "chacha20-ietf-poly1305"}
    assert container["env"][1]["valueFrom"]["secretKeyRef"] == {"name": "shadowsocks-secrets", "key": "password"}
    assert deployment["inputs"]["metadata"]["annotations"]["reloader.stakater.com/auto"] == "true"
    es = stack.k8s("ExternalSecret", "shadowsocks-secrets", "shadowsocks")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "shadowsocks"}}]
    assert es["spec"]["target"]["name"] == "shadowsocks-secrets"
    assert es["metadata"]["annotations"]["pulumi.com/patchForce"] == "true"
