"""claude-agent-service: the in-cluster Claude agent runner.

An HTTP API (bearer token) that runs `claude -p` jobs against a fresh, git-crypt-unlocked
checkout of the infra repo; BeadBoard, the beads dispatcher and other agents call it. The pod
keeps a Vault token fresh for `scripts/tg apply` and reaches the cluster through two broad
ClusterRoles (docs/security.md). A CronJob pushes the OAuth tokens' expiry to the Pushgateway.
Its image is reused by beads-server, ci-pipeline-health, claude-breakglass and
k8s-version-upgrade (whose RoleBindings name this stack's ServiceAccount).
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.git_crypt import git_crypt_key
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
config = pulumi.Config()
HERE = Path(__file__).parent
NS = "claude-agent"
APP = {"app": "claude-agent-service"}
IMAGE = "ghcr.io/viktorbarzin/claude-agent-service:latest"
CURL_IMAGE = "docker.io/curlimages/curl:8.11.0"
SECRETS = "claude-agent-secrets"
VAULT_ENV = {"VAULT_ADDR": "http://vault-active.vault.svc.cluster.local:8200", "VAULT_K8S_ROLE": "terraform-state"}
ALL_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
# `claude setup-token` mint times (unix seconds) per token slot; each token lives one year.
OAUTH_TOKEN_MINTED = {"primary": 1776528429, "spare-1": 1776528280, "spare-2": 1776528429}
OAUTH_TOKEN_TTL = 365 * 24 * 60 * 60

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={
    "resource-governance/custom-limitrange": "true", "resource-governance/custom-quota": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# --- secrets ------------------------------------------------------------------------------------
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="GITHUB_TOKEN", key="viktor", property="github_pat"),
    # A repository-scoped Forgejo token: every agent on this pod can push to and open PRs on
    # any repository it reaches.
    SecretKey(secret_key="FORGEJO_TOKEN", key="ci/global", property="forgejo_repo_token"),
    SecretKey(secret_key="API_BEARER_TOKEN", key="claude-agent-service", property="api_bearer_token"),
    # The one-year token from `claude setup-token` (the expiry probe below watches it).
    SecretKey(secret_key="CLAUDE_CODE_OAUTH_TOKEN", key="claude-agent-service", property="claude_oauth_token"),
    SecretKey(secret_key="WOODPECKER_API_TOKEN", key="ci/global", property="woodpecker_api_token"),
    SecretKey(secret_key="SLACK_WEBHOOK_URL", key="viktor", property="alertmanager_slack_api_url"),
    # Its path segment is the credential, so it is a secret rather than a literal.
    SecretKey(secret_key="HA_MCP_URL", key="openclaw", property="ha_sofia_mcp_url"),
]), opts=ns_opts)
# Decrypts Terraform state (SOPS) inside agent jobs.
sops_key = k8s.core.v1.Secret("sops-age-key", metadata={"name": "sops-age-key", "namespace": NS}, type="Opaque",
                              string_data={"keys.txt": vault_field("viktor", "sops_age_key_devvm")}, opts=ns_opts)
claude_credentials = k8s.core.v1.Secret(
    "claude-credentials", metadata={"name": "claude-credentials", "namespace": NS}, type="Opaque",
    string_data={".credentials.json": vault_field("claude-agent-service", "claude_credentials_json")}, opts=ns_opts)
# The repository's git-crypt key: a Secret from secret config (upstream: a ConfigMap read from
# the operator's .git; README, docs/security.md).
git_crypt = git_crypt_key(NS, config, opts=ns_opts)

# --- RBAC (ported as upstream has it; both ClusterRoles are findings in docs/security.md) -------
agent = WorkloadRbac("claude-agent", WorkloadRbacArgs(namespace=NS, role_kind="ClusterRole", rules=[
    Rule(verbs=["get", "list", "watch"], api_groups=["", "apps", "batch"],
         resources=["pods", "pods/log", "nodes", "events", "deployments", "services", "namespaces", "jobs",
                    "cronjobs", "configmaps", "replicasets", "statefulsets", "daemonsets"]),
    Rule(verbs=["patch", "update"], api_groups=["apps"], resources=["deployments"]),
    Rule(verbs=["create"], api_groups=[""], resources=["pods/exec"]),
]), opts=ns_opts)
WorkloadRbac("claude-agent-exec", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole", service_account="claude-agent", rules=[
        Rule(verbs=ALL_VERBS, api_groups=[""],
             resources=["pods", "pods/log", "pods/exec", "services", "configmaps", "secrets", "persistentvolumeclaims",
                        "serviceaccounts", "namespaces", "events", "endpoints"]),
        Rule(verbs=ALL_VERBS, api_groups=["apps"], resources=["deployments", "statefulsets", "daemonsets", "replicasets"]),
        Rule(verbs=ALL_VERBS, api_groups=["batch"], resources=["jobs", "cronjobs"]),
        Rule(verbs=ALL_VERBS, api_groups=["networking.k8s.io"], resources=["ingresses", "networkpolicies"]),
        Rule(verbs=ALL_VERBS, api_groups=["rbac.authorization.k8s.io"], resources=["roles", "rolebindings"]),
    ]), opts=pulumi.ResourceOptions(depends_on=[namespace, agent]))

# Survives pod restarts, shared by concurrent jobs (each uses its own path under it).
persistent = NfsVolume("claude-agent-persistent", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/claude-agent-persistent", storage="5Gi"),
    opts=ns_opts)

# --- the service --------------------------------------------------------------------------------
SMALL = {"requests": {"memory": "32Mi"}, "limits": {"memory": "64Mi"}}
AS_ROOT = {"run_as_user": 0}
health = {"http_get": {"path": "/health", "port": 8080}}
from_secrets = [{"secret_ref": {"name": SECRETS}}]
WebApp("claude-agent-service", WebAppArgs(
    namespace=NS, strategy="Recreate",
    ignore_changes=["spec.template.spec.containers[1].image",
                    'metadata.annotations["keel.sh/policy"]', 'metadata.annotations["keel.sh/trigger"]',
                    'metadata.annotations["keel.sh/pollSchedule"]',
                    'spec.template.metadata.annotations["keel.sh/update-time"]',
                    # Kyverno copies the namespace's tier onto the Deployment.
                    'metadata.labels["tier"]',
                    "spec.template.spec.containers[0].image"],
    pod_spec={"service_account_name": agent.service_account_name,
              "image_pull_secrets": [{"name": "registry-credentials"}],
              "security_context": {"run_as_user": 1000, "run_as_group": 1000, "fs_group": 1000}},
    init_containers=[
        # The emptyDir arrives root-owned (setgid, fsGroup); the agent runs as 1000.
        {"name": "fix-perms", "image": "busybox:1.37",
         "command": ["sh", "-c", "mkdir -p /workspace/infra /persistent && chown -R 1000:1000 /workspace /persistent"
                                 " && chmod 0775 /workspace/infra /persistent"],
         "security_context": AS_ROOT,
         "volume_mounts": [{"name": "workspace", "mount_path": "/workspace"},
                           {"name": "persistent", "mount_path": "/persistent"}],
         "resources": SMALL},
        # The CLI refreshes its OAuth credentials, so it needs a writable copy.
        {"name": "copy-claude-creds", "image": "busybox:1.37",
         "command": ["sh", "-c", "cp /secrets/claude/.credentials.json /home/agent/.claude/.credentials.json"
                                 " && chown 1000:1000 /home/agent/.claude/.credentials.json"],
         "security_context": AS_ROOT,
         "volume_mounts": [{"name": "claude-credentials-secret", "mount_path": "/secrets/claude"},
                           {"name": "claude-home", "mount_path": "/home/agent/.claude"}],
         "resources": SMALL},
        {"name": "git-init", "image": IMAGE, "command": ["sh", "-c", load_payload(HERE, "git-init.sh")],
         "env_from": from_secrets,
         "volume_mounts": [{"name": "workspace", "mount_path": "/workspace"},
                           {"name": "git-crypt-key", "mount_path": "/secrets/git-crypt"}],
         "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}},
        {"name": "seed-beads-agent", "image": IMAGE, "command": ["sh", "-c", load_payload(HERE, "seed-beads-agent.sh")],
         "volume_mounts": [{"name": "workspace", "mount_path": "/workspace"},
                           {"name": "claude-home", "mount_path": "/home/agent/.claude"}],
         "resources": SMALL},
    ],
    containers=[
        {"name": "claude-agent-service", "image": IMAGE,
         "command": ["/bin/sh", "-c", load_payload(HERE, "agent-start.sh")],
         "ports": [{"container_port": 8080}],
         "env_from": from_secrets,
         # MAX_CONCURRENCY and the memory limit are sized together (~0.5-1.5 Gi per run).
         "env": env({"WORKSPACE_DIR": "/workspace/infra", "MAX_CONCURRENCY": "10", **VAULT_ENV}),
         "liveness_probe": {**health, "initial_delay_seconds": 10, "period_seconds": 30},
         "readiness_probe": {**health, "initial_delay_seconds": 5, "period_seconds": 10},
         "volume_mounts": [{"name": "workspace", "mount_path": "/workspace"},
                           {"name": "persistent", "mount_path": "/persistent"},
                           {"name": "sops-age-key", "mount_path": "/home/agent/.config/sops/age"},
                           {"name": "claude-home", "mount_path": "/home/agent/.claude"},
                           {"name": "git-crypt-key", "mount_path": "/secrets/git-crypt"},
                           {"name": "vault-token", "mount_path": "/vault"}],
         "resources": {"requests": {"cpu": "1", "memory": "640Mi"}, "limits": {"memory": "3Gi"}}},
        # Logs in to Vault (Kubernetes auth) every 30 minutes and writes the token for the agent.
        {"name": "vault-token-refresher", "image": CURL_IMAGE,
         "command": ["/bin/sh", "-c", load_payload(HERE, "vault-token-refresher.sh")],
         "env": env(VAULT_ENV),
         "volume_mounts": [{"name": "vault-token", "mount_path": "/vault"}],
         "resources": {"requests": {"cpu": "5m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}}},
    ],
    volumes=[
        # Jobs clone afresh each run: node-local scratch.
        {"name": "workspace", "empty_dir": {}},
        {"name": "persistent", "persistent_volume_claim": {"claim_name": persistent.claim_name}},
        {"name": "sops-age-key", "secret": {"secret_name": sops_key.metadata["name"], "default_mode": 0o600}},
        git_crypt.volume("git-crypt-key"),
        {"name": "claude-credentials-secret", "secret": {"secret_name": claude_credentials.metadata["name"],
                                                         "default_mode": 0o600}},
        {"name": "claude-home", "empty_dir": {}},
        {"name": "vault-token", "empty_dir": {}},
    ],
    service_ports=[{"port": 8080, "target_port": 8080}],
), opts=ns_opts)

# --- OAuth token expiry probe -------------------------------------------------------------------
expiry = k8s.core.v1.ConfigMap("claude-oauth-expiry", metadata={"name": "claude-oauth-expiry", "namespace": NS},
                               data={slot: str(minted + OAUTH_TOKEN_TTL) for slot, minted in OAUTH_TOKEN_MINTED.items()},
                               opts=ns_opts)
ScheduledJob("claude-oauth-expiry-monitor", ScheduledJobArgs(
    namespace=NS, schedule="17 */6 * * *", concurrency_policy="Replace",
    successful_jobs_history_limit=1, failed_jobs_history_limit=3,
    backoff_limit=1, ttl_seconds_after_finished=300, restart_policy="OnFailure",
    job_metadata={}, pod_metadata={},
    containers=[{
        "name": "push-expiry", "image": CURL_IMAGE,
        "command": ["/bin/sh", "-c", load_payload(HERE, "push-expiry.sh")],
        "volume_mounts": [{"name": "expiry", "mount_path": "/mnt/expiry"}],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[{"name": "expiry", "config_map": {"name": expiry.metadata["name"]}}],
), opts=ns_opts)

pulumi.export("service_account", agent.service_account_name)
pulumi.export("image", IMAGE)
