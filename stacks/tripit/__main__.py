"""tripit: the travel itinerary planner — web app, realtime mail listener, seven worker CronJobs, its OIDC client."""

import pulumi

from components import constants as c
from components.authentik_oidc import AuthentikOidcApp, AuthentikOidcAppArgs, RedirectUri, Scope, managed_scope
from components.authentik_sdk import authentik
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "tripit"
HOST = "tripit.viktorbarzin.me"
AUTHENTIK_URL = "https://authentik.viktorbarzin.me"
LABELS = {"app": "tripit"}
LISTENER_LABELS = {"app": "tripit-mail-listener", "component": "mail-listener"}
SECRETS = "tripit-secrets"
DB_CREDS = "tripit-db-creds"
# CI sets the tag per deploy (`kubectl set image`); the CronJobs track what the tag says.
IMAGE = f"ghcr.io/viktorbarzin/tripit:{pulumi.Config().get('imageTag') or 'latest'}"
PULL_SECRETS = ["registry-credentials", "ghcr-credentials"]
ENV_FROM = [{"secret_ref": {"name": SECRETS}}, {"secret_ref": {"name": DB_CREDS}}]
DOCUMENTS_MOUNT = {"name": "documents", "mount_path": "/data/documents"}
RELOAD = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}
CHROME = "http://chrome-service.chrome-service.svc.cluster.local:9222"
LLAMA = "http://llama-swap.llama-cpp.svc.cluster.local:8080"
DAWARICH = {"NUDGES_ENABLED": "true", "LOCATION_PROVIDER": "dawarich", "DAWARICH_BASE_URL": "https://dawarich.viktorbarzin.me"}

# Env of the web app and every worker (the providers the app runs against in prod).
APP_ENV = {
    "AUTH_MODE": "normal", "TRUST_FORWARDED_FOR": "true",
    "OIDC_ISSUER": f"{AUTHENTIK_URL}/application/o/tripit-app/",
    "OIDC_JWKS_URL": f"{AUTHENTIK_URL}/application/o/tripit-app/jwks/",
    "OIDC_AUDIENCE": "tripit-app",
    "BUNDLE_PUBLIC_BASE": "https://tripit-api.viktorbarzin.me",
    "SERVE_FRONTEND_DIR": "/app/frontend_build",
    "STORAGE_DIR": "/data/documents", "PERSONAL_STORAGE_DIR": "/data/personal-documents",
    "FLIGHT_PROVIDER": "aerodatabox", "RAIL_PROVIDER": "realtimetrains",
    "WEATHER_PROVIDER": "openmeteo", "GEOCODER_PROVIDER": "openmeteo", "PUSH_PROVIDER": "webpush",
    "LLM_MODE": "llamacpp", "LLM_MODEL": "qwen3vl-8b", "LLM_ENDPOINT": LLAMA,
    "REEL_GEOCODER_PROVIDER": "nominatim", "REEL_PROVIDER": "anonymous", "MAIL_INGEST_ENABLED": "false",
    "EMAIL_PROVIDER": "smtp", "SMTP_HOST": "mailserver.mailserver.svc", "SMTP_PORT": "587",
    "SMTP_USER": "spam@viktorbarzin.me", "SMTP_FROM": "trips@viktorbarzin.me", "PUBLIC_BASE_URL": f"https://{HOST}",
    "TTS_MODE": "openai_compatible", "TTS_BASE_URL": "http://chatterbox-tts.tts.svc.cluster.local:8000",
    "TTS_MODEL": "chatterbox",
    "FARE_PROVIDER": "fli", "FARE_CDP_URL": CHROME,
    "OFFER_PROVIDER": "momondo", "OFFER_FLARESOLVERR_URL": "http://flaresolverr.servarr.svc.cluster.local:80/v1",
    "LODGING_PROVIDER": "playwright", "LODGING_CDP_URL": CHROME, "LODGING_SEARCH_ENABLED": "1",
    "CALENDAR_CONFLICT_PROVIDER": "nextcloud",
    "NEXTCLOUD_CALDAV_BASE": "https://nextcloud.viktorbarzin.me/remote.php/dav", "NEXTCLOUD_CALDAV_USER": "admin",
    "RESEARCH_PROVIDER": "claude_agent", "CITY_IMAGE_PROVIDER": "wikipedia",
    "SIGHT_DISCOVERY_PROVIDER": "wikipedia+llm", "STORY_SOURCE_MODE": "web", "SCRIPT_WRITER_MODE": "chat",
    "PLACE_RESOLVER_MODE": "wikipedia", "PLACE_PHOTO_PROVIDER": "wikipedia",
}
# The realtime listener and the 15-minute repair job read plans@ mail the same way.
MAIL_INGEST_ENV = {
    "LLM_MODE": "llamacpp", "LLM_ENDPOINT": LLAMA, "LLM_MODEL": "qwen3vl-8b", "LLM_VISION_MODEL": "qwen3vl-4b",
    "MAIL_INGEST_ENABLED": "true", "REEL_GEOCODER_PROVIDER": "nominatim",
    "IMAP_HOST": "mailserver.mailserver.svc.cluster.local", "IMAP_PORT": "993", "IMAP_USER": "spam@viktorbarzin.me",
    "IMAP_FOLDER": "INBOX", "IMAP_USE_SSL": "true", "IMAP_SEARCH": 'TO "plans@viktorbarzin.me"',
}
# spam@'s password overrides the Gmail IMAP_PASSWORD that env_from brings in.
PLANS_IMAP_PASSWORD = secret_env(SECRETS, {"IMAP_PASSWORD": "PLANS_IMAP_PASSWORD"})


