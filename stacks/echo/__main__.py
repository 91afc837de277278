"""echo: http-https-echo behind Authentik's anonymous binding, to see what Traefik forwards."""

import pulumi

from components.constants import TIER_EDGE
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = APP = "echo"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_EDGE,
    keel=True,
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+$"},
    containers=[{
        "name": APP,
        "image": "mendhak/http-https-echo:36",
        "ports": [{"container_port": 8080}, {"container_port": 8443}],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

# The anonymous Authentik binding, not `required`: the point of the page is to show which
# X-authentik-* headers reach a backend when forward-auth runs for an arbitrary visitor.
ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="public",
    auth_reason="header-reflecting diagnostic for forward-auth smoke tests: shows what Authentik's anonymous binding forwards",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/description": "Header-reflecting endpoint for ingress smoke tests",
        "gethomepage.dev/icon": "mdi-broadcast",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
