"""instagram-poster: picks Immich photos, queues them for approval and posts through Postiz. Parked (replicas 0)."""

import pulumi

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "instagram-poster"
LABELS = {"app": "instagram-poster"}
SECRETS = "instagram-poster-secrets"
BENCHMARK_DB = "instagram-poster-benchmark-db"
# CI bumps the tag per deploy (upstream pinned the 8-char git SHA); Keel owns it afterwards.
IMAGE = f"ghcr.io/viktorbarzin/instagram-poster:{pulumi.Config().get('imageTag') or 'da5b4191'}"
RELOAD = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Vault secret/instagram-poster; the IG_GRAPH_* / IG_BUSINESS_* properties are what the parking waits for.
APP_KEYS = {
    "IMMICH_API_KEY": "immich_api_key", "POSTIZ_API_TOKEN": "postiz_api_token",
    "IMMICH_TAG_INSTAGRAM": "immich_tag_instagram", "IMMICH_TAG_POSTED": "immich_tag_posted",
    "TELEGRAM_BOT_TOKEN": "telegram_bot_token", "TELEGRAM_CHAT_ID": "telegram_chat_id",
    "POSTIZ_INTEGRATION_ID": "postiz_integration_id",
    "IMMICH_PG_HOST": "immich_pg_host", "IMMICH_PG_PORT": "immich_pg_port",
    "IMMICH_PG_DATABASE": "immich_pg_database", "IMMICH_PG_USER": "immich_pg_user",
    "IMMICH_PG_PASSWORD": "immich_pg_password",
    "IG_GRAPH_TOKEN": "ig_graph_long_lived_token", "IG_GRAPH_APP_ID": "ig_graph_app_id",
    "IG_GRAPH_APP_SECRET": "ig_graph_app_secret", "IG_BUSINESS_ACCOUNT_ID": "ig_business_account_id",
}
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(
    namespace=NS, template=RELOAD,
    data=[SecretKey(secret_key=k, key="instagram-poster", property=p) for k, p in APP_KEYS.items()]), opts=ns_opts)
# Benchmark scores go to the shared CNPG cluster; the app builds its URL from the parts.
benchmark_db = DatabaseCredentials(BENCHMARK_DB, DatabaseCredentialsArgs(
    namespace=NS, role="pg-instagram-poster", reload_match=True,
    template={"BENCHMARK_PG_HOST": settings.postgresql_host, "BENCHMARK_PG_PORT": "5432",
              "BENCHMARK_PG_DATABASE": "instagram_poster", "BENCHMARK_PG_USER": "instagram_poster",
              "BENCHMARK_PG_PASSWORD": PASSWORD}), opts=ns_opts)
data = ProxmoxVolume("instagram-poster-data", ProxmoxVolumeArgs(
    namespace=NS, storage="10Gi", storage_limit="20Gi"), opts=ns_opts)

healthz = {"http_get": {"path": "/healthz", "port": 8000}}
deployment = WebApp("instagram-poster", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True,
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"diun.enable": "true"},
    # Parked until a Meta long-lived token is in Vault: set 1 together with unsuspending the two jobs below.
    replicas=0,
    strategy="Recreate",  # the data claim is RWO
    pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}],
              # The claim mounts root-owned; fs_group hands it to the app's uid/gid.
              "security_context": {"fs_group": 10001, "run_as_user": 10001, "run_as_group": 10001,
                                   "run_as_non_root": True}},
    containers=[{
        "name": "instagram-poster", "image": IMAGE, "ports": [{"container_port": 8000}],
        "env_from": [{"secret_ref": {"name": SECRETS}}, {"secret_ref": {"name": BENCHMARK_DB}}],
        "env": env({
            "IMMICH_BASE_URL": "https://immich.viktorbarzin.me",
            "POSTIZ_BASE_URL": "http://postiz.postiz.svc.cluster.local",
            "PUBLIC_BASE_URL": "https://instagram-poster.viktorbarzin.me",
            "DATA_DIR": "/data",
            "LOG_LEVEL": "INFO",
            # Off until the posted-media table is filled, or everything would be filtered out.
            "IG_DEDUP_ENABLED": "false",
            "IG_ML_URL": "http://immich-machine-learning.immich.svc.cluster.local:3003",
        }),
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "readiness_probe": {**healthz, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**healthz, "initial_delay_seconds": 15, "period_seconds": 20},
        # Full-resolution HEIC decodes peak well above 512Mi.
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "1500Mi"}}}],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_spec={"type": "ClusterIP"},
    service_ports=[{"name": "http", "port": 80, "target_port": 8000}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets, benchmark_db]))

# One host, two ingresses: Traefik routes the longer prefixes to the unauthenticated one.
IngressFactory("instagram-poster-image", IngressArgs.on_cluster(
    settings, namespace=NS, host="instagram-poster", service_name="instagram-poster", port=80,
    auth="none",
    auth_reason="Meta's content fetcher and Telegram previews load the image derivatives without credentials",
    dns_type="proxied", homepage_enabled=False, ingress_path=["/image", "/original"]), opts=ns_opts)
ingress = IngressFactory("instagram-poster", IngressArgs.on_cluster(
    settings, namespace=NS, port=80, auth="required",
    dns_type="none",  # the record comes with the image ingress
    extra_annotations={"gethomepage.dev/description": "Scheduled Instagram posting",
                       "gethomepage.dev/icon": "instagram.png", "gethomepage.dev/name": "Instagram Poster"}), opts=ns_opts)

# The Graph-API jobs call back into the Service; both stay suspended while the Deployment is parked.
# (The stories job is declared with count = 0 upstream: nothing live, nothing here.)
CURL = "curl -fsS -X POST http://instagram-poster.instagram-poster.svc.cluster.local"
JOBS = {
    "ig-ingest-feed": ("0 */6 * * *", "ingest",
                       f"{CURL}/ig-ingest -H 'Content-Type: application/json' -d '{{\"include\":[\"feed\"]}}'"),
    "ig-refresh-token": ("0 2 * * *", "refresh", f"{CURL}/ig-refresh-token"),
}
for job, (schedule, container, script) in JOBS.items():
    ScheduledJob(job, ScheduledJobArgs(
        namespace=NS, schedule=schedule, suspend=True, concurrency_policy="Forbid",
        successful_jobs_history_limit=1, failed_jobs_history_limit=3, backoff_limit=1,
        labels=LABELS, restart_policy="OnFailure",
        containers=[{"name": container, "image": "curlimages/curl:8.10.1", "command": ["sh", "-c", script],
                     "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}}],
    ), opts=pulumi.ResourceOptions(depends_on=[deployment]))

pulumi.export("host", ingress.host)
