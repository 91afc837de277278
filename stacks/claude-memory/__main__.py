"""claude-memory: the MCP memory server every Claude session recalls from and stores to.

PostgreSQL (`claude_memory` on the shared cluster, password rotated by Vault) holds the
memories; the server embeds them with a local sentence-transformer. Its clients authenticate
with bearer API keys, so the ingress has no forward-auth in front.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.external_secret import ExternalSecret, ExternalSecretArgs, reload_on_change
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.postgres_init_job import PostgresInitJob, PostgresInitJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import Pdb, WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "claude-memory"
APP = {"app": "claude-memory"}
DB_SECRET = "claude-memory-db-creds"
APP_SECRET = "claude-memory-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Every field of Vault `secret/claude-memory` (the app reads `api_keys`).
ExternalSecret(APP_SECRET, ExternalSecretArgs(namespace=NS, extract=["claude-memory"]), opts=ns_opts)
DatabaseCredentials(DB_SECRET, DatabaseCredentialsArgs(namespace=NS, role="pg-claude-memory", template={
    "DATABASE_URL": f"postgresql://claude_memory:{PASSWORD}@{settings.postgresql_host}:5432/claude_memory",
    "DB_PASSWORD": PASSWORD}), opts=ns_opts)

# The live Job, adopted as it is: its script embeds the dbaas root password and the role's
# first password (Vault `secret/claude-memory`), so the command is secret.
script = pulumi.Output.all(
    vault_field("claude-memory", "dbaas_root_password"), vault_field("claude-memory", "db_password"),
).apply(lambda v: load_payload(HERE, "db-init.sh").replace("@ROOT_PASSWORD@", v[0])
        .replace("@PG_HOST@", settings.postgresql_host).replace("@DB_PASSWORD@", v[1]))
db_init = PostgresInitJob("claude-memory-db-init", PostgresInitJobArgs(
    namespace=NS, script=script, secret_script=True), opts=ns_opts)

health = {"http_get": {"path": "/health", "port": 8000}}
WebApp("claude-memory", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, annotations=reload_on_change(),
    pod_annotations={"dependency.kyverno.io/wait-for": "postgresql.dbaas:5432",
                     # The descheduler kept evicting it (LowNodeUtilization) for no gain.
                     "descheduler.alpha.kubernetes.io/evict": "false"},
    pod_spec={"affinity": {"pod_anti_affinity": {"required_during_scheduling_ignored_during_execution": [
        {"label_selector": {"match_labels": APP}, "topology_key": "kubernetes.io/hostname"}]}}},
    containers=[{
        "name": "claude-memory",
        # CI sets the running tag (`kubectl set image`); the tag is ignored below.
        "image": "ghcr.io/viktorbarzin/claude-memory-mcp:latest",
        "ports": [{"container_port": 8000}],
        "env": [*secret_env(DB_SECRET, {"DATABASE_URL": "DATABASE_URL"}),
                *secret_env(APP_SECRET, {"API_KEYS": "api_keys"}),
                # Dense (embedding) recall on; "0" falls back to lexical only.
                # Thread caps: torch and MKL otherwise size their pools to the node's cores.
                *env({"MEMORY_EMBEDDINGS_ENABLED": "1", "OMP_NUM_THREADS": "4", "MKL_NUM_THREADS": "4"})],
        # 150 x 2 s: a fresh pod downloads the ~1.3 GB embedding model before it listens.
        "startup_probe": {**health, "failure_threshold": 150, "period_seconds": 2},
        "liveness_probe": {**health, "initial_delay_seconds": 5, "period_seconds": 30},
        "readiness_probe": {**health, "initial_delay_seconds": 3, "period_seconds": 10},
        "resources": {"requests": {"memory": "512Mi", "cpu": "1000m"}, "limits": {"memory": "2560Mi"}},
    }],
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics",
                         "prometheus.io/port": "8000"},
    service_ports=[{"name": "http", "port": 80, "target_port": 8000}],
    # One replica: maxUnavailable 1 lets node drains evict it (minAvailable 1 would block them).
    pdb=Pdb(max_unavailable="1", name="claude-memory"),
), opts=pulumi.ResourceOptions(depends_on=[namespace, db_init]))

ingress = IngressFactory("claude-memory", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none", dns_type="proxied",
    auth_reason="MCP server called by Claude Code with bearer API keys; forward-auth would break programmatic clients",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Claude Memory",
                       "gethomepage.dev/description": "Shared persistent memory for Claude sessions",
                       "gethomepage.dev/icon": "claude-ai.png", "gethomepage.dev/group": "Core Platform",
                       "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

pulumi.export("host", ingress.host)
