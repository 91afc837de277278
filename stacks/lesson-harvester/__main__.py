"""Lesson harvester: owner-only app on Postgres (rotated DB creds) plus an hourly Learn Later playlist poll."""

import pulumi

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "lesson-harvester"
LABELS = {"app": "lesson-harvester"}
# CI pushes :latest and :<sha> and sets the Deployment's image itself; the poll job pulls :latest.
IMAGE = f"ghcr.io/viktorbarzin/lesson-harvester:{pulumi.Config().get('imageTag') or 'latest'}"
RELOAD = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
# Every property must exist in Vault secret/lesson-harvester (empty is fine) or ESO rejects the sync.
app_secrets = ExternalSecret("lesson-harvester-secrets", ExternalSecretArgs(namespace=NS, template=RELOAD, data=[
    SecretKey(secret_key=f"LH_{prop.upper()}", key="lesson-harvester", property=prop)
    for prop in ("webhook_bearer_token", "youtube_api_key", "learn_later_playlist_id")]), opts=ns_opts)
db_creds = DatabaseCredentials("lesson-harvester-db-creds", DatabaseCredentialsArgs(
    namespace=NS, role="pg-lesson-harvester", reload_match=True,
    template={"LH_DB_CONNECTION_STRING": database_url("postgresql+asyncpg", user="lesson_harvester",
                                                      host=settings.postgresql_host, port=5432,
                                                      database="lesson_harvester")}), opts=ns_opts)
after_secrets = pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds])

ENV_FROM = [{"secret_ref": {"name": name}} for name in ("lesson-harvester-secrets", "lesson-harvester-db-creds")]
# Whisper is not in the image yet: caption-less videos park as needs_attention instead of crashing.
APP_ENV = env({"LH_LLM_ENDPOINT": "http://llama-swap.llama-cpp.svc.cluster.local:8080", "LH_LLM_MODEL": "qwen3-8b",
               "LH_WHISPER_ENABLED": "false"})
PULL_SECRETS = ["registry-credentials", "ghcr-credentials"]  # ghcr one synced by Kyverno


def migrate(**extra) -> dict:
    """Init container that brings the schema to head before the app or the poll starts."""
    return {"name": "alembic-migrate", "image": IMAGE, **extra, "command": ["alembic", "upgrade", "head"],
            "env_from": ENV_FROM, "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}


healthz = {"http_get": {"path": "/healthz", "port": 8080}}
WebApp("lesson-harvester", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true", c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL},
    ignore_changes=[
        *(f'metadata.annotations["keel.sh/{k}"]' for k in ("policy", "trigger", "pollSchedule")),
        "spec.template.spec.containers[0].image", "spec.template.spec.initContainers[0].image",
        'metadata.annotations["deployment.kubernetes.io/revision"]',
        'spec.template.metadata.annotations["keel.sh/update-time"]'],
    pod_spec={"image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    init_containers=[migrate()],
    containers=[{
        "name": "lesson-harvester", "image": IMAGE, "ports": [{"container_port": 8080}],
        "env_from": ENV_FROM, "env": APP_ENV,
        "readiness_probe": {**healthz, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**healthz, "initial_delay_seconds": 30, "period_seconds": 30},
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "768Mi"}}}],
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "8080"},
    service_spec={"type": "ClusterIP"},
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=after_secrets)

# The backend has no login of its own: Authentik gates the host (/submit also checks a bearer token).
ingress = IngressFactory("lesson-harvester", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="required", dns_type="proxied", port=8080,
    extra_annotations={"gethomepage.dev/description": "Turns watched talks into workflow recommendations"}), opts=ns_opts)

ScheduledJob("lesson-harvester-poll", ScheduledJobArgs(
    namespace=NS, schedule="0 * * * *", suspend=False,
    successful_jobs_history_limit=3, failed_jobs_history_limit=3, starting_deadline_seconds=600,
    backoff_limit=1, active_deadline_seconds=1800, ttl_seconds_after_finished=86400,
    labels=LABELS, job_metadata={"labels": LABELS}, pod_metadata={"labels": LABELS},
    restart_policy="OnFailure", image_pull_secrets=PULL_SECRETS,
    init_containers=[migrate(image_pull_policy="Always")],
    containers=[{"name": "poll", "image": IMAGE, "image_pull_policy": "Always",
                 "command": ["python", "-m", "lesson_harvester", "poll"],
                 "env_from": ENV_FROM, "env": APP_ENV,
                 "resources": {"requests": {"cpu": "100m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}}}],
    moved_from={"cronjob": "lesson-harvester-poll"},
), opts=after_secrets)

pulumi.export("host", ingress.host)
