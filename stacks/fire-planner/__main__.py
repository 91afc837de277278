"""fire-planner: risk-adjusted retirement projections (a ProjectionLab-style planner).

A FastAPI app behind Authentik (its `/api/` XHR path without forward-auth), a monthly Monte
Carlo recompute and FIRE-target sweep, weekly cost-of-living and FIRE-examples refreshes, and
the Grafana datasource of its database, shipped into `monitoring`. It reads the
`wealthfolio_sync` mirror database that wealthfolio's sidecar fills.
"""

import pulumi

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.grafana import DatasourceCredentials, GrafanaDatasource, GrafanaDatasourceArgs, env_password
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "fire-planner"
APP = {"app": "fire-planner"}
image = f"ghcr.io/viktorbarzin/fire-planner:{config.get('image_tag') or 'latest'}"
llama_url = config.get("llama_cpp_base_url") or "http://llama-swap.llama-cpp.svc.cluster.local:8080/v1/chat/completions"
agent_url = (config.get("claude_agent_service_url")
             or "http://claude-agent-service.claude-agent.svc.cluster.local:8080/v1/chat/completions")
SECRETS, DB_SECRET, SYNC_DB_SECRET = "fire-planner-secrets", "fire-planner-db-creds", "wealthfolio-sync-db-creds"
REDDIT, CLAUDE = "fire-planner-examples-reddit", "fire-planner-examples-claude"
RELOAD_MATCH = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}
PULL_SECRETS = ["registry-credentials", "ghcr-credentials"]


def from_secrets(*names: str) -> list[dict]:
    return [{"secret_ref": {"name": n}} for n in names]


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={
    "istio-injection": "disabled",
    # Admitted by chrome-service's NetworkPolicy, for headless checks of the UI.
    "chrome-service.viktorbarzin.me/client": "true",
    "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, template=RELOAD_MATCH, data=[
    SecretKey(secret_key=key.upper(), key="fire-planner", property=key) for key in (
        "recompute_bearer_token", "actualbudget_api_url", "actualbudget_api_key", "actualbudget_sync_id",
        # Anca's own ActualBudget instance (her half of the household spend).
        "actualbudget_anca_api_url", "actualbudget_anca_api_key", "actualbudget_anca_sync_id")]), opts=ns_opts)
db_creds = DatabaseCredentials(DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="pg-fire-planner", reload_match=True, template={
        "DB_CONNECTION_STRING": f"postgresql+asyncpg://fire_planner:{PASSWORD}@{settings.postgresql_host}:5432/fire_planner",
        "DB_PASSWORD": PASSWORD}), opts=ns_opts)
# Read-only role on the wealthfolio_sync mirror database.
sync_creds = DatabaseCredentials(SYNC_DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="pg-wealthfolio-sync", reload_match=True, template={
        "WEALTHFOLIO_SYNC_DB_CONNECTION_STRING":
            f"postgresql+asyncpg://wealthfolio_sync:{PASSWORD}@{settings.postgresql_host}:5432/wealthfolio_sync"}),
    opts=ns_opts)
reddit = ExternalSecret(REDDIT, ExternalSecretArgs(namespace=NS, refresh_interval="1h", data=[
    SecretKey(secret_key="REDDIT_CLIENT_ID", key="viktor", property="trading_bot_reddit_client_id"),
    SecretKey(secret_key="REDDIT_CLIENT_SECRET", key="viktor", property="trading_bot_reddit_client_secret")]),
    opts=ns_opts)
claude = ExternalSecret(CLAUDE, ExternalSecretArgs(namespace=NS, refresh_interval="1h", data=[
    SecretKey(secret_key="CLAUDE_AGENT_BEARER", key="claude-agent-service", property="api_bearer_token")]),
    opts=ns_opts)

health = {"http_get": {"path": "/healthz", "port": 8080}, "initial_delay_seconds": 5, "period_seconds": 10}
WebApp("fire-planner", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate", keel=True,
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"dependency.kyverno.io/wait-for": "postgresql.dbaas:5432"},
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    pod_spec={"image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    init_containers=[{"name": "alembic-migrate", "image": image, "command": ["python", "-m", "fire_planner", "migrate"],
                      "env_from": from_secrets(DB_SECRET),
                      "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}],
    containers=[{
        "name": "fire-planner", "image": image, "command": ["python", "-m", "fire_planner", "serve"],
        "ports": [{"container_port": 8080}],
        "env_from": from_secrets(SECRETS, DB_SECRET, SYNC_DB_SECRET),
        "readiness_probe": health, "liveness_probe": health,
        "resources": {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"memory": "320Mi"}},
    }],
    service_type="ClusterIP",
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds]))


