"""PrivateBin: public encrypted pastebin at pb.<domain>, pastes on an auto-growing block volume.

No Anubis: paste creation is an XHR `POST /` that a challenge page would break, and the
pastes are encrypted client-side, so the default anti-AI middlewares are enough.
"""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import IMAGE_POLICY_ANNOTATION, IMAGE_POLICY_KEEL, TIER_EDGE
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, sablier_labels

settings = ClusterSettings.load()
NS = "privatebin"
CLAIM = "privatebin-data-proxmox"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
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

k8s.apps.v1.Deployment(
    "privatebin",
    metadata={
        "name": "privatebin",
        "namespace": NS,
        "labels": {"app": "privatebin", "tier": TIER_EDGE, **sablier_labels("privatebin")},
        "annotations": {IMAGE_POLICY_ANNOTATION: IMAGE_POLICY_KEEL},
    },
    spec={
        "replicas": 1,
        "strategy": {"type": "Recreate"},
        "selector": {"match_labels": {"app": "privatebin"}},
        "template": {
            "metadata": {"labels": {"app": "privatebin"}},
            "spec": {
                "containers": [{
                    "name": "privatebin",
                    "image": "privatebin/nginx-fpm-alpine",
                    "image_pull_policy": "IfNotPresent",
                    "ports": [{"container_port": 8080}],
                    "volume_mounts": [{"name": "data", "mount_path": "/srv/data", "sub_path": "data"}],
                    "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
                }],
                "volumes": [{"name": "data", "persistent_volume_claim": {"claim_name": CLAIM}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True, sablier=True)),
)

k8s.core.v1.Service(
    "privatebin-service",
    metadata={"name": "privatebin", "namespace": NS, "labels": {"app": "privatebin"}},
    spec={"selector": {"app": "privatebin"}, "ports": [{"port": 80, "target_port": 8080}]},
    opts=ns_opts,
)

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
