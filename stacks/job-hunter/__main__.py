"""job-hunter: tracks job postings and compensation, mails a weekly digest.

A FastAPI service (ClusterIP only: changedetection.io webhooks, n8n and the CronJobs call it),
a Sunday scrape that appends the trend snapshots, and an alert an hour later for roles above
the comp threshold. Its PostgreSQL database is also a Grafana datasource, whose ConfigMap and
password ExternalSecret this stack ships into `monitoring`.
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
NS = "job-hunter"
APP = {"app": "job-hunter"}
image = f"ghcr.io/viktorbarzin/job-hunter:{config.get('image_tag') or 'latest'}"
SECRETS = "job-hunter-secrets"
DB_SECRET = "job-hunter-db-creds"
RELOAD_MATCH = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}
PULL_SECRETS = ["registry-credentials", "ghcr-credentials"]
FROM_SECRETS = [{"secret_ref": {"name": SECRETS}}, {"secret_ref": {"name": DB_SECRET}}]
MIGRATE = {"name": "alembic-migrate", "image": image, "command": ["python", "-m", "job_hunter", "migrate"],
           "env_from": FROM_SECRETS,
           "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, template=RELOAD_MATCH, data=[
    SecretKey(secret_key=key, key="job-hunter", property=prop) for key, prop in (
        ("WEBHOOK_BEARER_TOKEN", "webhook_bearer_token"), ("CDIO_API_KEY", "cdio_api_key"),
        ("SMTP_USERNAME", "smtp_username"), ("SMTP_PASSWORD", "smtp_password"),
        ("DIGEST_TO_ADDRESS", "digest_to_address"), ("DIGEST_FROM_ADDRESS", "digest_from_address"),
        ("SLACK_WEBHOOK_URL", "slack_webhook_url"))]), opts=ns_opts)
db_creds = DatabaseCredentials(DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="pg-job-hunter", reload_match=True, template={
        "DB_CONNECTION_STRING": f"postgresql+asyncpg://job_hunter:{PASSWORD}@{settings.postgresql_host}:5432/job_hunter",
        "DB_PASSWORD": PASSWORD}), opts=ns_opts)
secrets_ready = pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds])

health = {"http_get": {"path": "/healthz", "port": 8080}, "initial_delay_seconds": 5, "period_seconds": 10}
WebApp("job-hunter", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate", keel=True,
    annotations={"reloader.stakater.com/search": "true"},
    ignore_changes=["spec.template.spec.initContainers[0].image",
                    'spec.template.metadata.annotations["reloader.stakater.com/last-reloaded-from"]'],
    pod_spec={"image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    init_containers=[MIGRATE],
    containers=[{
        "name": "job-hunter", "image": image,
        "ports": [{"container_port": 8080}],
        "env_from": FROM_SECRETS,
        "env": env({"CDIO_BASE_URL": "http://changedetection.changedetection.svc.cluster.local",
                    "SMTP_HOST": "mailserver.mailserver.svc.cluster.local", "SMTP_PORT": "587",
                    "JOB_HUNTER_WEBHOOK_URL": "http://job-hunter.job-hunter.svc.cluster.local:8080/webhook/cdio"}),
        "readiness_probe": health, "liveness_probe": health,
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "768Mi"}},
    }],
    service_type="ClusterIP",
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=secrets_ready)


def weekly(name: str, container: str, schedule: str, args: list[str], *, backoff: int, deadline: int,
           requests: dict, limits: dict, migrate: bool) -> None:
    """A weekly run of the app's CLI; Always pull, so each run executes the newest build."""
    ScheduledJob(name, ScheduledJobArgs(
        namespace=NS, labels=APP, schedule=schedule, concurrency_policy="Forbid",
        successful_jobs_history_limit=3, failed_jobs_history_limit=3, starting_deadline_seconds=600,
        backoff_limit=backoff, active_deadline_seconds=deadline, ttl_seconds_after_finished=86400,
        restart_policy="OnFailure", job_metadata={"labels": APP}, pod_metadata={"labels": APP},
        image_pull_secrets=PULL_SECRETS,
        # Migrate first, so a scrape never writes into an unmigrated schema.
        init_containers=[{**MIGRATE, "image_pull_policy": "Always"}] if migrate else [],
        containers=[{"name": container, "image": image, "image_pull_policy": "Always",
                     "command": ["python", "-m", "job_hunter", *args], "env_from": FROM_SECRETS,
                     "resources": {"requests": requests, "limits": limits}}],
    ), opts=secrets_ready)


weekly("job-hunter-refresh", "refresh", "0 4 * * 0",
       ["refresh", "--source", "ats", "--source", "hn", "--source", "levels_fyi"], backoff=1, deadline=1800,
       requests={"cpu": "100m", "memory": "512Mi"}, limits={"memory": "1Gi"}, migrate=True)
weekly("job-hunter-alert", "alert", "0 5 * * 0",
       ["alert", "--threshold", "500000", "--location", "london", "--slack"], backoff=2, deadline=300,
       requests={"cpu": "50m", "memory": "256Mi"}, limits={"memory": "512Mi"}, migrate=False)

# --- Grafana datasource (in `monitoring`; this stack owns both objects) ----------------------------
# Grafana reads the rotated password from its env (envFromSecrets in the monitoring stack).
GrafanaDatasource("grafana-job-hunter-datasource", GrafanaDatasourceArgs(
    file_name="job-hunter-datasource.yaml",
    datasources=[{
        "name": "Job Hunter", "type": "postgres", "access": "proxy", "url": f"{settings.postgresql_host}:5432",
        "user": "job_hunter", "uid": "job-hunter-pg",
        # Grafana's Postgres plugin takes the database from jsonData only.
        "jsonData": {"database": "job_hunter", "sslmode": "disable", "postgresVersion": 1600, "timescaledb": False},
        "secureJsonData": {"password": env_password("JOB_HUNTER_PG_PASSWORD")}, "editable": True}],
    credentials=DatasourceCredentials(secret_name="grafana-job-hunter-pg-creds", role="pg-job-hunter", env_var="JOB_HUNTER_PG_PASSWORD"),
))
