"""Dawarich location history: Rails web + Sidekiq on the shared Postgres/Redis, public API host."""

from pathlib import Path

import pulumi

from components.constants import TIER_EDGE
from components.cronjob_probe import CronJobProbe, CronJobProbeArgs
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "dawarich"
SECRETS = "dawarich-secrets"
IMAGE = f"freikin/dawarich:{pulumi.Config().get('imageVersion') or '1.7.11'}"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["dawarich"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)


def app_env(*, sidekiq: bool) -> list[dict]:
    """Env shared by the web and Sidekiq containers; Sidekiq adds its worker knobs in upstream order."""
    return [
        *env({"REDIS_URL": f"redis://{settings.redis_host}:6379", "DATABASE_HOST": settings.postgresql_host,
              "DATABASE_USERNAME": "dawarich"}),
        *secret_env(SECRETS, {"DATABASE_PASSWORD": "db_password"}),
        *env({"DATABASE_NAME": "dawarich", "MIN_MINUTES_SPENT_IN_CITY": 60, "TIME_ZONE": "Europe/London",
              "DISTANCE_UNIT": "km", **({"BACKGROUND_PROCESSING_CONCURRENCY": 2} if sidekiq else {}),
              "ENABLE_TELEMETRY": "true", "APPLICATION_HOSTS": "dawarich.viktorbarzin.me",
              # The exporter client only pushes to a server that does not exist yet; off silences its retries.
              **({"PROMETHEUS_EXPORTER_ENABLED": "false"} if sidekiq else {}), "RAILS_ENV": "production"}),
        *secret_env(SECRETS, {"SECRET_KEY_BASE": "secret_key_base"}),
        *env({"RAILS_LOG_TO_STDOUT": "true", "SELF_HOSTED": "true"}),
        # MALLOC_ARENA_MAX caps glibc arenas: Ruby's fragmented RSS otherwise climbs to the memory limit.
        *(secret_env(SECRETS, {"GEOAPIFY_API_KEY": "geoapify_api_key"}) + env({"MALLOC_ARENA_MAX": 2}) if sidekiq else []),
    ]


sidekiq_alive = {"exec": {"command": ["/bin/sh", "-c", "pgrep -f 'bundle exec sidekiq' >/dev/null"]},
                 "period_seconds": 30, "timeout_seconds": 5}
WebApp("dawarich", WebAppArgs(
    namespace=NS,
    tier=TIER_EDGE,
    keel=True,
    keel_containers=(0, 1),
    strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^v?\d+\.\d+\.\d+$",
                     "dependency.kyverno.io/wait-for": "postgresql.dbaas:5432,redis-master.redis:6379"},
    pod_spec={"termination_grace_period_seconds": 60},
    containers=[
        {"name": "dawarich", "image": IMAGE, "command": ["web-entrypoint.sh"],
         "args": ["bin/rails", "server", "-p", "3000", "-b", "::"],
         "ports": [{"name": "http", "container_port": 3000}, {"name": "prometheus", "container_port": 9394}],
         "env": app_env(sidekiq=False),
         "resources": {"requests": {"cpu": "15m", "memory": "896Mi"}, "limits": {"memory": "896Mi"}}},
        # Limit sits well above the request: the hourly stats job spikes past 1Gi.
        {"name": "dawarich-sidekiq", "image": IMAGE, "command": ["sidekiq-entrypoint.sh"],
         "args": ["bundle exec sidekiq"], "env": app_env(sidekiq=True),
         "resources": {"requests": {"cpu": "50m", "memory": "768Mi"}, "limits": {"memory": "2Gi"}},
         "liveness_probe": {**sidekiq_alive, "initial_delay_seconds": 90, "failure_threshold": 3},
         "readiness_probe": {**sidekiq_alive, "initial_delay_seconds": 30, "period_seconds": 15}},
    ],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000, "protocol": "TCP"}],
), opts=ns_opts)

ingress = IngressFactory("dawarich", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="none",
    auth_reason="Dawarich checks an api_key on its API itself; the phone apps and the OwnTracks bridge POST "
                "points programmatically and cannot follow a forward-auth login redirect",
    dns_type="proxied",
    # The traefik stack defines a roomier limiter for this host: map pages burst assets and API calls.
    skip_default_rate_limit=True,
    extra_middlewares=["traefik-dawarich-rate-limit@kubernetescrd"],
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Dawarich",
                       "gethomepage.dev/description": "Location history", "gethomepage.dev/icon": "dawarich.png",
                       "gethomepage.dev/group": "Smart Home", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

# Feeds the DawarichIngestionStale alert (monitoring stack).
freshness = CronJobProbe("ingestion-freshness-monitor", CronJobProbeArgs(
    namespace=NS, schedule="30 6 * * *", image="docker.io/library/postgres:16-alpine", inline_script=True,
    script=load_payload(Path(__file__).parent, "ingestion-freshness.sh").replace("__POSTGRESQL_HOST__", settings.postgresql_host),
    metrics=["dawarich_last_point_ingested_timestamp", "dawarich_ingestion_monitor_last_push_timestamp"],
    env=secret_env(SECRETS, {"PGPASSWORD": "db_password"}),
    backoff_limit=2, successful_jobs_history_limit=1, failed_jobs_history_limit=3,
    starting_deadline_seconds=300, ttl_seconds_after_finished=3600, restart_policy="OnFailure",
), opts=ns_opts)

pulumi.export("host", ingress.host)
pulumi.export("freshness_metrics", freshness.metric_names)
