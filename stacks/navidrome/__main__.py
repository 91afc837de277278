"""Navidrome music streaming: Subsonic API for mobile clients, libraries mounted read-only from NFS."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "navidrome"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret("navidrome-secrets", ExternalSecretArgs(namespace=NS, extract=["navidrome"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Homepage widget login (Vault secret/navidrome: homepage_credentials, JSON), read from the Secret ESO syncs.
synced = read_live("navidrome-secrets", LiveReadArgs(namespace=NS, keys=["homepage_credentials"], depends_on=[secrets],
                                                     source="Vault secret/navidrome"))

data = ProxmoxVolume("navidrome-data-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)
libraries = {
    name: NfsVolume(f"navidrome-{name}", NfsVolumeArgs(namespace=NS, nfs_server=server, nfs_path=path), opts=ns_opts)
    for name, server, path in [
        ("music", "192.168.1.13", "/volume1/music"),
        ("lidarr-host", settings.nfs_server, "/srv/nfs/servarr/lidarr"),
        ("freedify-host", settings.nfs_server, "/srv/nfs/freedify-music"),
    ]
}

WebApp("navidrome", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",
    containers=[{
        "name": "navidrome", "image": "deluan/navidrome:latest",
        "volume_mounts": [
            {"name": "data", "mount_path": "/data"},
            {"name": "music", "mount_path": "/music", "read_only": True},
            {"name": "lidarr", "mount_path": "/lidarr", "read_only": True},
            {"name": "freedify", "mount_path": "/freedify-music", "read_only": True},
        ],
        "env": env({"ND_SCANSCHEDULE": "0"}),
        "ports": [{"name": "http", "container_port": 4533, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "15m", "memory": "256Mi"}, "limits": {"memory": "384Mi"}},
    }],
    volumes=[
        {"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
        {"name": "music", "persistent_volume_claim": {"claim_name": libraries["music"].claim_name}},
        {"name": "lidarr", "persistent_volume_claim": {"claim_name": libraries["lidarr-host"].claim_name}},
        {"name": "freedify", "persistent_volume_claim": {"claim_name": libraries["freedify-host"].claim_name}},
    ],
    service_ports=[{"port": 80, "target_port": 4533}],
), opts=ns_opts)

ingress = IngressFactory("navidrome", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="app",
    auth_reason="Navidrome's own user/password login gates the UI and the Subsonic /rest API; mobile "
                "Subsonic clients cannot follow a forward-auth redirect",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Navidrome",
        "gethomepage.dev/description": "Music streaming", "gethomepage.dev/icon": "navidrome.png",
        "gethomepage.dev/group": "Media & Entertainment", "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "navidrome",
        "gethomepage.dev/widget.url": "http://navidrome.navidrome.svc.cluster.local",
        **{f"gethomepage.dev/widget.{k}": json_value(synced["homepage_credentials"], "navidrome", k) for k in ("user", "token", "salt")},
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
