"""Send: encrypted file drop, blobs on NFS and metadata in the shared Redis. Parked at zero replicas."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "send"
PORT = 1443

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("send-data-nfs", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                nfs_path="/srv/nfs/send", storage="5Gi"), opts=ns_opts)

WebApp("send", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    # Parked: the WebSocket upload cannot wake a Sablier group, so it stays off until needed
    # (share links are dead meanwhile). Revive with 1 replica and the external monitor back on.
    replicas=0,
    strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true"},
    containers=[{
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
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": PORT}],
), opts=ns_opts)

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