def sorted_env(*layers: dict) -> list[dict]:
    """Merged plain env in key order, as Terraform's dynamic block over a map renders it."""
    merged: dict = {}
    for layer in layers:
        merged.update(layer)
    return env(dict(sorted(merged.items())))


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={
    "istio-injection": "disabled", "keel.sh/enrolled": "true",
    # Admitted by chrome-service's CDP NetworkPolicy (fare and lodging scrapes).
    "chrome-service.viktorbarzin.me/client": "true",
}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Vault secret/tripit; SMTP_PASSWORD reuses spam@'s PLANS_IMAP_PASSWORD.
APP_KEYS = {
    "SESSION_SIGNING_KEY": "SESSION_SIGNING_KEY", "VAPID_PUBLIC_KEY": "VAPID_PUBLIC_KEY",
    "VAPID_PRIVATE_KEY": "VAPID_PRIVATE_KEY", "VAPID_SUBJECT": "VAPID_SUBJECT",
    "CALENDAR_TOKEN_SECRET": "CALENDAR_TOKEN_SECRET", "BUNDLE_TOKEN_SECRET": "BUNDLE_TOKEN_SECRET",
    "DOCUMENT_ENCRYPTION_KEY": "DOCUMENT_ENCRYPTION_KEY", "IMAP_PASSWORD": "IMAP_PASSWORD",
    "PLANS_IMAP_PASSWORD": "PLANS_IMAP_PASSWORD", "SLACK_BOT_TOKEN": "SLACK_BOT_TOKEN",
    "DAWARICH_API_KEY": "DAWARICH_API_KEY", "SMTP_PASSWORD": "PLANS_IMAP_PASSWORD",
    "AERODATABOX_API_KEY": "AERODATABOX_API_KEY", "RTT_API_TOKEN": "RTT_API_TOKEN",
    "SLACK_SIGNING_SECRET": "SLACK_SIGNING_SECRET", "TREK_USER": "TREK_USER", "TREK_PASSWORD": "TREK_PASSWORD",
    "CLAUDE_AGENT_TOKEN": "CLAUDE_AGENT_TOKEN", "NEXTCLOUD_CALDAV_APP_PASSWORD": "NEXTCLOUD_CALDAV_APP_PASSWORD",
}
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(
    namespace=NS, template=RELOAD, data=[SecretKey(secret_key=k, key="tripit", property=p) for k, p in APP_KEYS.items()]),
    opts=ns_opts)
db_creds = DatabaseCredentials(DB_CREDS, DatabaseCredentialsArgs(
    namespace=NS, role="pg-tripit", reload_match=True, template={
        "DB_CONNECTION_STRING": f"postgresql+asyncpg://tripit:{PASSWORD}@{settings.postgresql_host}:5432/tripit",
        "DB_PASSWORD": PASSWORD}), opts=ns_opts)
secrets_ready = pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds])

