"""Shadowsocks server (TCP+UDP 8388) exposed on the MetalLB address it shares with other services."""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_EDGE
from components.external_secret import ExternalSecret, ExternalSecretArgs, reload_on_change
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

NS = APP = "shadowsocks"
shared_lb = ClusterSettings.load().shared_lb()
SECRETS = "shadowsocks-secrets"
METHOD = pulumi.Config().get("method") or "chacha20-ietf-poly1305"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["shadowsocks"]), opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_EDGE,
    keel=True,
    annotations=reload_on_change(),
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^v\d+\.\d+\.\d+$"},
    containers=[{
        "name": APP,
        "image": "shadowsocks/shadowsocks-libev:v3.3.5",
        "image_pull_policy": "IfNotPresent",
        "env": [*env({"METHOD": METHOD}), *secret_env(SECRETS, {"PASSWORD": "password"})],
        "ports": [{"container_port": 8388, "protocol": "TCP"}, {"container_port": 8388, "protocol": "UDP"}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
), opts=ns_opts)

# Outside the WebApp: MetalLB writes the pool it allocated from onto the live Service, and that is ignored.
k8s.core.v1.Service(
    "shadowsocks-service",
    metadata={
        "name": APP,
        "namespace": NS,
        "labels": {"app": APP},
        "annotations": shared_lb.annotations,
    },
    spec={
        "type": "LoadBalancer",
        "external_traffic_policy": "Cluster",
        "selector": {"app": APP},
        "ports": [
            {"name": "shadowsocks-tcp", "protocol": "TCP", "port": 8388, "target_port": 8388},
            {"name": "shadowsocks-udp", "protocol": "UDP", "port": 8388, "target_port": 8388},
        ],
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=shared_lb.ignore_changes),
)

pulumi.export("address", shared_lb.ip)
