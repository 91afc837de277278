"""Send: encrypted file drop, blobs on NFS and metadata in the shared Redis. Parked at zero replicas."""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import IMAGE_POLICY_ANNOTATION, IMAGE_POLICY_KEEL, TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, env

settings = ClusterSettings.load()
NS = "send"
PORT = 1443

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("send-data-nfs", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                nfs_path="/srv/nfs/send", storage="5Gi"), opts=ns_opts)

k8s.apps.v1.Deployment(
    "send",
    metadata={
        "name": "send",
        "namespace": NS,
        "labels": {"app": "send", "tier": TIER_AUX},
        "annotations": {"reloader.stakater.com/search": "true", IMAGE_POLICY_ANNOTATION: IMAGE_POLICY_KEEL},
    },
    spec={
        # Parked: the WebSocket upload cannot wake a Sablier group, so it stays off until needed
        # (share links are dead meanwhile). Revive with 1 replica and the external monitor back on.
        "replicas": 0,
        "strategy": {"type": "Recreate"},
        "selector": {"match_labels": {"app": "send"}},
        "template": {
            "metadata": {"labels": {"app": "send"}},
            "spec": {
                "containers": [{
                    "name": "send",
                    "image": "registry.gitlab.com/timvisee/send:latest",
                    "ports": [{"container_port": PORT}],
                    "env": env({
                        "FILE_DIR": "/uploads",
                        "BASE_URL": f"https://send.{settings.root_domain}",
                        "MAX_FILE_SIZE": 5368709120,
                        "MAX_DOWNLOADS": 10,  # small cap against abuse of anonymous links
                        "MAX_EXPIRE_SECONDS": 7 * 24 * 3600,
                        "REDIS_HOST": settings.redis_host,
                    }),
                    "liveness_probe": {
                        "http_get": {"path": "/__version__", "port": PORT},
                        "initial_delay_seconds": 10, "period_seconds": 30, "failure_threshold": 3,
                    },
                    "volume_mounts": [{"name": "data", "mount_path": "/uploads"}],
                    "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
                }],
                "volumes": [{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)

k8s.core.v1.Service(
    "send-service",
    metadata={"name": "send", "namespace": NS, "labels": {"app": "send"}},
    spec={"selector": {"app": "send"}, "ports": [{"name": "http", "port": PORT}]},
    opts=ns_opts,
)

ingress = IngressFactory("send", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Anonymous recipients open end-to-end encrypted share links; forward-auth would lock every recipient out",
    dns_type="non-proxied",
    # Parked backend: no permanently red external monitor.
    external_monitor=False,
    port=PORT,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Send",
        "gethomepage.dev/description": "Encrypted file sharing",
        "gethomepage.dev/icon": "firefox-send.png",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
