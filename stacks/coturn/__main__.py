"""coturn: STUN/TURN relay for the neko browser sessions, on its own MetalLB IP with the real client address."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_EDGE
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.live_read import LiveReadArgs, read_live
from components.metallb import MetalLbAddress
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = "coturn"
REALM = "viktorbarzin.me"
TURN_PORT = 3478
MIN_PORT, MAX_PORT = 49152, 49252
# Own MetalLB address: a shared IP forces externalTrafficPolicy=Cluster, whose SNAT hides the
# client from coturn. pfSense's coturn_lb alias, technitium, chrome-service and proxy track it.
LB = MetalLbAddress(ip="10.0.20.205")

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret("coturn-secrets", ExternalSecretArgs(namespace=NS, extract=["coturn"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# TURN shared secret (Vault secret/coturn: turn_secret), read from the Secret ESO syncs.
turn_secret = read_live("coturn-secrets", LiveReadArgs(namespace=NS, keys=["turn_secret"], depends_on=[secrets],
                                                       source="Vault secret/coturn"))["turn_secret"]
template = load_payload(Path(__file__).parent, "turnserver.conf")
conf = turn_secret.apply(lambda secret: template.format(
    turn_port=TURN_PORT, auth_secret=secret, realm=REALM, public_ip=settings.dns.public_ip,
    min_port=MIN_PORT, max_port=MAX_PORT))
config_map = k8s.core.v1.ConfigMap(
    "coturn-config", metadata={"name": "coturn-config", "namespace": NS},
    data={"turnserver.conf": conf}, opts=ns_opts)

signalling = [{"name": f"turn-{proto.lower()}", "port": TURN_PORT, "target_port": TURN_PORT, "protocol": proto}
              for proto in ("UDP", "TCP")]
WebApp("coturn", WebAppArgs(
    namespace=NS,
    tier=TIER_EDGE,
    keel=True,
    strategy="RollingUpdate",
    rolling_update={"max_unavailable": 0, "max_surge": 1},
    annotations={"reloader.stakater.com/auto": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+\.\d+\.\d+-r\d+$"},
    containers=[{
        "name": "coturn", "image": "coturn/coturn:4.10.0-r1",
        "args": ["-c", "/etc/turnserver/turnserver.conf"],
        "ports": [{"name": p["name"], "container_port": TURN_PORT, "protocol": p["protocol"]} for p in signalling],
        "volume_mounts": [{"name": "config", "mount_path": "/etc/turnserver", "read_only": True}],
        # Sized to relay ~10 HD neko streams; no CPU limit (CFS throttling).
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
    }],
    volumes=[{"name": "config", "config_map": {"name": config_map.metadata["name"]}}],
    service_type="LoadBalancer",
    service_labels={},
    service_annotations=LB.annotations,
    service_spec={"external_traffic_policy": "Local"},  # keep the client source address: STUN/TURN depends on it
    service_ports=signalling + [{"name": f"relay-{p}", "port": p, "target_port": p, "protocol": "UDP"}
                                for p in range(MIN_PORT, MAX_PORT + 1)],
    service_ignore_changes=LB.ignore_changes,
), opts=ns_opts)

pulumi.export("load_balancer_ip", LB.ip)
