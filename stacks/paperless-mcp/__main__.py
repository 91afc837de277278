"""Paperless MCP: an MCP bridge to Paperless-ngx; Traefik checks a bearer token, the app has no auth."""


import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_AUX
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.secret_inputs import vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "paperless-mcp"
SECRETS = "paperless-mcp-secrets"


namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="paperless_api_token", key="paperless-mcp", property="paperless_api_token"),
]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

k8s.apiextensions.CustomResource(
    "bearer-auth",
    api_version="traefik.io/v1alpha1",
    kind="Middleware",
    metadata={"name": "bearer-auth", "namespace": NS},
    # The plugin key matches Traefik's static experimental.plugins entry.
    spec={"plugin": {"api-token-middleware": {
        "authenticationHeader": False,
        "bearerHeader": True,
        "bearerHeaderName": "Authorization",
        "tokens": vault_json_field("paperless-mcp", "bearer_tokens", placeholder=["PLACEHOLDER: secret/paperless-mcp bearer_tokens"]),
        "removeHeadersOnSuccess": True,
        "authenticationErrorMsg": "Access Denied",
    }}},
    opts=ns_opts,
)

tcp = {"tcp_socket": {"port": 5000}}  # no HTTP health route; MCP speaks JSON-RPC on /mcp
WebApp("paperless-mcp", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    annotations={"reloader.stakater.com/auto": "true", "keel.sh/policy": "minor",
                 "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 1h"},
    containers=[{
        "name": "paperless-mcp",
        "image": "ghcr.io/barryw/paperlessmcp:v0.1.19",
        "ports": [{"container_port": 5000}],
        "env": [
            # In-cluster service: no Cloudflare/Traefik hop per MCP call.
            *env({"PAPERLESS_BASE_URL": "http://paperless-ngx.paperless-ngx.svc.cluster.local"}),
            *secret_env(SECRETS, {"PAPERLESS_API_TOKEN": "paperless_api_token"}),
            *env({"MCP_PORT": "5000"}),
        ],
        "startup_probe": {**tcp, "failure_threshold": 30, "period_seconds": 2},
        "liveness_probe": {**tcp, "initial_delay_seconds": 5, "period_seconds": 30},
        "readiness_probe": {**tcp, "initial_delay_seconds": 3, "period_seconds": 10},
        "resources": {"requests": {"memory": "256Mi", "cpu": "10m"}, "limits": {"memory": "256Mi"}},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 5000}],
), opts=ns_opts)

ingress = IngressFactory("paperless-mcp", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Machine clients present a bearer token that the paperless-mcp-bearer-auth middleware verifies at Traefik",
    dns_type="proxied",
    homepage_enabled=False,
    extra_middlewares=["paperless-mcp-bearer-auth@kubernetescrd"],
), opts=ns_opts)

pulumi.export("host", ingress.host)
