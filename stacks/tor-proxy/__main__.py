"""Tor proxy (HTTP 8118 / SOCKS 9050, in-cluster) and TorrServer (LAN-only UI, BT port on the shared LB IP)."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import deployment_ignore_changes

settings = ClusterSettings.load()
NS = "tor-proxy"
shared_lb = settings.shared_lb()

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp("tor-proxy", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="RollingUpdate",
    annotations={"reloader.stakater.com/search": "true"},
    containers=[{
        "name": "tor-proxy",
        "image": "dperson/torproxy:latest",
        "ports": [{"name": "http", "container_port": 8118, "protocol": "TCP"},
                  {"name": "tor", "container_port": 9050, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }],
    service_ports=[{"name": "http", "port": 8118}, {"name": "tor", "port": 9050}],
), opts=ns_opts)

data = ProxmoxVolume("tor-proxy-torrserver-data-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)
echo = {"http_get": {"path": "/echo", "port": 8090}}
# Not a WebApp: the live Deployment carries an empty annotations map, which WebApp leaves out.
k8s.apps.v1.Deployment(
    "torrserver",
    metadata={"name": "torrserver", "namespace": NS, "labels": {"app": "torrserver", "tier": c.TIER_AUX}, "annotations": {}},
    spec={"replicas": 1, "strategy": {"type": "Recreate"}, "selector": {"match_labels": {"app": "torrserver"}},
          "template": {"metadata": {"labels": {"app": "torrserver"}}, "spec": {
              "containers": [{
                  "name": "torrserver",
                  "image": "ghcr.io/yourok/torrserver:MatriX.141",
                  "ports": [{"name": "http", "container_port": 8090, "protocol": "TCP"}],
                  "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
                  "readiness_probe": {**echo, "initial_delay_seconds": 5, "period_seconds": 10},
                  "liveness_probe": {**echo, "initial_delay_seconds": 15, "period_seconds": 30},
                  "volume_mounts": [{"name": "torrserver-data", "mount_path": "/opt/ts"}],
              }],
              "volumes": [{"name": "torrserver-data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
          }}},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)
k8s.core.v1.Service(
    "torrserver-service", metadata={"name": "torrserver", "namespace": NS, "labels": {"app": "torrserver"}},
    spec={"selector": {"app": "torrserver"}, "ports": [{"name": "http", "port": 8090, "target_port": 8090}]},
    opts=ns_opts)
# BitTorrent peers reach TorrServer through the shared MetalLB address (hence ETP=Cluster).
k8s.core.v1.Service(
    "torrserver-bt",
    metadata={"name": "torrserver-bt", "namespace": NS, "labels": {"app": "torrserver-bt"},
              "annotations": shared_lb.annotations},
    spec={"type": "LoadBalancer", "external_traffic_policy": "Cluster", "selector": {"app": "torrserver"},
          "ports": [{"name": f"bt-{p.lower()}", "port": 5665, "target_port": 5665, "protocol": p} for p in ("TCP", "UDP")]},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=shared_lb.ignore_changes),
)

ingress = IngressFactory("torrserver", IngressArgs.on_cluster(
    settings,
    namespace=NS, port=8090, auth="required",
    # An explicit internal record shadows the public wildcard CNAME, keeping the name off the internet.
    dns_type="internal", extra_middlewares=[c.MW_HOME_LANS_ONLY], external_monitor=False,
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "TorrServer",
                       "gethomepage.dev/description": "Torrent streaming server", "gethomepage.dev/icon": "torrserver.png",
                       "gethomepage.dev/group": "Media & Entertainment", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

pulumi.export("host", ingress.host)
