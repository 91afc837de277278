"""n8n: workflow automation on the shared PostgreSQL.

External services trigger workflows through its webhooks; workflows drive the Immich →
Telegram → Postiz Instagram pipeline, call claude-agent-service, and exec into OpenClaw's
pods. That last grant is a Role in the openclaw namespace which this stack owns.
"""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
NS = "n8n"
INSTAGRAM = "instagram-pipeline-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

app_secrets = ExternalSecret("n8n-secrets", ExternalSecretArgs(namespace=NS, extract=["n8n"]), opts=ns_opts)
agent_token = ExternalSecret("claude-agent-token", ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="api_bearer_token", key="claude-agent-service", property="api_bearer_token")]), opts=ns_opts)
# Shared with the instagram-poster stack's Vault entry; the instagram-* workflows read them as env.
instagram = ExternalSecret(INSTAGRAM, ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key=key, key="instagram-poster", property=key)
    for key in ("telegram_bot_token", "telegram_chat_id", "immich_api_key")]), opts=ns_opts)

data = ProxmoxVolume("n8n-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

account = k8s.core.v1.ServiceAccount("n8n", metadata={"name": "n8n", "namespace": NS}, opts=ns_opts)
# Workflows run tasks inside OpenClaw's pods. The Role lives in openclaw's namespace (that
# stack creates the namespace and applies first); this stack owns the Role and its binding.
WorkloadRbac("n8n-openclaw-exec", WorkloadRbacArgs(
    namespace="openclaw", service_account="n8n", service_account_namespace=NS,
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["get", "list"]),
           Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"])]),
    opts=pulumi.ResourceOptions(depends_on=[account]))

WebApp("n8n", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, strategy="Recreate",
    annotations={"reloader.stakater.com/auto": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+\.\d+\.\d+$",
                     "dependency.kyverno.io/wait-for": "postgresql.dbaas:5432"},
    pod_spec={"service_account_name": "n8n"},
    containers=[{
        "name": "n8n", "image": "docker.n8n.io/n8nio/n8n:1.80.5",
        "env": [
            *env({"N8N_PORT": 5678, "DB_TYPE": "postgresdb", "DB_POSTGRESDB_DATABASE": "n8n",
                  "DB_POSTGRESDB_HOST": settings.postgresql_host, "DB_POSTGRESDB_PORT": 5432,
                  "DB_POSTGRESDB_USER": "n8n"}),
            *secret_env("n8n-secrets", {"DB_POSTGRESDB_PASSWORD": "db_password"}),
            *env({"GENERIC_TIMEZONE": "Europe/Sofia", "TZ": "Europe/Sofia",
                  # Upstream listed DOMAIN_NAME twice; Kubernetes kept the second, "n8n", which is what runs.
                  "DOMAIN_NAME": "n8n",
                  "N8N_EDITOR_BASE_URL": "https://n8n.viktorbarzin.me", "WEBHOOK_URL": "https://n8n.viktorbarzin.me"}),
            *secret_env("claude-agent-token", {"CLAUDE_AGENT_API_TOKEN": "api_bearer_token"}),
            *env({"N8N_BLOCK_ENV_ACCESS_IN_NODE": "false"}),
            *secret_env(INSTAGRAM, {"TELEGRAM_BOT_TOKEN": "telegram_bot_token", "TELEGRAM_CHAT_ID": "telegram_chat_id",
                                    "IMMICH_API_KEY": "immich_api_key"}),
            *env({"IMMICH_BASE_URL": "https://immich.viktorbarzin.me",
                  "INSTAGRAM_POSTER_INTERNAL_URL": "http://instagram-poster.instagram-poster.svc.cluster.local",
                  "PUBLIC_INSTAGRAM_POSTER_URL": "https://instagram-poster.viktorbarzin.me"}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/home/node/.n8n"}],
        "ports": [{"name": "http", "container_port": 5678, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "25m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"port": 80, "target_port": 5678}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, account, app_secrets, agent_token, instagram]))

ingress = IngressFactory("n8n", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none", dns_type="proxied",
    auth_reason="webhook endpoints that external services POST to; n8n has its own login and per-webhook auth",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "n8n",
                       "gethomepage.dev/description": "Workflow automation", "gethomepage.dev/icon": "n8n.png",
                       "gethomepage.dev/group": "Automation", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

pulumi.export("host", ingress.host)
