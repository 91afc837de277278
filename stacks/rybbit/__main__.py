"""rybbit: Rybbit web analytics — API backend and web client on Postgres, events in a single ClickHouse."""

from pathlib import Path

import pulumi
import pulumi_random as random

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.postgres_init_job import PostgresInitJob, PostgresInitJobArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.random_secret import GENERATION_FIELDS
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "rybbit"
SECRETS = "rybbit-secrets"
CLICKHOUSE_DB = "clickhouse"
CLICKHOUSE_URL = "http://clickhouse.rybbit.svc.cluster.local:8123"
RELOAD = {"reloader.stakater.com/auto": "true"}


def probes(path: str, port: int) -> dict:
    """The liveness/readiness pair all three workloads share (30 s period, 5 s timeout)."""
    check = {"http_get": {"path": path, "port": port}, "period_seconds": 30, "timeout_seconds": 5}
    return {"liveness_probe": {**check, "initial_delay_seconds": 15, "failure_threshold": 5},
            "readiness_probe": {**check, "initial_delay_seconds": 5, "failure_threshold": 3}}


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Vault secret/rybbit: clickhouse_password, postgres_password.
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["rybbit"]), opts=ns_opts)
# BETTER_AUTH_SECRET; imported from Terraform, its generation flags only matter at creation.
auth_secret = random.RandomString("random", length=32, lower=True,
                                  opts=pulumi.ResourceOptions(ignore_changes=list(GENERATION_FIELDS)))

# --- ClickHouse ---------------------------------------------------------------------------
data = ProxmoxVolume("rybbit-clickhouse-data-proxmox", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi"), opts=ns_opts)
memory = PayloadConfigMap("clickhouse-memory-config", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"memory.xml": "clickhouse-memory.xml"}), opts=ns_opts)
clickhouse = WebApp("clickhouse", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, annotations=RELOAD, strategy="Recreate",
    pod_spec={"security_context": {"run_as_user": 101, "run_as_group": 101, "fs_group": 101}},
    containers=[{
        "name": "clickhouse", "image": "clickhouse/clickhouse-server:25.4.2",
        "env": [*env({"CLICKHOUSE_DB": CLICKHOUSE_DB}),
                *secret_env(SECRETS, {"CLICKHOUSE_PASSWORD": "clickhouse_password"})],
        "ports": [{"name": "clickhouse", "protocol": "TCP", "container_port": 8123}],
        **probes("/ping", 8123),
        "volume_mounts": [{"name": "data", "mount_path": "/var/lib/clickhouse"},
                          {"name": "memory-config", "mount_path": "/etc/clickhouse-server/config.d/memory.xml",
                           "sub_path": "memory.xml"}],
        "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1536Mi"}}}],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
             memory.volume("memory-config")],
    service_ports=[{"name": "http", "target_port": 8123, "port": 8123, "protocol": "TCP"}],
), opts=ns_opts)

# System log tables grow without bound and drive background merges: empty them every 6 hours.
# The password is in the command (as upstream), so the CronJob's spec is a secret.
LOG_TABLES = ("metric_log", "trace_log", "text_log", "asynchronous_metric_log", "query_log", "part_log")
clickhouse_password = vault_field("rybbit", "clickhouse_password")
truncate = clickhouse_password.apply(lambda pw: " && ".join(
    [f"curl -s '{CLICKHOUSE_URL}/?user=default&password={pw}' -d 'TRUNCATE TABLE IF EXISTS system.{t}'"
     for t in LOG_TABLES] + ["echo 'System logs truncated'"]))
ScheduledJob("clickhouse-truncate-logs", ScheduledJobArgs(
    namespace=NS, schedule="0 */6 * * *", concurrency_policy="Allow",
    successful_jobs_history_limit=1, failed_jobs_history_limit=1,
    job_metadata={}, pod_metadata={}, restart_policy="OnFailure",
    containers=[{"name": "truncate", "image": "curlimages/curl:8.12.1",
                 "command": ["sh", "-c", pulumi.Output.secret(truncate)]}]), opts=ns_opts)

# --- Postgres database and the app --------------------------------------------------------
# The rybbit role exists (managed with Vault); this Job (re)creates only a missing database.
db_init = PostgresInitJob("rybbit-db-init", PostgresInitJobArgs(
    namespace=NS, env=secret_env(SECRETS, {"PGPASSWORD": "postgres_password"}),
    script=load_payload(HERE, "db-init.sh").replace("@POSTGRESQL_HOST@", settings.postgresql_host)),
    opts=pulumi.ResourceOptions(depends_on=[namespace, secrets]))

backend = WebApp("rybbit", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, annotations=RELOAD,
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^v?\d+\.\d+\.\d+$",
                     "dependency.kyverno.io/wait-for": "postgresql.dbaas:5432,clickhouse.rybbit:8123"},
    containers=[{
        "image": "ghcr.io/rybbit-io/rybbit-backend:v1.1.0", "name": "rybbit",
        "env": [*env({"NODE_ENV": "production", "CLICKHOUSE_HOST": CLICKHOUSE_URL,
                      "CLICKHOUSE_DB": CLICKHOUSE_DB, "CLICKHOUSE_USER": "default"}),
                *secret_env(SECRETS, {"CLICKHOUSE_PASSWORD": "clickhouse_password"}),
                *env({"POSTGRES_HOST": settings.postgresql_host, "POSTGRES_PORT": "5432",
                      "POSTGRES_DB": "rybbit", "POSTGRES_USER": "rybbit"}),
                *secret_env(SECRETS, {"POSTGRES_PASSWORD": "postgres_password"}),
                *env({"BASE_URL": "https://rybbit.viktorbarzin.me", "DISABLE_SIGNUP": "true"}),
                {"name": "BETTER_AUTH_SECRET", "value": auth_secret.result},
                *env({"AUTH_ENABLED": "true"})],
        "ports": [{"container_port": 3001}],
        **probes("/api/health", 3001),
        "resources": {"requests": {"cpu": "25m", "memory": "384Mi"}, "limits": {"memory": "384Mi"}}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3001}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, db_init]))

WebApp("rybbit-client", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True,
    pod_annotations={"dependency.kyverno.io/wait-for": "rybbit.rybbit:80"},
    containers=[{
        "name": "rybbit-client", "image": "ghcr.io/rybbit-io/rybbit-client:v1.1.0",
        "env": env({"NODE_ENV": "production", "DISABLE_SIGNUP": "true"}),
        "ports": [{"name": "rybbit-client", "protocol": "TCP", "container_port": 3002}],
        **probes("/", 3002),
        "resources": {"requests": {"cpu": "10m", "memory": "192Mi"}, "limits": {"memory": "192Mi"}}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3002}],
), opts=ns_opts)

# Dashboard behind Authentik; the tracker API on the same host stays open.
ingress = IngressFactory("rybbit", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="rybbit-client", port=80, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Rybbit",
                       "gethomepage.dev/description": "Web analytics", "gethomepage.dev/icon": "rybbit.png",
                       "gethomepage.dev/group": "Finance & Personal", "gethomepage.dev/pod-selector": ""}),
    opts=ns_opts)
IngressFactory("rybbit-api", IngressArgs.on_cluster(
    settings, namespace=NS, host="rybbit", service_name="rybbit", port=80, ingress_path=["/api"],
    auth="none", dns_type="proxied",
    auth_reason="tracker beacon: public sites load /api/script.js and post /api/event; the site id is the gate",
    extra_annotations={"gethomepage.dev/enabled": "false"}), opts=ns_opts)

pulumi.export("host", ingress.host)
