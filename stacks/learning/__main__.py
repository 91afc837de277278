"""Learn: single-user learning PWA behind Authentik, progress kept in SQLite on an RWO volume."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS, env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "learning"
IMAGE = f"ghcr.io/viktorbarzin/learning:{config.get('imageTag') or 'latest'}"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Not enrolled in pvc-autoresizer upstream (no resize annotations): storage_limit=None keeps it so.
data = ProxmoxVolume("learning-data", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit=None, storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

probe = {"http_get": {"path": "/api/healthz", "port": 8080}}
WebApp("learning", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    strategy="Recreate",  # one SQLite writer on an RWO volume
    # CI sets the image; Keel's bookkeeping fields (not match-tag/change-cause: upstream left those managed).
    ignore_changes=[
        *(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS[:3]),
        "spec.template.spec.containers[0].image",
        'metadata.annotations["deployment.kubernetes.io/revision"]',
        'spec.template.metadata.annotations["keel.sh/update-time"]',
    ],
    containers=[{
        "name": "learning",
        "image": IMAGE,
        "ports": [{"container_port": 8080}],
        "env": env({"AUTH_MODE": "prod", "DB_CONNECTION_STRING": "sqlite+aiosqlite:////data/learn.db"}),
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "readiness_probe": {**probe, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**probe, "initial_delay_seconds": 30, "period_seconds": 30},
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
    }],
    pod_spec={
        # The image declares no USER and writes to a root-owned volume; pinned so a
        # future USER line fails loudly instead of crash-looping.
        "security_context": {"run_as_user": 0},
        "image_pull_secrets": [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}],
    },
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_spec={"type": "ClusterIP"},
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=ns_opts)

# Authentik gates the host; the app trusts X-Authentik-Email for owner-only access.
ingress = IngressFactory("learn", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    service_name="learning",
    port=8080,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Learn",
        "gethomepage.dev/description": "Self-paced learning PWA \u2014 lessons, challenges, progress",
        "gethomepage.dev/icon": "mdi-school",
        "gethomepage.dev/group": "Productivity",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
