"""t3-afk: a T3 Code instance that executes and shows the AFK implementation pipeline's work.

claude-agent-service dispatches issues to it over T3's HTTP API; T3 runs the implementer
agent in git worktrees on the data volume. The pilot runs stock node:24 and installs a
pinned T3 and the Claude CLI onto the volume at start-up, so it is kept out of Keel.

Parked: replicas 0. Everything else (the volume with state.sqlite and checkouts, Service,
ingress, secrets) stays, so reviving it is setting replicas back to 1.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "t3-afk"
# The full image (not -slim) carries git and the toolchain node-pty builds with; spelled
# out with docker.io so Kyverno's trusted-registry allowlist matches it.
IMAGE = "docker.io/library/node:24"
T3_VERSION = "0.0.27"
CLAUDE_CLI_VERSION = "latest"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# The Claude OAuth token T3 passes to the agent, and the tokens its git pushes use.
ExternalSecret("t3-afk-secrets", ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="CLAUDE_CODE_OAUTH_TOKEN", key="claude-agent-service", property="claude_oauth_token"),
    SecretKey(secret_key="GITHUB_TOKEN", key="viktor", property="github_pat"),
    SecretKey(secret_key="FORGEJO_TOKEN", key="ci/global", property="forgejo_push_token"),
]), opts=ns_opts)
dispatcher = PayloadConfigMap("t3-afk-dispatcher", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"dispatcher.js": "dispatcher.js"}), opts=ns_opts)
# SSD-backed NFS: state.sqlite and the server signing key (losing it voids every issued
# bearer), worktrees, the npm install and caches.
data = NfsVolume("t3-afk-data", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                              nfs_path="/srv/nfs-ssd/t3-afk-data", storage="30Gi"), opts=ns_opts)

INSTALL = f"""set -e
export npm_config_cache=/data/npm-cache
export npm_config_prefix=/data/npm-global
mkdir -p /data/npm-global /data/npm-cache
if [ ! -x /data/npm-global/bin/t3 ]; then
  echo "installing t3@{T3_VERSION} + claude CLI ..."
  npm install -g "t3@{T3_VERSION}" "@anthropic-ai/claude-code@{CLAUDE_CLI_VERSION}"
else
  echo "t3 already installed: $(/data/npm-global/bin/t3 --version 2>/dev/null || echo unknown)"
fi
"""
# Git identity and token rewrites for pushes from worktrees, then T3 headless.
SERVE = """set -e
export PATH=/data/npm-global/bin:$PATH
export npm_config_cache=/data/npm-cache

# git identity + token rewrites so the agent can push from worktrees.
git config --global user.name "issue-implementer (AFK)"
git config --global user.email "afk-agent@viktorbarzin.me"
git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"
git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "git@github.com:"
if [ -n "${FORGEJO_TOKEN}" ]; then
  git config --global url."https://${FORGEJO_TOKEN}@forgejo.viktorbarzin.me/".insteadOf "https://forgejo.viktorbarzin.me/"
fi

exec t3 serve --mode web --host 0.0.0.0 --port 3773 --base-dir /data/t3
"""
DATA_MOUNT = {"name": "data", "mount_path": "/data"}
t3_port = {"tcp_socket": {"port": 3773}}
WebApp("t3-afk", WebAppArgs(
    namespace=NS,
    replicas=0,  # parked
    strategy="Recreate",  # one writer on state.sqlite
    # Keel reads its policy from the Deployment; without "never" Kyverno's default
    # (patch) let Keel move node:24 below the version T3 requires. skipAwait: the first
    # start (pull, npm install, secret sync) outlasts a rollout wait.
    annotations={"keel.sh/policy": "never", "pulumi.com/skipAwait": "true"},
    ignore_changes=['metadata.annotations["keel.sh/pollSchedule"]', 'metadata.annotations["keel.sh/trigger"]',
                    'spec.template.metadata.annotations["keel.sh/update-time"]', 'metadata.labels["tier"]'],
    pod_spec={"security_context": {"run_as_user": 1000, "run_as_group": 1000, "fs_group": 1000}},
    init_containers=[
        # The NFS export lands root-owned.
        {"name": "fix-perms", "image": "busybox:1.37",
         "command": ["sh", "-c", "mkdir -p /data && chown -R 1000:1000 /data && chmod 0775 /data"],
         "security_context": {"run_as_user": 0}, "volume_mounts": [DATA_MOUNT],
         "resources": {"requests": {"memory": "32Mi"}, "limits": {"memory": "64Mi"}}},
        {"name": "install-t3", "image": IMAGE, "command": ["bash", "-c", INSTALL], "volume_mounts": [DATA_MOUNT],
         "resources": {"requests": {"cpu": "200m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}}},
    ],
    containers=[
        {"name": "t3", "image": IMAGE, "command": ["bash", "-c", SERVE],
         "ports": [{"container_port": 3773}],
         "env_from": [{"secret_ref": {"name": "t3-afk-secrets"}}],
         "env": env({"HOME": "/home/node", "T3CODE_HOME": "/data/t3"}),
         # T3's API wants auth even for health, so the probes only check the port.
         "liveness_probe": {**t3_port, "initial_delay_seconds": 30, "period_seconds": 30},
         "readiness_probe": {**t3_port, "initial_delay_seconds": 15, "period_seconds": 10},
         # Nothing may be mounted under ~/.claude: a subPath mount makes it root-owned
         # and the agent's shell sessions then fail.
         "volume_mounts": [DATA_MOUNT],
         # 4Gi is the aux tier's per-container LimitRange maximum.
         "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "4Gi"}}},
        # The Service targets this sidecar: it sets the T3 session cookie, then proxies to :3773.
        {"name": "dispatcher", "image": IMAGE, "command": ["node", "/scripts/dispatcher.js"],
         "ports": [{"container_port": 8080}],
         "env": env({"HOME": "/home/node"}),
         "readiness_probe": {"http_get": {"path": "/healthz", "port": 8080}, "initial_delay_seconds": 10, "period_seconds": 10},
         "volume_mounts": [DATA_MOUNT, {"name": "dispatcher", "mount_path": "/scripts"}],
         "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}}},
    ],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}, dispatcher.volume("dispatcher")],
    service_ports=[{"port": 3773, "target_port": 8080}],
), opts=ns_opts)

# The cockpit has no login of its own.
ingress = IngressFactory("t3-afk", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="t3-afk", port=3773, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/description": "In-cluster T3 Code instance for the AFK pipeline",
                       "gethomepage.dev/icon": "mdi-sleep"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
