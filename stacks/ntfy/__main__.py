"""ntfy: push notifications; users and ACLs live in ntfy's own user.db (deny-all by default)."""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import IMAGE_POLICY_ANNOTATION, IMAGE_POLICY_KEEL, TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, env

settings = ClusterSettings.load()
NS = "ntfy"
CLAIM = "ntfy-data-proxmox"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

k8s.core.v1.PersistentVolumeClaim(
    CLAIM,
    metadata={
        "name": CLAIM,
        "namespace": NS,
        "annotations": {
            "pulumi.com/skipAwait": "true",  # binds on first consumer
            "resize.topolvm.io/threshold": "10%",
            "resize.topolvm.io/increase": "100%",
            "resize.topolvm.io/storage_limit": "5Gi",
        },
    },
    spec={"access_modes": ["ReadWriteOnce"], "storage_class_name": "proxmox-lvm",
          "resources": {"requests": {"storage": "1Gi"}}},
    # The autoresizer grows the request and claims cannot shrink: never revert it.
    opts=pulumi.ResourceOptions(depends_on=[namespace], protect=True, retain_on_delete=True,
                                ignore_changes=["spec.resources.requests"]),
)

health = {"http_get": {"path": "/v1/health", "port": 80}, "period_seconds": 30, "timeout_seconds": 5}
k8s.apps.v1.Deployment(
    "ntfy",
    metadata={
        "name": "ntfy",
        "namespace": NS,
        "labels": {"app": "ntfy", "tier": TIER_AUX},
        "annotations": {"reloader.stakater.com/search": "true", IMAGE_POLICY_ANNOTATION: IMAGE_POLICY_KEEL},
    },
    spec={
        "replicas": 1,
        "strategy": {"type": "Recreate"},
        "selector": {"match_labels": {"app": "ntfy"}},
        "template": {
            "metadata": {"labels": {"app": "ntfy"}},
            "spec": {
                "containers": [{
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
                "volumes": [{"name": "data", "persistent_volume_claim": {"claim_name": CLAIM}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)

k8s.core.v1.Service(
    "ntfy-service",
    metadata={
        "name": "ntfy",
        "namespace": NS,
        "labels": {"app": "ntfy"},
        "annotations": {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "80"},
    },
    spec={"selector": {"app": "ntfy"}, "ports": [{"name": "http", "port": 80, "target_port": 80}]},
    opts=ns_opts,
)

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
