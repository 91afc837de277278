"""VPN portal: UI behind Authentik plus a token-checked /sub endpoint for VPN client apps."""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "vpn-portal"
HOST = f"vpn.{settings.root_domain}"
IMAGE = f"ghcr.io/viktorbarzin/vpn-portal:{pulumi.Config().get('imageTag') or 'latest'}"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Vault's kubernetes-auth role `vpn-portal` is bound to this account (read/write secret/vpn-portal).
k8s.core.v1.ServiceAccount("vpn-portal-sa", metadata={"name": "vpn-portal", "namespace": NS}, opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

probe = {"http_get": {"path": "/", "port": 3000}}
WebApp("vpn-portal", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    pod_spec={"service_account_name": "vpn-portal", "image_pull_secrets": [{"name": "ghcr-credentials"}]},
    containers=[{
        "name": "vpn-portal",
        "image": IMAGE,
        "ports": [{"container_port": 3000}],
        # The app logs in to Vault with its service-account token at runtime.
        "env": env({
            "VAULT_ADDR": "http://vault-active.vault.svc.cluster.local:8200",
            "VAULT_K8S_ROLE": "vpn-portal",
            "VAULT_KV_MOUNT": "secret",
            "VAULT_PORTAL_PATH": "vpn-portal",
            "PORT": "3000",
        }),
        "resources": {"requests": {"cpu": "20m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "readiness_probe": {**probe, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**probe, "initial_delay_seconds": 15, "period_seconds": 30},
    }],
    service_ports=[{"port": 80, "target_port": 3000}],
), opts=ns_opts)

# The vpn.<domain> A record is managed with the other non-proxied names, hence dns_type none.
common = dict(namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain,
              dns=settings.dns, dns_type="none", external_monitor=False, full_host=HOST,
              service_name="vpn-portal", port=80)
ui = IngressFactory("vpn-portal", IngressArgs(
    **common,
    auth="required",
    extra_annotations={
        "gethomepage.dev/description": "Self-service VPN config portal",
        "gethomepage.dev/icon": "wireguard.png",
        "gethomepage.dev/name": "VPN Portal",
        "gethomepage.dev/group": "Identity & Security",
    },
), opts=ns_opts)
IngressFactory("vpn-portal-sub", IngressArgs(
    **common,
    auth="none",
    auth_reason="Subscription feed polled by VPN client apps that cannot do an OIDC login; the app checks the per-user token",
    anti_ai_scraping=False,
    homepage_enabled=False,
    ingress_path=["/sub"],
    # Unauthenticated path: drop any client-sent X-authentik-* so identity cannot be spoofed.
    extra_middlewares=["traefik-strip-auth-headers@kubernetescrd"],
), opts=ns_opts)

pulumi.export("host", ui.host)
