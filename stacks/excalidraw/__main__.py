"""Excalidraw with a saved-drawings library at draw.<domain>; drawings on NFS, scale-to-zero."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "excalidraw"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("excalidraw-data-host", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/excalidraw",
                                                       storage="1Gi", access_modes=["ReadWriteOnce"]), opts=ns_opts)

WebApp("excalidraw", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    sablier_group="excalidraw",
    strategy="Recreate",
    # Seeds for a fresh object only; Keel owns these keys afterwards (keel=True ignores them).
    annotations={"keel.sh/policy": "force", "keel.sh/trigger": "poll", "keel.sh/match-tag": "true",
                 "keel.sh/pollSchedule": "@every 5m"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": "^latest$"},
    # Private GHCR image; Kyverno clones ghcr-credentials into allow-listed namespaces.
    pod_spec={"image_pull_secrets": [{"name": "ghcr-credentials"}]},
    containers=[{
        "name": "excalidraw",
        "image": "ghcr.io/viktorbarzin/excalidraw-library:latest",
        "image_pull_policy": "Always",
        "ports": [{"container_port": 8080}],
        "env": env({"DATA_DIR": "/data", "PORT": "8080"}),
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_name="draw",
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

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
