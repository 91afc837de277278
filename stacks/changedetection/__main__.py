"""changedetection.io with a sockpuppetbrowser (Chrome) sidecar; JSON datastore on NFS."""

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

settings = ClusterSettings.load()
NS = "changedetection"
SECRETS = "changedetection-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["changedetection"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("changedetection-data-nfs", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                           nfs_path="/srv/nfs/changedetection", storage="8Gi"), opts=ns_opts)

# The Homepage widget's API key lives in Vault (homepage_credentials, a JSON document) and
# reaches the ingress annotation through the Secret ESO syncs; read, never managed here.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["homepage_credentials"], depends_on=[secrets],
                                         source="Vault secret/changedetection"))
widget_key = json_value(synced["homepage_credentials"], "changedetection", "api_key")

browser = {
    "name": "sockpuppetbrowser",
    "image": "dgtlmoon/sockpuppetbrowser:latest",
    "image_pull_policy": "IfNotPresent",
    "ports": [{"name": "ws", "container_port": 3000, "protocol": "TCP"}],
    "security_context": {"capabilities": {"add": ["SYS_ADMIN"]}},
    "resources": {"requests": {"cpu": "25m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
}
app = {
    "name": "changedetection",
    "image": "ghcr.io/dgtlmoon/changedetection.io:latest",
    "env": env({"PLAYWRIGHT_DRIVER_URL": "ws://localhost:3000", "BASE_URL": f"https://changedetection.{settings.root_domain}",
                "LOGGER_LEVEL": "WARNING", "TZ": "Europe/Sofia"}),
    "volume_mounts": [{"name": "data", "mount_path": "/datastore"}],
    "ports": [{"name": "http", "container_port": 5000, "protocol": "TCP"}],
    "resources": {"requests": {"cpu": "15m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
}

WebApp("changedetection", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    keel_containers=(0, 1),
    strategy="Recreate",
    containers=[browser, app],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"port": 80, "target_port": 5000}],
), opts=ns_opts)

ingress = IngressFactory("changedetection", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Changedetection",
        "gethomepage.dev/description": "Website change monitor",
        "gethomepage.dev/icon": "changedetection.png",
        "gethomepage.dev/group": "Automation",
        "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "changedetectionio",
        "gethomepage.dev/widget.url": "http://changedetection.changedetection.svc.cluster.local",
        "gethomepage.dev/widget.key": widget_key,
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