# Trip documents, shared by the app and every worker (RWX, under the NFS backup tree).
documents = NfsVolume("tripit-documents-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/tripit-documents", storage="5Gi"), opts=ns_opts)
documents_volume = {"name": "documents", "persistent_volume_claim": {"claim_name": documents.claim_name}}
# Passports and IDs: encrypted at rest, RWO, mounted by the app container only.
personal = ProxmoxVolume("tripit-personal-documents", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

healthz = {"http_get": {"path": "/healthz", "port": 8080}}
app = WebApp("tripit", WebAppArgs(
    namespace=NS, selector=LABELS, tier=c.TIER_AUX, keel=True,
    annotations={"reloader.stakater.com/search": "true"},
    replicas=1, strategy="Recreate",  # one writer for the reminders and the document stores
    pod_spec={"image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    init_containers=[
        {"name": "alembic-migrate", "image": IMAGE, "command": ["alembic", "upgrade", "head"], "env_from": ENV_FROM,
         "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}},
        # The encrypted block claim mounts root-owned; only it is handed to the app's uid (not the NFS store).
        {"name": "chown-personal-documents", "image": "busybox:1.37",
         "command": ["sh", "-c", "chown -R 10001:999 /data/personal-documents"],
         "security_context": {"run_as_user": 0},
         "volume_mounts": [{"name": "personal-documents", "mount_path": "/data/personal-documents"}],
         "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}}},
    ],
    containers=[{
        "name": "tripit", "image": IMAGE, "ports": [{"container_port": 8080}],
        "env_from": ENV_FROM, "env": sorted_env(APP_ENV),
        "volume_mounts": [DOCUMENTS_MOUNT, {"name": "personal-documents", "mount_path": "/data/personal-documents"}],
        "readiness_probe": {**healthz, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**healthz, "initial_delay_seconds": 30, "period_seconds": 30},
        "resources": {"requests": {"cpu": "100m", "memory": "384Mi"}, "limits": {"memory": "768Mi"}},
    }],
    volumes=[documents_volume,
             {"name": "personal-documents", "persistent_volume_claim": {"claim_name": personal.claim_name}}],
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    service_labels=LABELS,
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "8080"},
    service_spec={"type": "ClusterIP"},
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=secrets_ready)

# IMAP IDLE trigger for plans@ mail; its own labels keep it out of the tripit Service.
WebApp("tripit-mail-listener", WebAppArgs(
    namespace=NS, selector=LISTENER_LABELS, tier=c.TIER_AUX, keel=True,
    annotations={"reloader.stakater.com/search": "true"},
    replicas=1, strategy="Recreate", progress_deadline_seconds=900,
    pod_spec={"termination_grace_period_seconds": 600, "image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    containers=[{
        "name": "listener", "image": IMAGE, "command": ["python", "-m", "tripit_api", "listen-mail"],
        "env_from": ENV_FROM, "env": sorted_env(APP_ENV, MAIL_INGEST_ENV) + PLANS_IMAP_PASSWORD,
        "volume_mounts": [DOCUMENTS_MOUNT],
        "readiness_probe": {"exec": {"command": ["sh", "-c", "test -f /tmp/tripit-mail-listener-ready"]},
                            "initial_delay_seconds": 5, "period_seconds": 5, "failure_threshold": 3},
        "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[documents_volume],
), opts=secrets_ready)

# Workers: (schedule, London time?, subcommand, extra env, ingest overrides).
TZ = "Europe/London"
WORKERS = {
    "poll-flights": ("0 * * * *", None, "poll-flights", {}),  # hourly: AeroDataBox's free monthly quota
    "run-reminders": ("*/15 * * * *", None, "run-reminders", {}),
    "ingest-plans": ("*/15 * * * *", None, "ingest-mail", MAIL_INGEST_ENV),
    "transport-nudge": ("0 8 * * *", TZ, "run-transport-nudge", DAWARICH),
    "weather-brief": ("0 21 * * *", TZ, "run-weather-brief", DAWARICH),
    "fill-tour-audio": ("20 2 * * *", TZ, "fill-tour-audio", {}),
    "fill-tour-audio-retry": ("30 4 * * *", TZ, "fill-tour-audio", {}),
}
for job, (schedule, time_zone, subcommand, extra_env) in WORKERS.items():
    ingest = job == "ingest-plans"
    ScheduledJob(f"tripit-{job}", ScheduledJobArgs(
        namespace=NS, schedule=schedule, time_zone=time_zone, suspend=False, concurrency_policy="Forbid",
        successful_jobs_history_limit=3, failed_jobs_history_limit=5, starting_deadline_seconds=300,
        labels=LABELS, job_metadata={"labels": LABELS}, pod_metadata={"labels": LABELS},
        backoff_limit=3, ttl_seconds_after_finished=86400,
        # A hung mail sweep would block every later one under Forbid.
        active_deadline_seconds=600 if ingest else None,
        restart_policy="OnFailure", image_pull_secrets=PULL_SECRETS,
        containers=[{
            "name": "worker", "image": IMAGE, "command": ["python", "-m", "tripit_api", subcommand],
            "env_from": ENV_FROM,
            "env": sorted_env(APP_ENV, extra_env) + (PLANS_IMAP_PASSWORD if ingest else []),
            "volume_mounts": [DOCUMENTS_MOUNT],
            "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        }],
        volumes=[documents_volume],
    ), opts=secrets_ready)

# --- ingresses: one host, the app gating itself; longer prefixes win in Traefik -----------------
common = dict(namespace=NS, port=8080, anti_ai_scraping=False)
TRIPIT_LIMITS = dict(skip_default_rate_limit=True, extra_middlewares=[c.MW_STRIP_AUTH_HEADERS, c.MW_TRIPIT_RATE_LIMIT])
main_ingress = IngressFactory("tripit", IngressArgs.on_cluster(
    settings, **common, **TRIPIT_LIMITS, auth="none", dns_type="proxied",
    auth_reason="public SPA shell and landing page; the app gates itself and data lives under /api",
    extra_annotations={"gethomepage.dev/description": "Self-hosted travel itinerary planner",
                       "gethomepage.dev/icon": "mdi-airplane-takeoff", "gethomepage.dev/name": "TripIt"}), opts=ns_opts)
IngressFactory("tripit-app-api", IngressArgs.on_cluster(
    settings, **common, **TRIPIT_LIMITS, auth="none", homepage_enabled=False, service_name="tripit",
    full_host=HOST, ingress_path=["/api"],
    auth_reason="TripIt's own session auth (cookie or bearer); inbound X-authentik-* stripped"), opts=ns_opts)
IngressFactory("tripit-metrics", IngressArgs.on_cluster(
    settings, namespace=NS, port=8080, auth="required", homepage_enabled=False, service_name="tripit",
    full_host=HOST, ingress_path=["/metrics"]), opts=ns_opts)
CARVE_OUTS = {
    "tripit-calendar": ("/api/calendar", "ICS feeds gated by an HMAC token (CALENDAR_TOKEN_SECRET)"),
    "tripit-emails-confirm": ("/api/emails/confirm", "gated by the verification token mailed to the address"),
    "tripit-planner-slack": ("/api/planner/slack", "Slack webhooks gated by Slack v0 signatures (SLACK_SIGNING_SECRET)"),
}
for name, (path, reason) in CARVE_OUTS.items():
    IngressFactory(name, IngressArgs.on_cluster(
        settings, **common, auth="none", auth_reason=reason, homepage_enabled=False, service_name="tripit",
        full_host=HOST, ingress_path=[path]), opts=ns_opts)
# Bearer-only host of the Android Shell: no forward-auth (CORS preflights, no cookies).
IngressFactory("tripit-api", IngressArgs.on_cluster(
    settings, **common, **TRIPIT_LIMITS, auth="none", dns_type="proxied", homepage_enabled=False,
    service_name="tripit", auth_reason="the backend validates TripIt/Authentik bearer tokens itself"), opts=ns_opts)

# --- the Shell's OIDC client (public, PKCE) ----------------------------------------------------
ak = authentik.Provider("authentik", url=AUTHENTIK_URL, token=vault_field("authentik", "tf_api_token"))
oidc = AuthentikOidcApp("tripit-app", AuthentikOidcAppArgs(
    provider=ak, provider_name="tripit-app", client_id="tripit-app", client_type="public",
    # Users are keyed by email; the default hashed id would mint a second user row.
    sub_mode="user_email",
    # Pinned: the slug lookup of default-provider-invalidation-flow resolved null in upstream CI.
    invalidation_flow_id="b0a43377-0fa6-45d1-89fc-ed298bb1bb53",
    redirect_uris=[RedirectUri(url="me.viktorbarzin.tripit://callback"),
                   RedirectUri(url=f"https://{HOST}/api/auth/callback/authentik")],
    access_token_validity="hours=1", refresh_token_validity="days=90",
    # offline_access makes Authentik issue the refresh token the Shell keeps.
    scopes=[managed_scope("openid"), managed_scope("profile"), managed_scope("email"),
            Scope(scope_name="offline_access")],
    app_name="TripIt App", app_slug="tripit-app", meta_launch_url=f"https://{HOST}",
))

pulumi.export("host", main_ingress.host)
pulumi.export("oidc_client_id", oidc.client_id)
