"""Xray: VLESS proxy for native clients. REALITY on a MetalLB IP; WebSocket and xhttp via Traefik.

The client list, REALITY key and short ids come from Vault secret/platform at deploy time and
are filled into files/config.json (the inbound layout).
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.constants import IMAGE_POLICY_ANNOTATION, IMAGE_POLICY_KEEL, TIER_CORE
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import PLACEHOLDER_MARKER, load_payload
from components.secret_inputs import vault_data
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS
import xray_config

settings = ClusterSettings.load()
# The Reality inbound shares the MetalLB address with the other LoadBalancer Services.
shared_lb = settings.shared_lb()
NS = "xray"


def render_config(values: dict | None) -> str:
    """files/config.json filled in from secret/platform, in upstream's byte layout (xray_config)."""
    if not values or "xray_reality_private_key" not in values:
        if not pulumi.runtime.is_dry_run():
            raise RuntimeError("Vault secret/platform lacks the xray_reality_* fields")
        values = {"xray_reality_clients": "[]", "xray_reality_short_ids": "[]",
                  "xray_reality_private_key": f"{PLACEHOLDER_MARKER}: secret/platform xray_reality_private_key"}
    return xray_config.render(load_payload(Path(__file__).parent, "config.json"), values["xray_reality_clients"],
                              values["xray_reality_short_ids"], values["xray_reality_private_key"])


namespace = Namespace(NS, NamespaceArgs(tier=TIER_CORE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

k8s.core.v1.ConfigMap(
    "xray-config",
    metadata={"name": "xray-config", "namespace": NS, "labels": {"app": "xray"},
              "annotations": {"reloader.stakater.com/match": "true"}},
    data={"config.json": vault_data("platform").apply(render_config)},
    opts=ns_opts,
)

WebApp("xray", WebAppArgs(
    namespace=NS,
    tier=TIER_CORE,
    annotations={"reloader.stakater.com/search": "true", IMAGE_POLICY_ANNOTATION: IMAGE_POLICY_KEEL},
    rolling_update={"max_surge": 2, "max_unavailable": 0},
    # Keel's policy annotations, update time and image tag, without the rollout bookkeeping paths.
    ignore_changes=[
        *(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS[:3]),
        'spec.template.metadata.annotations["keel.sh/update-time"]',
        "spec.template.spec.containers[0].image",
    ],
    containers=[{
        "name": "xray",
        "image": "teddysun/xray",
        # 7443 REALITY, 8443 WebSocket, 9443 xhttp ("gRPC" path)
        "ports": [{"container_port": p, "protocol": "TCP"} for p in (7443, 8443, 9443)],
        "volume_mounts": [
            {"name": "tls", "mount_path": "/etc/xray/tls.crt", "sub_path": "tls.crt"},
            {"name": "tls", "mount_path": "/etc/xray/tls.key", "sub_path": "tls.key"},
            {"name": "config", "mount_path": "/etc/xray/config.json", "sub_path": "config.json"},
        ],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[
        {"name": "tls", "secret": {"secret_name": settings.tls_secret_name}},
        {"name": "config", "config_map": {"name": "xray-config"}},
    ],
    pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    service_ports=[
        {"name": "websocket", "port": 8443, "target_port": 8443, "protocol": "TCP"},
        {"name": "grpc", "port": 9443, "target_port": 9443, "protocol": "TCP"},
    ],
), opts=ns_opts)

k8s.core.v1.Service(
    "xray-reality-service",
    metadata={"name": "xray-reality", "namespace": NS, "labels": {"app": "xray"},
              "annotations": shared_lb.annotations},
    spec={"type": "LoadBalancer", "selector": {"app": "xray"},
          "ports": [{"name": "reality", "port": 7443, "protocol": "TCP"}]},
    # MetalLB writes the pool it allocated from onto the live object.
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=shared_lb.ignore_changes),
)

common = dict(namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain,
              dns=settings.dns, dns_type="proxied", auth="none", homepage_enabled=False, service_name="xray")
IngressFactory("xray-ws", IngressArgs(
    **common, host="xray-ws", port=8443,
    auth_reason="VPN WebSocket transport for native xray clients, which cannot do a browser login; "
                "each client is authenticated by its VLESS id",
), opts=ns_opts)
IngressFactory("xray-grpc", IngressArgs(
    **common, host="xray-grpc", port=9443, ingress_path=["/grpc-vpn"],
    auth_reason="VPN xhttp transport for native xray clients, which cannot do a browser login; "
                "each client is authenticated by its VLESS id",
    extra_annotations={"traefik.ingress.kubernetes.io/service.serversscheme": "h2c"},
), opts=ns_opts)
