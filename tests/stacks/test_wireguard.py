"""wireguard: the objects an outage would be about."""


def test_vpn_endpoint_on_the_shared_address(synth_stack):
    stack = synth_stack("wireguard")
    service = stack.k8s("Service", "wireguard", "wireguard")
    spec = service["inputs"]["spec"]
    assert spec["type"] == "LoadBalancer" and spec["externalTrafficPolicy"] == "Cluster"
    assert spec["ports"] == [{"port": 51820, "protocol": "UDP"}]
    annotations = service["inputs"]["metadata"]["annotations"]
    assert annotations["metallb.io/loadBalancerIPs"] == "10.0.20.200"
    assert annotations["metallb.io/allow-shared-ip"] == "shared"
    assert annotations["infra.viktorbarzin.me/auth"] == "app"
    assert 'metadata.annotations["metallb.io/ip-allocated-from-pool"]' in service["options"]["ignoreChanges"]


def test_deployment_brings_up_wg0(synth_stack):
    deployment = synth_stack("wireguard").k8s("Deployment", "wireguard", "wireguard")
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"rollingUpdate": {"maxSurge": "2", "maxUnavailable": "0"}}
    pod = spec["template"]["spec"]
    assert pod["initContainers"][0]["securityContext"] == {"privileged": True}
    names = [x["name"] for x in pod["containers"]]
    assert names == ["wireguard", "wg-peer-sync", "prometheus-exporter"]
    wg = pod["containers"][0]
    assert wg["lifecycle"]["preStop"]["exec"]["command"] == ["wg-quick", "down", "wg0"]
    assert wg["securityContext"]["capabilities"]["add"] == ["NET_ADMIN", "SYS_MODULE"]
    for i in range(3):
        assert f"spec.template.spec.containers[{i}].image" in deployment["options"]["ignoreChanges"]


def test_key_secret_config_and_portal_peers(synth_stack):
    stack = synth_stack("wireguard")
    secret = stack.k8s("Secret", "wg0-key", "wireguard")["inputs"]
    assert secret["type"] == "generic"
    config = stack.k8s("ConfigMap", "wg0-conf", "wireguard")["inputs"]
    assert set(config["data"]) == {"setup-firewall.sh", "wg0.conf"}
    peers = stack.k8s("ExternalSecret", "vpn-portal-wg-peers", "wireguard")["inputs"]["spec"]
    assert peers["refreshInterval"] == "1m"
    assert peers["data"] == [{"secretKey": "wg_peers", "remoteRef": {"key": "vpn-portal", "property": "wg_peers"}}]
    exporter = stack.k8s("Service", "wireguard-exporter", "wireguard")["inputs"]["spec"]
    assert exporter["ports"] == [{"port": 9102, "targetPort": 9586}]
