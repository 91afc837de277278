"""vpn-portal: the objects an outage would be about."""



def test_ui_ingress_is_authentik_gated_without_dns_record(synth_stack):
    stack = synth_stack("vpn-portal")
    ingress = stack.k8s("Ingress", "vpn-portal", "vpn-portal")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "cloudflare.viktorbarzin.me/dns-type" not in annotations
    assert annotations["uptime.viktorbarzin.me/external-monitor"] == "false"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "vpn.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "vpn-portal", "port": {"number": 80}}
    assert stack.of_type("cloudflare:index/dnsRecord:DnsRecord") == []


def test_subscription_path_is_public_and_strips_auth_headers(synth_stack):
    stack = synth_stack("vpn-portal")
    ingress = stack.k8s("Ingress", "vpn-portal-sub", "vpn-portal")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-1] == "traefik-strip-auth-headers@kubernetescrd"
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain and "traefik-ai-bot-block@kubernetescrd" not in chain
    assert "gethomepage.dev/enabled" not in annotations
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "vpn.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == ["/sub"]


def test_deployment_uses_vault_role_service_account(synth_stack):
    stack = synth_stack("vpn-portal")
    deployment = stack.k8s("Deployment", "vpn-portal", "vpn-portal")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "vpn-portal"
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/vpn-portal:latest"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["VAULT_K8S_ROLE"] == "vpn-portal" and env["VAULT_PORTAL_PATH"] == "vpn-portal"
    assert deployment["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/image-policy"] == "keel"
    stack.k8s("ServiceAccount", "vpn-portal", "vpn-portal")
