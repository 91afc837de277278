"""PrivateBin: public encrypted pastebin at pb.<domain>, pastes on an auto-growing block volume.

No Anubis: paste creation is an XHR `POST /` that a challenge page would break, and the
pastes are encrypted client-side, so the default anti-AI middlewares are enough.
"""

import pulumi

from components.constants import TIER_EDGE
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = "privatebin"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

data = ProxmoxVolume("privatebin-data-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)

WebApp("privatebin", WebAppArgs(
    namespace=NS,
    tier=TIER_EDGE,
    keel=True,
    sablier_group="privatebin",
    strategy="Recreate",
    containers=[{
        "name": "privatebin",
        "image": "privatebin/nginx-fpm-alpine",
        "image_pull_policy": "IfNotPresent",
        "ports": [{"container_port": 8080}],
        "volume_mounts": [{"name": "data", "mount_path": "/srv/data", "sub_path": "data"}],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"port": 80, "target_port": 8080}],
), opts=ns_opts)

ingress = IngressFactory("privatebin", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Public pastebin by design; pastes are encrypted in the browser and the anti-AI middlewares stay on",
    host="pb",
    dns_type="proxied",
    sablier=Sablier(group="privatebin"),
    extra_middlewares=["traefik-x402@kubernetescrd"],
    # PrivateBin's crypto needs eval and WebAssembly.
    custom_content_security_policy="script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "PrivateBin",
        "gethomepage.dev/description": "Encrypted pastebin",
        "gethomepage.dev/icon": "privatebin.png",
        "gethomepage.dev/group": "Development & CI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
