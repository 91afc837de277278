"""tor-proxy: the objects an outage would be about."""



def test_torrserver_ingress_is_lan_only_with_internal_record(synth_stack):
    stack = synth_stack("tor-proxy")
    ingress = stack.k8s("Ingress", "torrserver", "tor-proxy")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "internal"
    assert annotations["uptime.viktorbarzin.me/external-monitor"] == "false"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-authentik-forward-auth@kubernetescrd" in chain and chain[-1] == "traefik-home-lans-only@kubernetescrd"
    assert ingress["spec"]["rules"][0]["host"] == "torrserver.viktorbarzin.me"
    record = [r["inputs"] for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")]
    assert [(r["type"], r["content"]) for r in record] == [("A", "10.0.20.203")]


def test_images_and_ports(synth_stack):
    stack = synth_stack("tor-proxy")
    tor = stack.k8s("Deployment", "tor-proxy", "tor-proxy")["inputs"]["spec"]
    assert tor["template"]["spec"]["containers"][0]["image"] == "dperson/torproxy:latest"
    assert [p["containerPort"] for p in tor["template"]["spec"]["containers"][0]["ports"]] == [8118, 9050]
    torr = stack.k8s("Deployment", "torrserver", "tor-proxy")["inputs"]["spec"]
    assert torr["strategy"] == {"type": "Recreate"}
    assert torr["template"]["spec"]["containers"][0]["image"] == "ghcr.io/yourok/torrserver:MatriX.141"
    claim = torr["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]
    assert claim == "tor-proxy-torrserver-data-proxmox"


def test_bt_port_on_shared_lb_ip(synth_stack):
    service = synth_stack("tor-proxy").k8s("Service", "torrserver-bt", "tor-proxy")
    annotations = service["inputs"]["metadata"]["annotations"]
    assert annotations["metallb.io/loadBalancerIPs"] == "10.0.20.200"
    assert annotations["metallb.io/allow-shared-ip"] == "shared"
    spec = service["inputs"]["spec"]
    assert spec["externalTrafficPolicy"] == "Cluster"
    assert {(p["port"], p["protocol"]) for p in spec["ports"]} == {(5665, "TCP"), (5665, "UDP")}
