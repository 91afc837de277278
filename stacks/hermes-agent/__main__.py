"""hermes-agent: Viktor's Discord assistant on the Claude Code harness, with an infra checkout and read-mostly cluster access."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.git_crypt import git_crypt_key
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
HERE = __file__.rsplit("/", 1)[0]
NS = "hermes-agent"
SECRETS = "hermes-agent-secrets"
IMAGE = "ghcr.io/viktorbarzin/hermes-agent:latest"
GIT_CRYPT_MOUNT = {"name": "git-crypt-key", "mount_path": "/secrets/git-crypt"}
WORKSPACE_MOUNT = {"name": "workspace", "mount_path": "/workspace"}
VAULT_MOUNT = {"name": "vault-token", "mount_path": "/vault"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Discord and memory keys from secret/hermes-agent; the Claude OAuth token is shared with
# claude-agent-service; the Forgejo push token is the CI one.
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, data=[
    *[SecretKey(secret_key=k, key="hermes-agent", property=k)
      for k in ("DISCORD_BOT_TOKEN", "DISCORD_GUILD_ID", "HERMES_OWNER_USER_ID", "CLAUDE_MEMORY_API_KEY")],
    SecretKey(secret_key="CLAUDE_CODE_OAUTH_TOKEN", key="claude-agent-service", property="claude_oauth_token"),
    SecretKey(secret_key="FORGEJO_TOKEN", key="ci/global", property="forgejo_push_token"),
]), opts=ns_opts)
soul = PayloadConfigMap("soul", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"SOUL.md": "SOUL.md"}, config_map_name="hermes-agent-soul"), opts=ns_opts)
git_key = git_crypt_key(NS, pulumi.Config(), opts=ns_opts)  # binary mount: git-crypt reads the raw key

# Read everything except Secrets and pods/exec (either would reach the break-glass SSH key),
# plus the debug verbs: restart/scale workloads, delete a wedged pod.
rbac = WorkloadRbac("hermes-agent", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole", role_name="hermes-agent",
    binding_name="hermes-agent", rules=[
        Rule(api_groups=["", "apps", "batch", "networking.k8s.io"], verbs=["get", "list", "watch"], resources=[
            "pods", "pods/log", "nodes", "events", "deployments", "services", "namespaces", "jobs", "cronjobs",
            "configmaps", "replicasets", "statefulsets", "daemonsets", "ingresses", "persistentvolumeclaims",
            "endpoints", "resourcequotas"]),
        Rule(api_groups=["apps"], resources=["deployments", "statefulsets"], verbs=["patch", "update"]),
        Rule(api_groups=[""], resources=["pods"], verbs=["delete"]),
    ]), opts=ns_opts)
# SDK transcripts and the conversation map; encrypted because conversations carry infra detail.
sessions = ProxmoxVolume("hermes-agent-sessions-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

# Clone (or hard-reset) the infra repo into the shared workspace and unlock it.
GIT_INIT = """set -e
git config --global user.name "Hermes Agent"
git config --global user.email "hermes-agent@viktorbarzin.me"
git config --global --add safe.directory /workspace/infra
if [ -n "${FORGEJO_TOKEN}" ]; then
  git config --global url."https://${FORGEJO_TOKEN}@forgejo.viktorbarzin.me/".insteadOf "https://forgejo.viktorbarzin.me/"
fi
if [ -d /workspace/infra/.git ]; then
  cd /workspace/infra && git fetch origin && git reset --hard origin/master
else
  git clone https://forgejo.viktorbarzin.me/viktor/infra.git /workspace/infra
fi
cd /workspace/infra
git-crypt unlock /secrets/git-crypt/key || true
"""
# Log in to Vault with the pod's service-account token every 30 minutes; the agent reads /vault/token.
VAULT_REFRESH = """umask 077
while true; do
  jwt=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)
  token=$(curl -s -X POST "$VAULT_ADDR/v1/auth/kubernetes/login" \\
    -d "{\\"role\\":\\"$VAULT_K8S_ROLE\\",\\"jwt\\":\\"$jwt\\"}" | sed -n 's/.*"client_token":"\\([^"]*\\)".*/\\1/p')
  if [ -n "$token" ]; then
    printf '%s' "$token" > /vault/token
    echo "$(date -u +%FT%TZ) vault token refreshed (role=$VAULT_K8S_ROLE)"
  else
    echo "$(date -u +%FT%TZ) ERROR: vault kubernetes login failed (role=$VAULT_K8S_ROLE)" >&2
  fi
  sleep 1800
done
"""

WebApp("hermes-agent", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, keel_containers=(0, 1),
    annotations={"keel.sh/policy": "force", "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 5m",
                 "keel.sh/match-tag": "true"},
    pod_annotations={"reloader.stakater.com/search": "true"},
    strategy="Recreate",  # the sessions claim is RWO
    pod_spec={"service_account_name": rbac.service_account_name,
              "security_context": {"fs_group": 1000},  # the hermes user (uid 1000) writes the claim
              "image_pull_secrets": [{"name": "ghcr-credentials"}]},
    # The init image is not ignored: it must follow the app image (it needs git and git-crypt).
    init_containers=[{"name": "git-init", "image": IMAGE, "command": ["sh", "-c", GIT_INIT],
                      "env_from": [{"secret_ref": {"name": SECRETS}}],
                      "volume_mounts": [WORKSPACE_MOUNT, GIT_CRYPT_MOUNT]}],
    containers=[
        {"name": "hermes-agent", "image": IMAGE,
         "command": ["sh", "-c", "ln -sfn /vault/token \"$HOME/.vault-token\" 2>/dev/null; exec python main.py"],
         "env_from": [{"secret_ref": {"name": SECRETS}}],
         "env": env({"HERMES_SESSIONS_DIR": "/sessions", "CLAUDE_CONFIG_DIR": "/sessions",
                     "HERMES_WORKDIR": "/workspace/infra", "HERMES_SOUL_PATH": "/soul/SOUL.md",
                     "HERMES_METRICS_PORT": "9090", "VAULT_ADDR": "https://vault.viktorbarzin.me"}),
         "volume_mounts": [{"name": "sessions", "mount_path": "/sessions"}, WORKSPACE_MOUNT,
                           {"name": "soul", "mount_path": "/soul"}, GIT_CRYPT_MOUNT, VAULT_MOUNT],
         "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
         "ports": [{"name": "metrics", "container_port": 9090}],
         "liveness_probe": {"exec": {"command": ["pgrep", "-f", "main.py"]},
                            "initial_delay_seconds": 30, "period_seconds": 30, "failure_threshold": 3}},
        {"name": "vault-token-refresher", "image": "docker.io/curlimages/curl:8.11.0",
         "command": ["/bin/sh", "-c", VAULT_REFRESH],
         "env": env({"VAULT_ADDR": "http://vault-active.vault.svc.cluster.local:8200", "VAULT_K8S_ROLE": "hermes-agent"}),
         "volume_mounts": [VAULT_MOUNT],
         "resources": {"requests": {"cpu": "5m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}}},
    ],
    volumes=[{"name": "sessions", "persistent_volume_claim": {"claim_name": sessions.claim_name}},
             {"name": "workspace", "empty_dir": {}}, soul.volume("soul"), git_key.volume(),
             {"name": "vault-token", "empty_dir": {}}],
    # Prometheus scrape target only: Discord is outbound, so no ingress.
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
    service_ports=[{"name": "metrics", "port": 9090, "target_port": 9090}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, secrets]))
