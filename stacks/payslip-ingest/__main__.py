"""payslip-ingest: payslips from Paperless, parsed (with claude-agent-service) into PostgreSQL.

A FastAPI service behind a ClusterIP (Paperless calls its webhook), a nightly sync of the
payroll deposits from ActualBudget's HTTP API (so Grafana can check net pay against the
bank), and the Grafana datasource for the database, shipped into `monitoring`.
"""

import pulumi

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.grafana import DatasourceCredentials, GrafanaDatasource, GrafanaDatasourceArgs, env_password
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.namespace import Namespace, NamespaceArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "payslip-ingest"
APP = {"app": "payslip-ingest"}
# Built off-cluster; CI sets the Deployment's tag, the CronJob re-pulls :latest every run.
image = f"ghcr.io/viktorbarzin/payslip-ingest:{config.get('image_tag') or 'latest'}"
SECRETS = "payslip-ingest-secrets"
DB_SECRET = "payslip-ingest-db-creds"
RELOAD_MATCH = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}
PULL_SECRETS = ["registry-credentials", "ghcr-credentials"]
FROM_SECRETS = [{"secret_ref": {"name": SECRETS}}, {"secret_ref": {"name": DB_SECRET}}]
APP_ENV = env({"PAPERLESS_URL": "http://paperless-ngx.paperless-ngx.svc.cluster.local",
               "CLAUDE_AGENT_URL": "http://claude-agent-service.claude-agent.svc.cluster.local:8080"})
SMALL = {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# The ActualBudget encryption password is deliberately not synced: the budget files are not
# encrypted, and the header alone sends actual-http-api down its slow full-download path.
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, template=RELOAD_MATCH, data=[
    SecretKey(secret_key="PAPERLESS_API_TOKEN", key="paperless-ngx", property="api_token"),
    SecretKey(secret_key="CLAUDE_AGENT_BEARER_TOKEN", key="claude-agent-service", property="api_bearer_token"),
    SecretKey(secret_key="WEBHOOK_BEARER_TOKEN", key="payslip-ingest", property="webhook_bearer_token"),
    SecretKey(secret_key="ACTUALBUDGET_API_KEY", key="payslip-ingest", property="actualbudget_api_key"),
    SecretKey(secret_key="ACTUALBUDGET_BUDGET_SYNC_ID", key="payslip-ingest", property="actualbudget_budget_sync_id"),
]), opts=ns_opts)
db_creds = DatabaseCredentials(DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="pg-payslip-ingest", reload_match=True, template={
        "DB_CONNECTION_STRING":
            f"postgresql+asyncpg://payslip_ingest:{PASSWORD}@{settings.postgresql_host}:5432/payslip_ingest",
        "DB_PASSWORD": PASSWORD}), opts=ns_opts)
secrets_ready = pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds])

health = {"http_get": {"path": "/healthz", "port": 8080}, "initial_delay_seconds": 5, "period_seconds": 10}
WebApp("payslip-ingest", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate", keel=True,
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"dependency.kyverno.io/wait-for": "postgresql.dbaas:5432"},
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    pod_spec={"image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    init_containers=[{"name": "alembic-migrate", "image": image, "command": ["python", "-m", "payslip_ingest", "migrate"],
                      "env_from": FROM_SECRETS, "env": APP_ENV, "resources": SMALL}],
    containers=[{
        "name": "payslip-ingest", "image": image, "ports": [{"container_port": 8080}],
        "env_from": FROM_SECRETS, "env": APP_ENV,
        "readiness_probe": health, "liveness_probe": health, "resources": SMALL,
    }],
    service_type="ClusterIP",
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=secrets_ready)

ScheduledJob("actualbudget-payroll-sync", ScheduledJobArgs(
    namespace=NS, schedule="0 2 * * *", suspend=False, concurrency_policy="Forbid",
    successful_jobs_history_limit=3, failed_jobs_history_limit=5, starting_deadline_seconds=300,
    backoff_limit=1, ttl_seconds_after_finished=86400, restart_policy="OnFailure",
    job_metadata={"labels": APP}, pod_metadata={"labels": APP}, image_pull_secrets=PULL_SECRETS,
    containers=[{
        "name": "sync", "image": image, "image_pull_policy": "Always",
        "command": ["python", "-m", "payslip_ingest", "sync-meta-deposits"],
        "env_from": FROM_SECRETS,
        "env": env({"ACTUALBUDGET_HTTP_API_URL": "http://budget-http-api-viktor.actualbudget.svc.cluster.local"}),
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
    }],
), opts=secrets_ready)

# --- Grafana datasource (in `monitoring`; this stack owns both objects) ----------------------------
# Grafana reads the rotated password from its env (envFromSecrets in the monitoring stack).
GrafanaDatasource("grafana-payslips-datasource", GrafanaDatasourceArgs(
    file_name="payslips-datasource.yaml",
    datasources=[{
        "name": "Payslips", "type": "postgres", "access": "proxy", "url": f"{settings.postgresql_host}:5432",
        "user": "payslip_ingest", "uid": "payslips-pg",
        # Grafana's Postgres plugin takes the database from jsonData only.
        "jsonData": {"database": "payslip_ingest", "sslmode": "disable", "postgresVersion": 1600, "timescaledb": False},
        "secureJsonData": {"password": env_password("PAYSLIPS_PG_PASSWORD")}, "editable": True}],
    credentials=DatasourceCredentials(secret_name="grafana-payslips-pg-creds", role="pg-payslip-ingest", env_var="PAYSLIPS_PG_PASSWORD"),
))
