"""claude-breakglass: the emergency-recovery agent for a wedged devvm, reachable from the cluster.

It runs apart from claude-agent-service on purpose: its own namespace and ServiceAccount,
no Vault Kubernetes-auth role, and only the breakglass entrypoint of the shared image, so the
agents that read untrusted input never share its process or its SSH key. A cluster that is
itself down is out of scope (that is the PVE break-glass SSH).
"""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS, env

settings = ClusterSettings.load()
NS = "claude-breakglass"
LABELS = {"app": "claude-breakglass"}
# The breakglass code ships in the claude-agent-service image; the command selects it.
IMAGE = "ghcr.io/viktorbarzin/claude-agent-service:latest"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
# An account of its own with no bindings and no Vault role: the pod gets nothing it does not need.
account = k8s.core.v1.ServiceAccount("claude-breakglass", metadata={"name": "claude-breakglass", "namespace": NS},
                                     opts=ns_opts)

# The pod has no Vault access: ESO syncs the two secrets. The SSH key lives under its own
# path, which the claude-agent namespace's Vault policy is denied.
ssh = ExternalSecret("breakglass-ssh", ExternalSecretArgs(namespace=NS, refresh_interval="1h", data=[
    SecretKey(secret_key="private_key", key="claude-breakglass/ssh_key", property="private_key")]), opts=ns_opts)
env_secret = ExternalSecret("breakglass-env", ExternalSecretArgs(namespace=NS, refresh_interval="1h", data=[
    SecretKey(secret_key="CLAUDE_CODE_OAUTH_TOKEN", key="claude-agent-service", property="claude_oauth_token"),
    SecretKey(secret_key="API_BEARER_TOKEN", key="claude-breakglass", property="api_bearer_token")]), opts=ns_opts)

MOUNTS = [{"name": "claude-home", "mount_path": "/home/agent/.claude"}, {"name": "sessions", "mount_path": "/workspace"}]
health = {"http_get": {"path": "/health", "port": 8080}}
# Seeds the breakglass agent definition into the empty ~/.claude and hands both dirs to uid 1000.
SEED = """set -e
mkdir -p /home/agent/.claude/agents /workspace/sessions
cp /usr/share/agent-seed/breakglass.md /home/agent/.claude/agents/breakglass.md
chown -R 1000:1000 /home/agent/.claude /workspace
"""
WebApp("claude-breakglass", WebAppArgs(
    namespace=NS, strategy="Recreate",
    # Kyverno stamps the tier label from the namespace; Keel's annotations and CI's image tag.
    ignore_changes=[*(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS[:3]),
                    'metadata.labels["tier"]', "spec.template.spec.containers[0].image"],
    pod_spec={
        "service_account_name": "claude-breakglass",
        "image_pull_secrets": [{"name": "registry-credentials"}],
        # It has to outlive the pressure event it exists to fix: high priority, pressure
        # tolerations, and away from the contended GPU node when possible.
        "priority_class_name": "tier-0-core",
        "tolerations": [
            {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "toleration_seconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "toleration_seconds": 300},
        ],
        "affinity": {"node_affinity": {"preferred_during_scheduling_ignored_during_execution": [{
            "weight": 100, "preference": {"match_expressions": [
                {"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["k8s-node1"]}]}}]}},
        "security_context": {"run_as_user": 1000, "run_as_group": 1000, "fs_group": 1000},
    },
    # Always: nodes cache an older :latest without the breakglass entrypoint.
    init_containers=[{
        "name": "seed-agent", "image": IMAGE, "image_pull_policy": "Always", "command": ["sh", "-c", SEED],
        "security_context": {"run_as_user": 0}, "volume_mounts": MOUNTS,
        "resources": {"requests": {"memory": "32Mi"}, "limits": {"memory": "64Mi"}},
    }],
    containers=[{
        "name": "claude-breakglass", "image": IMAGE, "image_pull_policy": "Always",
        "command": ["/srv/docker-entrypoint-breakglass.sh"],
        "ports": [{"container_port": 8080}],
        "env_from": [{"secret_ref": {"name": "breakglass-env"}}],
        "env": env({"BREAKGLASS_KEY_PATH": "/secrets/breakglass/private_key",
                    "BREAKGLASS_SESSIONS_DIR": "/workspace/sessions", "HOME": "/home/agent"}),
        "liveness_probe": {**health, "initial_delay_seconds": 10, "period_seconds": 30},
        "readiness_probe": {**health, "initial_delay_seconds": 5, "period_seconds": 10},
        "volume_mounts": [*MOUNTS, {"name": "breakglass-ssh", "mount_path": "/secrets/breakglass", "read_only": True}],
        "resources": {"requests": {"cpu": "200m", "memory": "320Mi"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[
        {"name": "claude-home", "empty_dir": {}},
        {"name": "sessions", "empty_dir": {}},
        # 0440 with fsGroup 1000: readable by the agent; the entrypoint copies it to a 0600 file for ssh-add.
        {"name": "breakglass-ssh", "secret": {"secret_name": "breakglass-ssh", "default_mode": 0o440}},
    ],
    service_ports=[{"port": 8080, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, account, ssh, env_secret]))

# Authentik through the resilience proxy, which falls back to basic auth while Authentik is
# down: the UI stays reachable during an auth outage. The app also checks the forwarded user.
ingress = IngressFactory("breakglass", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="claude-breakglass", port=8080, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "devvm breakglass",
                       "gethomepage.dev/description": "Emergency recovery UI for the devvm",
                       "gethomepage.dev/icon": "proxmox.png", "gethomepage.dev/group": "Infrastructure"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
