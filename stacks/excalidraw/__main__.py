"""Excalidraw with a saved-drawings library at draw.<domain>; drawings on NFS, scale-to-zero."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, env, sablier_labels

settings = ClusterSettings.load()
NS = "excalidraw"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("excalidraw-data-host", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/excalidraw",
                                                       storage="1Gi", access_modes=["ReadWriteOnce"]), opts=ns_opts)

k8s.apps.v1.Deployment(
    "excalidraw",
    metadata={
        "name": "excalidraw",
        "namespace": NS,
        "labels": {"app": "excalidraw", "tier": c.TIER_AUX, **sablier_labels("excalidraw")},
        # Seeds for a fresh object only; Keel owns these keys afterwards (ignored below).
        "annotations": {"keel.sh/policy": "force", "keel.sh/trigger": "poll", "keel.sh/match-tag": "true",
                        "keel.sh/pollSchedule": "@every 5m", c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL},
    },
    spec={
        "replicas": 1,
        "strategy": {"type": "Recreate"},
        "selector": {"match_labels": {"app": "excalidraw"}},
        "template": {
            "metadata": {"labels": {"app": "excalidraw"}, "annotations": {"diun.enable": "true", "diun.include_tags": "^latest$"}},
            "spec": {
                # Private GHCR image; Kyverno clones ghcr-credentials into allow-listed namespaces.
                "image_pull_secrets": [{"name": "ghcr-credentials"}],
                "containers": [{
                    "name": "excalidraw",
                    "image": "ghcr.io/viktorbarzin/excalidraw-library:latest",
                    "image_pull_policy": "Always",
                    "ports": [{"container_port": 8080}],
                    "env": env({"DATA_DIR": "/data", "PORT": "8080"}),
                    "volume_mounts": [{"name": "data", "mount_path": "/data"}],
                    "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
                }],
                "volumes": [{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True, sablier=True)),
)

k8s.core.v1.Service(
    "draw-service",
    metadata={"name": "draw", "namespace": NS, "labels": {"app": "excalidraw"}},
    spec={"selector": {"app": "excalidraw"}, "ports": [{"name": "http", "port": 80, "target_port": 8080}]},
    opts=ns_opts,
)

# emo's agent uploads drawings through `kubectl port-forward svc/draw` with the
# chrome-service/emo-browser ServiceAccount; port-forward skips Authentik (accepted, see README).
portforward = k8s.rbac.v1.Role(
    "portforward",
    metadata={"name": "excalidraw-portforward", "namespace": NS},
    rules=[{"api_groups": [""], "resources": ["pods/portforward"], "verbs": ["create"]}],
    opts=ns_opts,
)
k8s.rbac.v1.RoleBinding(
    "emo-browser-portforward",
    metadata={"name": "emo-browser-portforward", "namespace": NS},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": portforward.metadata["name"]},
    subjects=[{"kind": "ServiceAccount", "name": "emo-browser", "namespace": "chrome-service"}],
    opts=ns_opts,
)

ingress = IngressFactory("draw", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    sablier=Sablier(group="excalidraw"),
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Excalidraw",
        "gethomepage.dev/description": "Collaborative whiteboard",
        "gethomepage.dev/icon": "excalidraw.png",
        "gethomepage.dev/group": "Development & CI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
