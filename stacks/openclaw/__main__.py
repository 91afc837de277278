"""OpenClaw: a self-hosted AI assistant gateway (Telegram, web UI) with tools, memory and
a devvm escape hatch over SSH.

The gateway pod is prepared by init containers (config, kubeconfig, plugins, host tools,
SSH trust, workspace notes) and runs with three sidecars (Playwright MCP, a Prometheus
exporter, modelrelay). Around it: a Forgejo task webhook that may create Jobs, two
CronJobs that exec into the gateway (task processor, suspended; nightly memory sync), a
least-privilege Secret of Home Assistant tokens for the `homelab ha token` CLI, and the
parked OpenLobster trial (0 replicas). The Role `n8n-openclaw-exec` here belongs to n8n.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

import gateway_config
import gateway_pod
from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.git_crypt import git_crypt_key
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.random_secret import random_password
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field, vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
settings = ClusterSettings.load()
config = pulumi.Config()
NS = "openclaw"
SECRETS = gateway_pod.SECRETS
NFS_SERVER = "192.168.1.127"
SKILL_KEYS = ("home_assistant_token", "home_assistant_sofia_token", "uptime_kuma_password")


def script(relative: str) -> str:
    return load_payload(HERE, relative)


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={
    "resource-governance/custom-limitrange": "true", "resource-governance/custom-quota": "true",
    "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["openclaw"]), opts=ns_opts)

# Plan-time Vault reads, as upstream: the gateway's settings file embeds provider keys, and
# three env vars and the ha-tokens Secret come from the skill_secrets JSON blob.
vault = {key: vault_field("openclaw", key) for key in (*gateway_config.SECRET_FIELDS, "ssh_key", "ha_sofia_mcp_url")}
skill_secrets = vault_json_field("openclaw", "skill_secrets",
                                 placeholder={key: f"PLACEHOLDER: skill_secrets {key}" for key in SKILL_KEYS})
skill = {key: pulumi.Output.secret(skill_secrets.apply(lambda blob, k=key: blob[k])) for key in SKILL_KEYS}

# The agent administers the cluster (kubectl through the kubeconfig an init container writes).
WorkloadRbac("openclaw", WorkloadRbacArgs(
    namespace=NS, existing_role="cluster-admin", role_kind="ClusterRole",
    binding_name="openclaw-cluster-admin"), opts=ns_opts)

ssh_key = k8s.core.v1.Secret("ssh-key", metadata={"name": "ssh-key", "namespace": NS}, type="generic",
                             string_data={"id_rsa": vault["ssh_key"]}, opts=ns_opts)
# Declared upstream but mounted by no workload; kept (as a Secret now) for the agent's tooling.
git_crypt_key(NS, config, mount_format="base64_text", opts=ns_opts)

gateway_settings = k8s.core.v1.ConfigMap("openclaw-config", metadata={"name": "openclaw-config", "namespace": NS},
    data={"openclaw.json": pulumi.Output.secret(pulumi.Output.all(
        **{key: vault[key] for key in gateway_config.SECRET_FIELDS}).apply(gateway_config.render))},
    opts=ns_opts)
exporter = PayloadConfigMap("openclaw-exporter", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"exporter.py": "exporter.py"}), opts=ns_opts)
gateway_token = random_password("gateway-token", length=32, special=False)

tools = NfsVolume("openclaw-tools-host", NfsVolumeArgs(
    namespace=NS, nfs_server=NFS_SERVER, nfs_path="/srv/nfs/openclaw/tools"), opts=ns_opts)
workspace = NfsVolume("openclaw-workspace-host", NfsVolumeArgs(
    namespace=NS, nfs_server=NFS_SERVER, nfs_path="/srv/nfs/openclaw/workspace"), opts=ns_opts)
home = ProxmoxVolume("openclaw-home-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)
data = ProxmoxVolume("openclaw-data-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)

gateway_containers = gateway_pod.containers(
    script, gateway_token=gateway_token.result, skill=skill, ha_sofia_mcp_url=vault["ha_sofia_mcp_url"])
WebApp("openclaw", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate", keel=True, keel_containers=(0, 1, 2, 3),
    pod_annotations={"reloader.stakater.com/search": "true", "prometheus.io/scrape": "true",
                     "prometheus.io/port": "9099", "prometheus.io/path": "/metrics"},
    pod_spec={"service_account_name": "openclaw", "image_pull_secrets": [{"name": "ghcr-credentials"}]},
    init_containers=gateway_pod.init_containers(script),
    containers=gateway_containers,
    volumes=[
        {"name": "tools", "persistent_volume_claim": {"claim_name": tools.claim_name}},
        {"name": "openclaw-home", "persistent_volume_claim": {"claim_name": home.claim_name}},
        {"name": "workspace", "persistent_volume_claim": {"claim_name": workspace.claim_name}},
        {"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
        {"name": "ssh-key", "secret": {"secret_name": ssh_key.metadata["name"], "default_mode": 0o600}},
        {"name": "openclaw-config", "config_map": {"name": gateway_settings.metadata["name"]}},
        {"name": "openclaw-exporter-script", "config_map": {"name": exporter.config_map_name, "default_mode": 0o555}},
    ],
    service_ports=[{"port": 80, "target_port": 18789}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets]))

IngressFactory("openclaw", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="non-proxied", port=80,
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "OpenClaw",
                       "gethomepage.dev/description": "AI assistant", "gethomepage.dev/icon": "openai.png",
                       "gethomepage.dev/group": "AI & Data", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

# Forgejo issue webhook → Jobs in this namespace.
webhook_app = PayloadConfigMap("task-webhook", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"server.py": "task-webhook/server.py"}), opts=ns_opts)
WorkloadRbac("task-webhook", WorkloadRbacArgs(
    namespace=NS, role_name="task-webhook-job-creator",
    rules=[Rule(api_groups=["batch"], resources=["jobs", "cronjobs"], verbs=["get", "list", "create"])]),
    opts=ns_opts)
WebApp("task-webhook", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True,
    pod_spec={"service_account_name": "task-webhook"},
    containers=[{
        "name": "webhook", "image": "python:3-alpine",
        "command": ["sh", "-c", "apk add --no-cache curl > /dev/null 2>&1 && curl -sfL "
                    "https://dl.k8s.io/release/v1.34.2/bin/linux/amd64/kubectl -o /usr/local/bin/kubectl && "
                    "chmod +x /usr/local/bin/kubectl && exec python3 -u /app/server.py"],
        "ports": [{"container_port": 8080}],
        "volume_mounts": [{"name": "app", "mount_path": "/app"}],
        "resources": {"requests": {"cpu": "5m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[{"name": "app", "config_map": {"name": webhook_app.config_map_name}}],
    service_ports=[{"port": 80, "target_port": 8080}],
), opts=ns_opts)

# The two CronJobs exec into the gateway pod as this account.
WorkloadRbac("cluster-healthcheck", WorkloadRbacArgs(
    namespace=NS, role_name="healthcheck-pod-exec",
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["get", "list"]),
           Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"])]), opts=ns_opts)
JOB_DEFAULTS = dict(namespace=NS, service_account_name="cluster-healthcheck", concurrency_policy="Forbid",
                    successful_jobs_history_limit=3, failed_jobs_history_limit=3,
                    active_deadline_seconds=600, backoff_limit=0, ttl_seconds_after_finished=86400)
ScheduledJob("task-processor", ScheduledJobArgs(
    **JOB_DEFAULTS, schedule="*/5 * * * *", suspend=True,
    labels={"app": "task-processor", "tier": c.TIER_AUX},
    job_metadata={"labels": {"app": "task-processor"}}, pod_metadata={"labels": {"app": "task-processor"}},
    containers=[{
        "name": "task-processor", "image": "bitnami/kubectl:latest",
        "command": ["bash", "-c", script("jobs/task-processor.sh")],
        "env": secret_env(SECRETS, {"FORGEJO_TOKEN": "forgejo_api_token", "OPENCLAW_TOKEN": "nvidia_api_key"}),
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }]), opts=ns_opts)
memory_sync = PayloadConfigMap("memory-sync-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"memory-sync.py": "memory-sync.py"}), opts=ns_opts)
ScheduledJob("memory-sync", ScheduledJobArgs(
    **JOB_DEFAULTS, schedule="0 3 * * *",
    labels={"app": "memory-sync", "tier": c.TIER_AUX},
    job_metadata={"labels": {"app": "memory-sync"}}, pod_metadata={"labels": {"app": "memory-sync"}},
    containers=[{
        "name": "memory-sync", "image": "bitnami/kubectl:latest",
        "command": ["bash", "-c", script("jobs/memory-sync.sh")],
        "volume_mounts": [{"name": "script", "mount_path": "/scripts", "read_only": True}],
        "resources": {"requests": {"cpu": "20m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[{"name": "script", "config_map": {"name": memory_sync.config_map_name}}]), opts=ns_opts)

# Home Assistant tokens alone, readable by the "Home Server Admins" OIDC group.
ha_tokens = k8s.core.v1.Secret("ha-tokens", metadata={"name": "ha-tokens", "namespace": NS}, type="Opaque",
                               string_data={"sofia": skill["home_assistant_sofia_token"],
                                            "london": skill["home_assistant_token"]}, opts=ns_opts)
ha_reader = k8s.rbac.v1.Role("ha-tokens-reader", metadata={"name": "ha-tokens-reader", "namespace": NS},
    rules=[{"api_groups": [""], "resources": ["secrets"], "resource_names": ["ha-tokens"], "verbs": ["get"]}],
    opts=pulumi.ResourceOptions(depends_on=[namespace, ha_tokens]))
k8s.rbac.v1.RoleBinding("ha-tokens-reader", metadata={"name": "ha-tokens-reader", "namespace": NS},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": ha_reader.metadata["name"]},
    subjects=[{"kind": "Group", "name": "Home Server Admins", "api_group": "rbac.authorization.k8s.io"}],
    opts=ns_opts)

# OpenLobster: a parked multi-user Telegram assistant trial, scaled to zero.
lobster_data = ProxmoxVolume("openlobster-data-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)
lobster_token = random_password("openlobster-graphql-token", length=32, special=False)
WebApp("openlobster", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate", replicas=0, keel=True,
    pod_spec={"affinity": {"node_affinity": {"required_during_scheduling_ignored_during_execution": {
        "node_selector_terms": [{"match_expressions": [
            {"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["k8s-node4"]}]}]}}}},
    containers=[{
        "name": "openlobster", "image": "ghcr.io/neirth/openlobster/openlobster:latest",
        "ports": [{"container_port": 8080}],
        "env": [
            {"name": "OPENLOBSTER_GRAPHQL_AUTH_TOKEN", "value": lobster_token.result},
            *secret_env(SECRETS, {"OPENLOBSTER_PROVIDERS_ANTHROPIC_API_KEY": "anthropic_api_key"}),
            *env({"OPENLOBSTER_PROVIDERS_ANTHROPIC_MODEL": "claude-sonnet-4-20250514"}),
            *secret_env(SECRETS, {"OPENLOBSTER_CHANNELS_TELEGRAM_TOKEN": "telegram_bot_token"}),
            *env({"OPENLOBSTER_DATABASE_DRIVER": "sqlite", "OPENLOBSTER_DATABASE_DSN": "/app/data/openlobster.db",
                  "OPENLOBSTER_AGENT_NAME": "Lobster", "OPENLOBSTER_MEMORY_BACKEND": "file"}),
        ],
        "volume_mounts": [{"name": "openlobster-data", "mount_path": "/app/data"}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    }],
    volumes=[{"name": "openlobster-data", "persistent_volume_claim": {"claim_name": lobster_data.claim_name}}],
    service_ports=[{"port": 80, "target_port": 8080}],
), opts=ns_opts)
IngressFactory("openlobster", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied", host="openlobster", port=80,
    extra_annotations={"gethomepage.dev/icon": "openclaw.png",
                       "gethomepage.dev/description": "Multi-user Telegram AI assistant (trial)"},
), opts=ns_opts)
