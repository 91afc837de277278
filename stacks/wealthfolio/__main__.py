"""wealthfolio: the Wealthfolio portfolio tracker (SQLite on an encrypted claim).

Two sidecars share the data claim read-only: a nightly sqlite3 backup onto NFS, and an hourly
mirror into the `wealthfolio_sync` PostgreSQL database (Grafana's "Wealth" datasource and
fire-planner read it). A monthly CronJob imports broker statements, a daily one triggers the
market-data sync through the app's API.
"""

from pathlib import Path

import pulumi
import pulumi_random as random

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.grafana import DatasourceCredentials, GrafanaDatasource, GrafanaDatasourceArgs, env_password
from components.external_secret import ExternalSecret, ExternalSecretArgs, reload_on_change
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.random_secret import GENERATION_FIELDS
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "wealthfolio"
APP = {"app": "wealthfolio"}
SECRETS = "wealthfolio-secrets"
SYNC_DB_SECRET = "wealthfolio-sync-db-creds"
# The live claim holding wealthfolio.db. Upstream references it by name and declares it
# nowhere, so this program does not either (README).
DATA_CLAIM = "wealthfolio-data-encrypted"
DATA = {"name": "data", "persistent_volume_claim": {"claim_name": DATA_CLAIM}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Every field of Vault `secret/wealthfolio` (password hash, IMAP, Trading 212 keys, web password).
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["wealthfolio"]), opts=ns_opts)
DatabaseCredentials(SYNC_DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="pg-wealthfolio-sync", reload_match=True, template={
        "PGHOST": settings.postgresql_host, "PGPORT": "5432", "PGDATABASE": "wealthfolio_sync",
        "PGUSER": "wealthfolio_sync", "PGPASSWORD": PASSWORD}), opts=ns_opts)
# Signs the app's session tokens; its generation flags only matter at creation (import keeps it).
secret_key = random.RandomString("random", length=32, lower=True,
                                 opts=pulumi.ResourceOptions(ignore_changes=list(GENERATION_FIELDS)))

WebApp("wealthfolio", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate", keel=True, keel_containers=(0, 1, 2),
    annotations=reload_on_change(),
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^v?\d+\.\d+\.\d+$"},
    pod_spec={"security_context": {"fs_group": 1000, "fs_group_change_policy": "OnRootMismatch"}},
    containers=[
        {"image": "afadil/wealthfolio:3.6.1", "name": "wealthfolio",
         "ports": [{"container_port": 8080}],
         "env": [*env({"WF_LISTEN_ADDR": "0.0.0.0:8080"}),
                 *secret_env(SECRETS, {"WF_AUTH_PASSWORD_HASH": "password_hash"}),
                 *env({"WF_DB_PATH": "/data/wealthfolio.db", "WF_CORS_ALLOW_ORIGINS": "https://authentik.viktorbarzin.me",
                       "WF_AUTH_TOKEN_TTL_MINUTES": "10080"}),
                 {"name": "WF_SECRET_KEY", "value": secret_key.result}],
         "volume_mounts": [{"name": "data", "mount_path": "/data"}],
         # The net-worth and valuation endpoints hold the whole history in memory.
         "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}}},
        {"name": "backup", "image": "alpine:3.20", "command": ["/bin/sh", "-c", load_payload(HERE, "backup.sh")],
         "volume_mounts": [{"name": "data", "mount_path": "/data", "read_only": True},
                           {"name": "backup", "mount_path": "/backup"}],
         "resources": {"requests": {"cpu": "5m", "memory": "16Mi"}, "limits": {"memory": "64Mi"}}},
        {"name": "pg-sync", "image": "alpine:3.20",
         "env": secret_env(SYNC_DB_SECRET, {k: k for k in ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD")}),
         "command": ["/bin/sh", "-c", load_payload(HERE, "pg-sync.sh")],
         "volume_mounts": [{"name": "data", "mount_path": "/data", "read_only": True}],
         "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "128Mi"}}},
    ],
    volumes=[DATA, {"name": "backup", "nfs": {"server": settings.nfs_server, "path": "/srv/nfs/wealthfolio-backup"}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

ingress = IngressFactory("wealthfolio", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Wealthfolio",
                       "gethomepage.dev/description": "Investment portfolio tracker", "gethomepage.dev/icon": "mdi-finance",
                       "gethomepage.dev/group": "Finance & Personal", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

# Monthly broker import; it writes the same ReadWriteOnce claim, so it runs on Wealthfolio's node.
ScheduledJob("wealthfolio-sync", ScheduledJobArgs(
    namespace=NS, schedule="0 8 1 * *", concurrency_policy="Forbid",
    successful_jobs_history_limit=3, failed_jobs_history_limit=3, backoff_limit=2,
    restart_policy="OnFailure", job_metadata={}, pod_metadata={},
    image_pull_secrets=["registry-credentials", "ghcr-credentials"],
    pod_spec={"affinity": {"pod_affinity": {"required_during_scheduling_ignored_during_execution": [
        {"label_selector": {"match_labels": APP}, "topology_key": "kubernetes.io/hostname"}]}}},
    containers=[{
        "name": "sync", "image": "ghcr.io/viktorbarzin/wealthfolio-sync:latest",
        "env": [*secret_env(SECRETS, {"IMAP_HOST": "imap_host", "IMAP_USER": "imap_user", "IMAP_PASSWORD": "imap_password",
                                      "IMAP_DIRECTORY": "imap_directory", "TRADING212_API_KEYS": "trading212_api_keys"}),
                *env({"DB_PATH": "/data/wealthfolio.db"})],
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[DATA],
), opts=ns_opts)

ScheduledJob("wealthfolio-daily-sync", ScheduledJobArgs(
    namespace=NS, schedule="0 16 * * *", concurrency_policy="Forbid",
    successful_jobs_history_limit=1, failed_jobs_history_limit=3,
    active_deadline_seconds=180, backoff_limit=1, restart_policy="Never", job_metadata={}, pod_metadata={},
    containers=[{
        "name": "curl", "image": "curlimages/curl:8.11.1",
        "env": secret_env(SECRETS, {"WF_PASSWORD": "web_password"}),
        "command": ["/bin/sh", "-c"], "args": [load_payload(HERE, "daily-sync.sh")],
    }],
), opts=ns_opts)

# --- Grafana datasource (in `monitoring`; this stack owns both objects) ----------------------------
# Grafana reads the rotated password from its env (envFromSecrets in the monitoring stack).
GrafanaDatasource("grafana-wealth-datasource", GrafanaDatasourceArgs(
    file_name="wealth-datasource.yaml",
    datasources=[{
        "name": "Wealth", "type": "postgres", "access": "proxy", "url": f"{settings.postgresql_host}:5432",
        "user": "wealthfolio_sync", "uid": "wealth-pg",
        # Grafana's Postgres plugin takes the database from jsonData only.
        "jsonData": {"database": "wealthfolio_sync", "sslmode": "disable", "postgresVersion": 1600, "timescaledb": False},
        "secureJsonData": {"password": env_password("WEALTH_PG_PASSWORD")}, "editable": True}],
    credentials=DatasourceCredentials(secret_name="grafana-wealth-pg-creds", role="pg-wealthfolio-sync", env_var="WEALTH_PG_PASSWORD"),
))

pulumi.export("host", ingress.host)
