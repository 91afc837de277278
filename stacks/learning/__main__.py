"""Learn: single-user learning PWA behind Authentik, progress kept in SQLite on an RWO volume."""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.workload import KEEL_ANNOTATIONS, deployment_ignore_changes, env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "learning"
LABELS = {"app": "learning"}
IMAGE = f"ghcr.io/viktorbarzin/learning:{config.get('imageTag') or 'latest'}"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

data = k8s.core.v1.PersistentVolumeClaim(
    "learning-data",
    metadata={
        "name": "learning-data",
        "namespace": NS,
        # The storage class binds on first consumer: waiting for Bound here would deadlock.
        "annotations": {"pulumi.com/skipAwait": "true"},
    },
    spec={
        "access_modes": ["ReadWriteOnce"],
        "storage_class_name": "proxmox-lvm-encrypted",
        "resources": {"requests": {"storage": "1Gi"}},
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], protect=True, retain_on_delete=True),
)

probe = {"http_get": {"path": "/api/healthz", "port": 8080}}
k8s.apps.v1.Deployment(
    "learning",
    metadata={"name": "learning", "namespace": NS, "labels": {**LABELS, "tier": TIER_AUX}},
    spec={
        "replicas": 1,
        "strategy": {"type": "Recreate"},  # one SQLite writer on an RWO volume
        "selector": {"match_labels": LABELS},
        "template": {
            "metadata": {"labels": LABELS},
            "spec": {
                # The image declares no USER and writes to a root-owned volume; pinned so a
                # future USER line fails loudly instead of crash-looping.
                "security_context": {"run_as_user": 0},
                "image_pull_secrets": [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}],
                "containers": [{
                    "name": "learning",
                    "image": IMAGE,
                    "ports": [{"container_port": 8080}],
                    "env": env({"AUTH_MODE": "prod", "DB_CONNECTION_STRING": "sqlite+aiosqlite:////data/learn.db"}),
                    "volume_mounts": [{"name": "data", "mount_path": "/data"}],
                    "readiness_probe": {**probe, "initial_delay_seconds": 5, "period_seconds": 10},
                    "liveness_probe": {**probe, "initial_delay_seconds": 30, "period_seconds": 30},
                    "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
                }],
                "volumes": [{"name": "data", "persistent_volume_claim": {"claim_name": "learning-data"}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(
        depends_on=[namespace, data],
        # CI sets the image; Keel's bookkeeping fields (not match-tag/change-cause: upstream left those managed).
        ignore_changes=deployment_ignore_changes(extra=[
            *(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS[:3]),
            "spec.template.spec.containers[0].image",
            'metadata.annotations["deployment.kubernetes.io/revision"]',
            'spec.template.metadata.annotations["keel.sh/update-time"]',
        ]),
    ),
)

k8s.core.v1.Service(
    "learning-service",
    metadata={"name": "learning", "namespace": NS, "labels": LABELS},
    spec={"type": "ClusterIP", "selector": LABELS, "ports": [{"name": "http", "port": 8080, "target_port": 8080}]},
    opts=ns_opts,
)

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