def cli_job(name: str, container: str, schedule: str, args: list[str], secrets: tuple[str, ...], *,
            requests: dict | None, limits: dict | None = None, failed: int = 5, backoff: int = 1,
            deadline: int | None = None, starting_deadline: int | None = 600, extra_env: list[dict] = (),
            depends: tuple = ()) -> None:
    """A scheduled run of the app's CLI with the app's pull secrets and labels."""
    resources = {"resources": {"requests": requests, "limits": limits}} if requests else {}
    ScheduledJob(name, ScheduledJobArgs(
        namespace=NS, schedule=schedule, concurrency_policy="Forbid",
        successful_jobs_history_limit=3, failed_jobs_history_limit=failed, starting_deadline_seconds=starting_deadline,
        backoff_limit=backoff, active_deadline_seconds=deadline, ttl_seconds_after_finished=86400,
        restart_policy="OnFailure", job_metadata={"labels": APP}, pod_metadata={"labels": APP},
        image_pull_secrets=PULL_SECRETS,
        containers=[{"name": container, "image": image, "command": ["python", "-m", "fire_planner", *args],
                     "env_from": from_secrets(*secrets), **({"env": list(extra_env)} if extra_env else {}),
                     **resources}],
    ), opts=pulumi.ResourceOptions(depends_on=[namespace, *depends]))


cli_job("fire-planner-recompute", "recompute", "0 9 2 * *", ["recompute-all"], (SECRETS, DB_SECRET, SYNC_DB_SECRET),
        requests={"cpu": "200m", "memory": "1Gi"}, limits={"memory": "2Gi"}, depends=(app_secrets, db_creds, sync_creds))
cli_job("fire-planner-fire-targets", "fire-targets", "0 10 2 * *",
        ["recompute-fire-targets", "--countries", "all", "--horizon", "72"], (SECRETS, DB_SECRET),
        requests={"cpu": "500m", "memory": "1Gi"}, limits={"memory": "2Gi"}, deadline=3600,
        depends=(app_secrets, db_creds))
cli_job("fire-planner-col-refresh", "col-refresh", "0 4 * * 0", ["col-refresh-stale", "--within-days", "7"],
        (DB_SECRET,), requests={"cpu": "100m", "memory": "256Mi"}, limits={"memory": "512Mi"}, depends=(db_creds,))
cli_job("fire-planner-examples-weekly", "ingest", "0 4 * * 0", ["examples", "ingest", "--top=week", "--limit=200"],
        (SECRETS, DB_SECRET, SYNC_DB_SECRET), requests=None, failed=3, backoff=0, starting_deadline=None,
        extra_env=[*secret_env(REDDIT, {"REDDIT_CLIENT_ID": "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET": "REDDIT_CLIENT_SECRET"}),
                   *secret_env(CLAUDE, {"CLAUDE_AGENT_BEARER": "CLAUDE_AGENT_BEARER"}),
                   *env({"REDDIT_USER_AGENT": "fire-planner/0.1", "LLAMA_CPP_BASE_URL": llama_url,
                         "CLAUDE_AGENT_SERVICE_URL": agent_url})],
        depends=(app_secrets, db_creds, sync_creds, reddit, claude))

ingress = IngressFactory("fire-planner", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied", port=8080,
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "FIRE Planner",
                       "gethomepage.dev/description": "Risk-adjusted retirement projections (ProjectionLab clone)",
                       "gethomepage.dev/icon": "mdi-fire", "gethomepage.dev/group": "Finance"},
), opts=ns_opts)
IngressFactory("fire-planner-api", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none", dns_type="none", homepage_enabled=False,
    auth_reason="XHR API paths; forward-auth's redirect and cookie dance breaks CORS preflight and browser fetch()",
    host="fire-planner", service_name="fire-planner", port=8080, ingress_path=["/api/"],
), opts=ns_opts)

# --- Grafana datasource (in `monitoring`; this stack owns both objects) ----------------------------
# Grafana reads the rotated password from its env (envFromSecrets in the monitoring stack).
GrafanaDatasource("grafana-fire-planner-datasource", GrafanaDatasourceArgs(
    file_name="fire-planner-datasource.yaml",
    datasources=[{
        "name": "FirePlanner", "type": "postgres", "access": "proxy", "url": f"{settings.postgresql_host}:5432",
        "user": "fire_planner", "uid": "fire-planner-pg",
        # Grafana's Postgres plugin takes the database from jsonData only.
        "jsonData": {"database": "fire_planner", "sslmode": "disable", "postgresVersion": 1600, "timescaledb": False},
        "secureJsonData": {"password": env_password("FIRE_PLANNER_PG_PASSWORD")}, "editable": True}],
    credentials=DatasourceCredentials(secret_name="grafana-fire-planner-pg-creds", role="pg-fire-planner", env_var="FIRE_PLANNER_PG_PASSWORD"),
))

pulumi.export("host", ingress.host)
