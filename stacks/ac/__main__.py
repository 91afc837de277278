"""Agent Conductor edge: Traefik routes ac.<domain> to services running on the DevVM.

The app itself (gateway, relays, SPA server) is deployed on the DevVM by its own repo;
this stack owns only the selector-less Services, their Endpoints, the routes and middlewares.
"""

import pulumi
import pulumi_kubernetes as k8s

from components.external_service import ExternalService, ExternalServiceArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.traefik_route import TraefikRoute, TraefikRouteArgs

settings = ClusterSettings.load()
NS = "ac"
HOST = f"ac.{settings.root_domain}"
DEVVM_IP = "10.0.10.10"


namespace = Namespace(NS, NamespaceArgs(
    tier=None, no_tier_reason="upstream never gave it one; it holds only routing objects to the DevVM, "
                              "so Kyverno's tier LimitRange/quota have nothing to size (see README)",
    labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"},
    protect=False,  # Services, Endpoints and routes only: nothing stateful to lose, as before
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# DevVM ports: 7690 the WebSocket gateway (the only browser-facing socket), 7691 the SPA server.
for name, port in (("ac-demux", 7690), ("ac-static", 7691)):
    ExternalService(name, ExternalServiceArgs(
        namespace=NS, address=DEVVM_IP, labels={"app": name},
        ports=[{"name": "http", "port": 80, "target_port": port}],
    ), opts=ns_opts)

# Sets (so also overwrites any client copy of) the shared secret the gateway requires.
k8s.apiextensions.CustomResource(
    "ac-gateway-secret",
    api_version="traefik.io/v1alpha1",
    kind="Middleware",
    metadata={"name": "ac-gateway-secret", "namespace": NS},
    spec={"headers": {"customRequestHeaders": {"X-Gateway-Auth": vault_field("ac-gateway", "gateway_secret")}}},
    opts=ns_opts,
)

# SPA on "/", admin-only through Authentik.
ingress = IngressFactory("ac", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    service_name="ac-static",
    port=80,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Agent Conductor",
        "gethomepage.dev/description": "Multi-agent web console (agent-conductor port)",
        "gethomepage.dev/icon": "mdi-robot",
        "gethomepage.dev/group": "Infrastructure",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# /ws to the gateway: forward-auth supplies X-Authentik-Username, then the secret header.
# The longer path prefix wins over the Ingress' "/".
TraefikRoute("ac-ws", TraefikRouteArgs(
    namespace=NS,
    spec={
        "entryPoints": ["websecure"],
        "routes": [{
            "match": f"Host(`{HOST}`) && PathPrefix(`/ws`)",
            "kind": "Rule",
            "middlewares": [
                {"name": "authentik-forward-auth", "namespace": "traefik"},
                {"name": "ac-gateway-secret", "namespace": NS},
            ],
            "services": [{"name": "ac-demux", "port": 80}],
        }],
        "tls": {"secretName": settings.tls_secret_name},
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
