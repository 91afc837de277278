"""ntfy: push notifications; users and ACLs live in ntfy's own user.db (deny-all by default)."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "ntfy"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

data = ProxmoxVolume("ntfy-data-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)

health = {"http_get": {"path": "/v1/health", "port": 80}, "period_seconds": 30, "timeout_seconds": 5}
WebApp("ntfy", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true"},
    containers=[{
        "name": "ntfy",
        "image": "binwiederhier/ntfy",
        "args": ["serve"],
        "ports": [{"container_port": 80}],
        "liveness_probe": {**health, "initial_delay_seconds": 15, "failure_threshold": 5},
        "readiness_probe": {**health, "initial_delay_seconds": 5, "failure_threshold": 3},
        "env": env({
            "NTFY_BASE_URL": f"https://ntfy.{settings.root_domain}",
            "NTFY_UPSTREAM_BASE_URL": "https://ntfy.sh",  # relays iOS pushes through ntfy.sh
            "NTFY_BEHIND_PROXY": "true",
            "NTFY_ENABLE_LOGIN": "true",
            "NTFY_AUTH_FILE": "/var/lib/ntfy/user.db",
            "NTFY_AUTH_DEFAULT_ACCESS": "deny-all",
            "NTFY_ENABLE_METRICS": "true",
        }),
        "volume_mounts": [{"name": "data", "mount_path": "/var/lib/ntfy/"}],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "80"},
    service_ports=[{"name": "http", "port": 80, "target_port": 80}],
), opts=ns_opts)

ingress = IngressFactory("ntfy", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="app",
    auth_reason="Apps and publisher scripts authenticate with basic auth or tokens against ntfy's user.db "
                "(default access deny-all); forward-auth would block them",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "ntfy",
        "gethomepage.dev/description": "Push notifications",
        "gethomepage.dev/icon": "ntfy.png",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
