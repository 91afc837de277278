"""Networking Toolbox: browser network-diagnostic tools behind Authentik, scaled to zero when idle."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = APP = "networking-toolbox"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+\.\d+\.\d+$"},
    keel=True,
    sablier_group=APP,
    containers=[{
        "name": APP,
        "image": "lissy93/networking-toolbox:1.6.0",
        "ports": [{"container_port": 3000}],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    sablier=Sablier(group=APP),
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Networking Toolbox",
        "gethomepage.dev/description": "Network diagnostic tools",
        "gethomepage.dev/icon": "mdi-lan",
        "gethomepage.dev/group": "Development & CI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
