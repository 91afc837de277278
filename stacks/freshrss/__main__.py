"""FreshRSS feed reader at rss.<domain>: data on a block volume, extensions on NFS."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs

settings = ClusterSettings.load()
NS = "freshrss"
SECRETS = "freshrss-secrets"
CLUSTER_SERVICE = {"kubernetes.io/cluster-service": "true"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["freshrss"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Homepage widget login: `homepage_credentials` (JSON) from Vault secret/freshrss, read
# from the Secret ESO syncs. Only read here; Pulumi keeps the values encrypted in state.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["homepage_credentials"], depends_on=[secrets],
                                         source="Vault secret/freshrss"))
widget_login = {k: json_value(synced["homepage_credentials"], "freshrss", k) for k in ("username", "password")}

data = ProxmoxVolume("freshrss-data-proxmox", ProxmoxVolumeArgs(namespace=NS, storage="1Gi"), opts=ns_opts)
extensions = NfsVolume("freshrss-extensions", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                            nfs_path="/srv/nfs/freshrss/extensions", storage="1Gi"), opts=ns_opts)

WebApp("freshrss", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",
    labels=CLUSTER_SERVICE,
    pod_labels=CLUSTER_SERVICE,
    containers=[{
        "name": "freshrss",
        "image": "freshrss/freshrss",
        "env": env({"CRON_MIN": "0,30", "BASE_URL": f"https://rss.{settings.root_domain}", "PUBLISHED_PORT": 80}),
        "volume_mounts": [{"name": "data", "mount_path": "/var/www/FreshRSS/data"},
                          {"name": "extensions", "mount_path": "/var/www/FreshRSS/extensions"}],
        "ports": [{"name": "http", "container_port": 80, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "15m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
    }],
    volumes=[
        {"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
        {"name": "extensions", "persistent_volume_claim": {"claim_name": extensions.claim_name}},
    ],
    service_ports=[{"port": 80, "target_port": 80}],
), opts=ns_opts)

ingress = IngressFactory("rss", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="freshrss",
    auth="app",
    auth_reason="FreshRSS login gates the UI; mobile readers (Reeder, FeedMe) call the Fever and GReader APIs "
                "with app passwords, which a forward-auth redirect would break",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "FreshRSS",
        "gethomepage.dev/description": "RSS feed reader",
        "gethomepage.dev/icon": "freshrss.png",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "freshrss",
        "gethomepage.dev/widget.url": "http://freshrss.freshrss.svc.cluster.local",
        "gethomepage.dev/widget.username": widget_login["username"],
        "gethomepage.dev/widget.password": widget_login["password"],
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
