"""Tasks PWA at tasks.<domain>: identity comes only from Authentik's header, so forward-auth and a NetworkPolicy fence it."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "tasks"
LABELS = {"app": "tasks"}
PORT = 8000
SCRAPE = {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": str(PORT)}
# The running tag is set by the Woodpecker deploy and ignored below; this only matters on (re)create.
IMAGE = f"ghcr.io/viktorbarzin/tasks:{pulumi.Config().get('imageTag') or 'latest'}"
RELOADER_MATCH = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
# Fernet key that encrypts the users' stored Nextcloud app passwords.
app_secrets = ExternalSecret("tasks-secrets", ExternalSecretArgs(
    namespace=NS, data=[SecretKey(secret_key="TASKS_FERNET_KEY", key="tasks", property="fernet_key")],
    template=RELOADER_MATCH), opts=ns_opts)
db_creds = DatabaseCredentials("tasks-db-creds", DatabaseCredentialsArgs(
    namespace=NS, role="pg-tasks", reload_match=True,
    template={"TASKS_DB_DSN": database_url("postgresql+asyncpg", user="tasks", host=settings.postgresql_host,
                                           port=5432, database="tasks"),
              "DB_PASSWORD": PASSWORD}), opts=ns_opts)

health = {"http_get": {"path": "/healthz", "port": PORT}}
WebApp("tasks", WebAppArgs(
    namespace=NS,
    selector=LABELS,
    tier=c.TIER_AUX,
    # The DB password rotates weekly and is read only at start: restart on a new one.
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations=SCRAPE,
    keel=True,
    # One process owns each user's CalDAV sync cursor: never two pods at once.
    strategy="Recreate",
    pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}]},
    containers=[{
        "name": "tasks", "image": IMAGE,
        "ports": [{"container_port": PORT}],
        "env_from": [{"secret_ref": {"name": "tasks-secrets"}}, {"secret_ref": {"name": "tasks-db-creds"}}],
        # Never set DEV_USER here: it makes the backend treat every request as that user.
        "env": env({"TASKS_LOCAL_TZ": "Europe/Sofia"}),
        "readiness_probe": {**health, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**health, "initial_delay_seconds": 30, "period_seconds": 30},
        "resources": {"requests": {"cpu": "100m", "memory": "384Mi"}, "limits": {"memory": "384Mi"}},
    }],
    service_annotations=SCRAPE,
    service_spec={"type": "ClusterIP"},
    service_ports=[{"name": "http", "port": PORT, "target_port": PORT}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds]))

common = dict(namespace=NS, port=PORT)
ingress = IngressFactory("tasks", IngressArgs.on_cluster(
    settings, **common, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/description": "Reminders-style task PWA over Nextcloud CalDAV",
                       "gethomepage.dev/icon": "mdi-format-list-checks"}), opts=ns_opts)
# Same host, five static files: OS icon fetchers (Add to Dock / Home Screen) carry no session.
IngressFactory("tasks-icons", IngressArgs.on_cluster(
    settings, **common, auth="none",
    auth_reason="Only the PWA icons and web manifest, public static files with no user data; OS icon "
                "fetchers cannot follow the Authentik redirect",
    service_name="tasks", full_host="tasks.viktorbarzin.me",
    dns_type="none",  # the main ingress owns the host
    anti_ai_scraping=False, homepage_enabled=False,
    ingress_path=["/apple-touch-icon.png", "/favicon.png", "/pwa-192x192.png", "/pwa-512x512.png",
                  "/manifest.webmanifest"]), opts=ns_opts)

# The app trusts the identity header Authentik sets, so only Traefik (after forward-auth)
# and the metrics scraper may reach the pod.
k8s.networking.v1.NetworkPolicy(
    "tasks-ingress-netpol", metadata={"name": "tasks-ingress", "namespace": NS},
    spec={"pod_selector": {"match_labels": LABELS}, "policy_types": ["Ingress"], "ingress": [
        {"from": [{"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": source}}}],
         "ports": [{"port": PORT, "protocol": "TCP"}]} for source in ("traefik", "monitoring")]},
    opts=ns_opts)

pulumi.export("host", ingress.host)
