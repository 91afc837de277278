"""TREK trip planner (trial): SQLite and uploads on encrypted block volumes, scale-to-zero."""

import pulumi

from components import constants as c
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS, env
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs

settings = ClusterSettings.load()
image_tag = pulumi.Config().get("imageTag") or "3.0.22"
NS = "trek"
HOST = f"trek.{settings.root_domain}"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])


ENCRYPTED = "proxmox-lvm-encrypted"
data = ProxmoxVolume("trek-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="5Gi", storage_class=ENCRYPTED), opts=ns_opts)
uploads = ProxmoxVolume("trek-uploads-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="5Gi", storage_limit="20Gi", storage_class=ENCRYPTED), opts=ns_opts)

tcp = {"tcp_socket": {"port": 3000}}
app = WebApp("trek", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    sablier_group="trek",
    strategy="Recreate",
    # Keel's policy annotations and the image tag (no rollout bookkeeping paths here).
    ignore_changes=[*(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS[:3]),
                    "spec.template.spec.containers[0].image"],
    containers=[{
        "name": "trek",
        "image": f"mauriceboe/trek:{image_tag}",
        "image_pull_policy": "IfNotPresent",
        "ports": [{"container_port": 3000}],
        "resources": {"requests": {"cpu": "100m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        "env": env({"APP_URL": f"https://{HOST}", "ALLOWED_ORIGINS": f"https://{HOST}",
                    "FORCE_HTTPS": "true", "TRUST_PROXY": "1"}),
        "volume_mounts": [{"name": "data", "mount_path": "/app/data"},
                          {"name": "uploads", "mount_path": "/app/uploads"}],
        # Socket probes: every HTTP path redirects to the login page.
        "startup_probe": {**tcp, "period_seconds": 5, "failure_threshold": 30},
        "readiness_probe": {**tcp, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**tcp, "period_seconds": 30},
    }],
    volumes=[
        {"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
        {"name": "uploads", "persistent_volume_claim": {"claim_name": uploads.claim_name}},
    ],
    service_ports=[{"port": 80, "target_port": 3000}],
), opts=ns_opts)

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

ingress = IngressFactory("trek", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    service_name="trek",
    port=80,
    sablier=Sablier(group="trek"),
    homepage_group="Productivity",
    extra_annotations={"gethomepage.dev/description": "Group trip planner (trial)", "gethomepage.dev/icon": "mdi-bag-suitcase"},
), opts=pulumi.ResourceOptions(depends_on=[namespace, app]))

pulumi.export("host", ingress.host)
