"""repowise: codebase intelligence over the Forgejo repositories.

One pod: an init step that refreshes cross-repository data, then the HTTP API, the web UI,
an MCP endpoint (bearer-token, home LANs only) and a sidecar that syncs the repositories
from Forgejo hourly. Everything lives on one encrypted workspace claim.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.secret_inputs import vault_json_field
from components.settings import ClusterSettings
from components.web_app import Pdb, WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = APP = "repowise"
IMAGE = "ghcr.io/viktorbarzin/repowise:0.42.0"
RUN_AS = 10001
WORKSPACE = "/workspace"
API_PORT, WEB_PORT, MCP_PORT = 7337, 3000, 7338
SECRETS = "repowise-secrets"
API_KEY = secret_env(SECRETS, {"REPOWISE_API_KEY": "api_key"})

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=[APP]), opts=ns_opts)

workspace = ProxmoxVolume("repowise-workspace", ProxmoxVolumeArgs(
    namespace=NS, storage="20Gi", storage_limit="60Gi", threshold="15%", increase="50%",
    storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
scripts = PayloadConfigMap("repowise-scripts", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE,
    files={"reconcile.py": "reconcile.py", "mcp_serve.py": "mcp_serve.py", "cross_repo.py": "cross_repo.py"}),
    opts=ns_opts)

# The MCP ingress's bearer check (the plugin is loaded by Traefik's static config).
bearer = k8s.apiextensions.CustomResource(
    "bearer-auth", api_version="traefik.io/v1alpha1", kind="Middleware",
    metadata={"name": "bearer-auth", "namespace": NS},
    spec={"plugin": {"api-token-middleware": {
        "authenticationHeader": False, "bearerHeader": True, "bearerHeaderName": "Authorization",
        "tokens": vault_json_field(APP, "bearer_tokens", placeholder=["PLACEHOLDER: secret/repowise bearer_tokens"]),
        "removeHeadersOnSuccess": True, "authenticationErrorMsg": "Access Denied",
    }}},
    opts=ns_opts)

WORKSPACE_MOUNT = {"name": "workspace", "mount_path": WORKSPACE}
SCRIPTS_MOUNT = {"name": "scripts", "mount_path": "/opt/repowise", "read_only": True}


def _http_health(**timing) -> dict:
    return {"http_get": {"path": "/health", "port": API_PORT}, **timing}


def _tcp(port: int, **timing) -> dict:
    return {"tcp_socket": {"port": port}, **timing}


WebApp(APP, WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, selector={"app": APP}, strategy="Recreate",
    annotations={"reloader.stakater.com/auto": "true", "keel.sh/policy": "patch",
                 "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 6h"},
    keel=True, keel_containers=[0, 1, 2, 3],
    pod_spec={"image_pull_secrets": [{"name": "ghcr-credentials"}],
              "security_context": {"run_as_user": RUN_AS, "run_as_group": RUN_AS, "fs_group": RUN_AS,
                                   "fs_group_change_policy": "OnRootMismatch"}},
    init_containers=[{
        "name": "cross-repo", "image": IMAGE, "working_dir": WORKSPACE,
        "command": ["python3", "/opt/repowise/cross_repo.py"],
        "env": env({"REPOWISE_WORKSPACE": WORKSPACE, "REPOWISE_EMBEDDER": "mock", "CROSS_REPO_MAX_AGE_HOURS": "168"}),
        "volume_mounts": [WORKSPACE_MOUNT, SCRIPTS_MOUNT],
        "resources": {"requests": {"memory": "512Mi", "cpu": "50m"}, "limits": {"memory": "2Gi"}},
    }],
    containers=[
        {"name": "api", "image": IMAGE, "working_dir": WORKSPACE,
         "command": ["uvicorn", "repowise.server.app:create_app", "--factory", "--host", "0.0.0.0",
                     "--port", str(API_PORT)],
         "ports": [{"name": "api", "container_port": API_PORT}],
         "env": [*env({"REPOWISE_HOST": "0.0.0.0", "REPOWISE_EMBEDDER": "mock", "REPOWISE_PARSE_WORKERS": "4"}), *API_KEY],
         "volume_mounts": [WORKSPACE_MOUNT, {"name": "workspace", "mount_path": "/data", "sub_path": ".repowise-data"}],
         "startup_probe": _http_health(failure_threshold=60, period_seconds=5),
         "liveness_probe": _http_health(period_seconds=30, timeout_seconds=15, failure_threshold=10),
         "readiness_probe": _http_health(period_seconds=15, timeout_seconds=10, failure_threshold=6),
         "resources": {"requests": {"memory": "2Gi", "cpu": "50m"}, "limits": {"memory": "4Gi"}}},
        {"name": "web", "image": IMAGE, "working_dir": "/app/web", "command": ["node", "server.js"],
         "ports": [{"name": "web", "container_port": WEB_PORT}],
         "env": [*env({"PORT": str(WEB_PORT), "HOSTNAME": "0.0.0.0", "REPOWISE_API_URL": f"http://localhost:{API_PORT}"}),
                 *API_KEY],
         "liveness_probe": _tcp(WEB_PORT, initial_delay_seconds=15, period_seconds=30),
         "readiness_probe": _tcp(WEB_PORT, initial_delay_seconds=5, period_seconds=10),
         "resources": {"requests": {"memory": "128Mi", "cpu": "10m"}, "limits": {"memory": "512Mi"}}},
        {"name": "mcp", "image": IMAGE, "working_dir": WORKSPACE, "command": ["python3", "/opt/repowise/mcp_serve.py"],
         "ports": [{"name": "mcp", "container_port": MCP_PORT}],
         "env": [*env({"REPOWISE_HOST": "0.0.0.0", "REPOWISE_EMBEDDER": "mock", "REPOWISE_WORKSPACE": WORKSPACE,
                       "REPOWISE_MCP_PORT": str(MCP_PORT), "MCP_SERVICE_NAME": "repowise-mcp", "MCP_NAMESPACE": APP,
                       "MCP_INGRESS_HOST": "repowise-mcp.viktorbarzin.me"}), *API_KEY],
         "volume_mounts": [WORKSPACE_MOUNT, SCRIPTS_MOUNT],
         "liveness_probe": _tcp(MCP_PORT, initial_delay_seconds=20, period_seconds=30),
         "readiness_probe": _tcp(MCP_PORT, initial_delay_seconds=10, period_seconds=10),
         "resources": {"requests": {"memory": "256Mi", "cpu": "10m"}, "limits": {"memory": "1Gi"}}},
        {"name": "sync", "image": IMAGE, "working_dir": WORKSPACE, "command": ["python3", "/opt/repowise/reconcile.py"],
         "env": [*env({"REPOWISE_WORKSPACE": WORKSPACE, "REPOWISE_DEFAULT_REPO": "infra",
                       "REPOWISE_API": f"http://localhost:{API_PORT}", "FORGEJO_BASE": "https://forgejo.viktorbarzin.me",
                       "FORGEJO_OWNER": "viktor", "FORGEJO_USER": "viktor", "SYNC_INTERVAL_SECONDS": "3600",
                       "REPOWISE_EMBEDDER": "mock", "REPOWISE_PARSE_WORKERS": "4"}),
                 *API_KEY, *secret_env(SECRETS, {"FORGEJO_TOKEN": "forgejo_token", "KUMA_PUSH_URL": "kuma_push_url"})],
         "volume_mounts": [WORKSPACE_MOUNT, SCRIPTS_MOUNT],
         "resources": {"requests": {"memory": "192Mi", "cpu": "50m"}, "limits": {"memory": "2Gi"}}},
    ],
    volumes=[{"name": "workspace", "persistent_volume_claim": {"claim_name": workspace.claim_name}},
             {"name": "scripts", "config_map": {"name": "repowise-scripts", "default_mode": 0o555}}],
    pdb=Pdb(max_unavailable=1),
), opts=pulumi.ResourceOptions(depends_on=[namespace, secrets, scripts]))

# One Service per port, each named for what it serves.
for role, port in (("api", API_PORT), ("web", WEB_PORT), ("mcp", MCP_PORT)):
    k8s.core.v1.Service(f"repowise-{role}", metadata={"name": f"repowise-{role}", "namespace": NS, "labels": {"app": APP}},
                        spec={"selector": {"app": APP}, "ports": [{"name": role, "port": port, "target_port": port}]},
                        opts=ns_opts)

IngressFactory(APP, IngressArgs.on_cluster(
    settings, namespace=NS, service_name="repowise-web", port=WEB_PORT, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Repowise",
                       "gethomepage.dev/description": "Codebase intelligence over the Forgejo Corpus",
                       "gethomepage.dev/icon": "si-git", "gethomepage.dev/group": "Core Platform",
                       "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)
IngressFactory("repowise-api", IngressArgs.on_cluster(
    settings, namespace=NS, host=APP, service_name="repowise-api", port=API_PORT,
    ingress_path=["/api", "/health", "/metrics"], auth="required", dns_type="proxied", external_monitor=False,
    extra_annotations={"gethomepage.dev/description": "Codebase documentation engine (HTTP API)"},
), opts=ns_opts)
IngressFactory("repowise-mcp", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="repowise-mcp", port=MCP_PORT, ingress_path=["/mcp"],
    auth="none", auth_reason="MCP clients send a bearer token (repowise-bearer-auth middleware); home LANs only",
    dns_type="internal", external_monitor=False,
    extra_middlewares=[c.MW_ERROR_PAGES_403, "traefik-home-lans-only@kubernetescrd", "repowise-bearer-auth@kubernetescrd"],
    extra_annotations={"gethomepage.dev/description": "Codebase documentation engine (MCP endpoint)"},
), opts=pulumi.ResourceOptions(depends_on=[namespace, bearer]))
