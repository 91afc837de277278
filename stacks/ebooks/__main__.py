"""Books and audiobooks: Calibre-Web-Automated, Anna's Archive Stacks, Audiobookshelf,
book search and the Goodreads -> Calibre auto-ingest, all in the `ebooks` namespace."""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "ebooks"
CALIBRE = "calibre-secrets"
ABS = "audiobookshelf-secrets"
SERVARR = "servarr-secrets"
DB_CREDS = "goodreads-sync-db-creds"
RELOADER_SEARCH = {"reloader.stakater.com/search": "true"}

# Operator switches (upstream variables with their defaults).
GOODREADS_SHELF_ID = "6"
GOODREADS_KINDLE_EMAIL = "ancaelena98_4RMJsy@kindle.com"
GOODREADS_DOWNLOADS_ENABLED = "true"
# VPN egress pilot for book search; "" keeps traffic on the home IP (the measured pilot showed no gain).
BOOK_SEARCH_PROXY_URL = ""

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

calibre_secrets = ExternalSecret(CALIBRE, ExternalSecretArgs(namespace=NS, extract=["calibre"]), opts=ns_opts)
abs_secrets = ExternalSecret(ABS, ExternalSecretArgs(namespace=NS, extract=["audiobookshelf"]), opts=ns_opts)
ExternalSecret(SERVARR, ExternalSecretArgs(namespace=NS, extract=["servarr"]), opts=ns_opts)
# Rotated Postgres password from the Vault database engine, rendered into a connection URL.
ExternalSecret(DB_CREDS, ExternalSecretArgs(
    namespace=NS, store="vault-database",
    template={"metadata": {"annotations": {"reloader.stakater.com/match": "true"}},
              "data": {"GOODREADS_DATABASE_URL": "postgresql://goodreads_sync:{{ .password }}"
                                                 "@postgresql.dbaas.svc.cluster.local:5432/goodreads_sync"}},
    data=[SecretKey(secret_key="password", key="database/static-creds/pg-goodreads-sync", property="password")]),
    opts=ns_opts)

# Homepage widget logins (JSON in `homepage_credentials`) read back from the Secrets ESO syncs.
calibre_login = read_live(CALIBRE, LiveReadArgs(namespace=NS, keys=["homepage_credentials"], depends_on=[calibre_secrets],
                                                source="Vault secret/calibre"))["homepage_credentials"]
abs_login = read_live(ABS, LiveReadArgs(namespace=NS, keys=["homepage_credentials"], depends_on=[abs_secrets],
                                        source="Vault secret/audiobookshelf"))["homepage_credentials"]


def nfs(name: str, path: str) -> NfsVolume:
    return NfsVolume(name, NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server, nfs_path=path), opts=ns_opts)


library = nfs("ebooks-calibre-library-host", "/srv/nfs/calibre-web-automated/calibre-library")
ingest = nfs("ebooks-calibre-ingest-host", "/srv/nfs/calibre-web-automated/cwa-book-ingest")
mam_farming = nfs("ebooks-mam-farming-host", "/srv/nfs/servarr/mam-farming")
stacks_config = nfs("ebooks-calibre-stacks-config-host", "/srv/nfs/calibre-web-automated/stacks")
audiobooks = nfs("ebooks-abs-audiobooks-host", "/srv/nfs/audiobookshelf/audiobooks")
podcasts = nfs("ebooks-abs-podcasts-host", "/srv/nfs/audiobookshelf/podcasts")
abs_metadata = nfs("ebooks-abs-metadata-host", "/srv/nfs/audiobookshelf/metadata")
# SQLite databases on block storage (WAL needs a local filesystem). Calibre's claim waits for binding.
calibre_config = ProxmoxVolume("ebooks-calibre-config-proxmox", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="10Gi", increase="50%", wait_until_bound=True), opts=ns_opts)
abs_config = ProxmoxVolume("ebooks-abs-config-proxmox", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", increase="100%"), opts=ns_opts)


def claim(name: str, volume) -> dict:
    return {"name": name, "persistent_volume_claim": {"claim_name": volume.claim_name}}


def http_probe(path: str, port: int, **timing) -> dict:
    return {"http_get": {"path": path, "port": port}, **timing}


# --- Calibre-Web-Automated -------------------------------------------------------------
CWA_IMAGE = "viktorbarzin/calibre-web-automated:latest"
WebApp("calibre-web-automated", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, keel=True, strategy="Recreate", annotations=RELOADER_SEARCH,
    pod_annotations={"diun.enable": "false", "diun.include_tags": "^\\d+(?:\\.\\d+)?(?:\\.\\d+)?$"},
    # Re-seeds the Fernet-encrypted SMTP password in app.db from Vault on every start, so a
    # lost /config/.key cannot silently disable "Send to Kindle" again.
    init_containers=[{
        "name": "seed-smtp-password", "image": CWA_IMAGE,
        "command": ["python3", "-c", load_payload(Path(__file__).parent, "seed-smtp-password.py")],
        "env": secret_env(CALIBRE, {"SMTP_PASSWORD": "smtp_password"}),
        "security_context": {"run_as_user": 1000, "run_as_group": 1000},
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
        "volume_mounts": [{"name": "config", "mount_path": "/config"}],
    }],
    containers=[{
        "name": "calibre-web-automated", "image": CWA_IMAGE,
        # NETWORK_SHARE_MODE: the ingest dir is NFS written by book-search; inotify cannot see it.
        "env": env({"PUID": 1000, "PGID": 1000, "NO_CHOWN": "true", "CALIBRE_PORT": "8083",
                    "NETWORK_SHARE_MODE": "true"}),
        "ports": [{"container_port": 8083}],
        "startup_probe": http_probe("/", 8083, initial_delay_seconds=10, timeout_seconds=5, period_seconds=5,
                                    failure_threshold=24),
        "liveness_probe": http_probe("/", 8083, timeout_seconds=10, period_seconds=30, failure_threshold=6),
        "resources": {"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
        "volume_mounts": [{"name": "config", "mount_path": "/config"},
                          {"name": "library", "mount_path": "/calibre-library"},
                          {"name": "ingest", "mount_path": "/cwa-book-ingest"}],
    }],
    volumes=[claim("library", library), claim("config", calibre_config), claim("ingest", ingest)],
    service_name="calibre", service_labels={"app": "calibre"},
    service_ports=[{"name": "http", "port": 80, "target_port": 8083, "protocol": "TCP"}],
), opts=ns_opts)

IngressFactory("calibre", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/description": "Book library",
        "gethomepage.dev/group": "Media & Entertainment",
        "gethomepage.dev/icon": "calibre-web.png",
        "gethomepage.dev/name": "Calibre",
        "gethomepage.dev/widget.type": "calibreweb",
        "gethomepage.dev/widget.url": "http://calibre.ebooks.svc.cluster.local",
        "gethomepage.dev/widget.username": json_value(calibre_login, "calibre-web", "username"),
        "gethomepage.dev/widget.password": json_value(calibre_login, "calibre-web", "password"),
        "gethomepage.dev/pod-selector": "",
    }), opts=ns_opts)

# --- Anna's Archive download manager ---------------------------------------------------
# Always on (not Sablier-enrolled): book search calls it through its ClusterIP, which can never wake it.
WebApp("annas-archive-stacks", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, keel=True,
    containers=[{
        "name": "annas-archive-stacks", "image": "zelest/stacks:latest",
        "resources": {"requests": {"cpu": "10m", "memory": "384Mi"}, "limits": {"memory": "384Mi"}},
        "ports": [{"container_port": 7788}],
        "liveness_probe": http_probe("/api/version", 7788, initial_delay_seconds=15, period_seconds=30,
                                     timeout_seconds=5, failure_threshold=3),
        "volume_mounts": [{"name": "config", "mount_path": "/opt/stacks/config"},
                          {"name": "ingest", "mount_path": "/opt/stacks/download"}],
    }],
    volumes=[claim("config", stacks_config), claim("ingest", ingest)],
    service_ports=[{"name": "http", "port": 80, "target_port": 7788}],
), opts=ns_opts)

IngressFactory("stacks", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="annas-archive-stacks", auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "false"}), opts=ns_opts)

# --- Audiobookshelf --------------------------------------------------------------------
healthcheck = {"http_get": {"path": "/healthcheck", "port": 80}}
WebApp("audiobookshelf", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, keel=True, strategy="Recreate", annotations=RELOADER_SEARCH,
    containers=[{
        "name": "audiobookshelf", "image": "ghcr.io/advplyr/audiobookshelf:2.33.1",
        "ports": [{"container_port": 80}],
        "liveness_probe": {**healthcheck, "initial_delay_seconds": 15, "period_seconds": 30, "timeout_seconds": 5,
                           "failure_threshold": 5},
        "readiness_probe": {**healthcheck, "initial_delay_seconds": 5, "period_seconds": 30, "timeout_seconds": 5,
                            "failure_threshold": 3},
        "volume_mounts": [{"name": "audiobooks", "mount_path": "/audiobooks"},
                          {"name": "podcasts", "mount_path": "/podcasts"},
                          {"name": "config", "mount_path": "/config"},
                          {"name": "metadata", "mount_path": "/metadata"}],
        # The 512Mi ceiling is for library scans that import new books (OOMKilled at 256Mi); keep it.
        "resources": {"requests": {"cpu": "15m", "memory": "64Mi"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[claim("audiobooks", audiobooks), claim("podcasts", podcasts), claim("config", abs_config),
             claim("metadata", abs_metadata)],
    service_ports=[{"name": "http", "port": 80, "target_port": 80, "protocol": "TCP"}],
), opts=ns_opts)

IngressFactory("audiobookshelf", IngressArgs.on_cluster(
    settings, namespace=NS, auth="app", dns_type="non-proxied",
    auth_reason="Audiobookshelf has its own login and API tokens for the iOS/Android apps, which a "
                "forward-auth redirect breaks",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Audiobookshelf",
        "gethomepage.dev/description": "Audiobook library",
        "gethomepage.dev/icon": "audiobookshelf.png",
        "gethomepage.dev/group": "Media & Entertainment",
        "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "audiobookshelf",
        "gethomepage.dev/widget.url": "http://audiobookshelf.ebooks.svc.cluster.local",
        "gethomepage.dev/widget.key": json_value(abs_login, "audiobookshelf", "token"),
    }), opts=ns_opts)

# --- Book search -----------------------------------------------------------------------
BOOK_SEARCH_IMAGE = "viktorbarzin/book-search:latest"
book_search_env = [
    *env({"QBITTORRENT_URL": "http://qbittorrent.servarr.svc.cluster.local",
          "GOODREADS_SHELF_ID": GOODREADS_SHELF_ID, "GOODREADS_KINDLE_EMAIL": GOODREADS_KINDLE_EMAIL}),
    *secret_env(SERVARR, {"QBITTORRENT_PASS": "qbittorrent_password"}),
    *env({"AUDIOBOOKSHELF_URL": "http://audiobookshelf.ebooks.svc.cluster.local"}),
    *secret_env(SERVARR, {"AUDIOBOOKSHELF_TOKEN": "audiobookshelf_api_token", "MAM_EMAIL": "mam_email",
                          "MAM_PASSWORD": "mam_password"}),
    *env({"CWA_INGEST_PATH": "/cwa-book-ingest"}),
    *secret_env(SERVARR, {"MAM_ID": "mam_id"}, optional=True),
    *env({"MAM_ID_FILE": "/mam-farming/mam_id"}),
    *secret_env(CALIBRE, {"API_KEY": "book_search_api_key"}),
    *env({"SHORTCUT_ICLOUD_URL": "", "STACKS_DB_PATH": "/stacks-config/queue.db", "CALIBRE_WEB_USER": "admin"}),
    *secret_env(CALIBRE, {"CALIBRE_WEB_PASS": "calibre_web_password"}),
    # The in-cluster submission port (587 on the ClusterIP), not the public HAProxy path.
    *env({"SMTP_HOST": "mailserver.mailserver.svc.cluster.local", "SMTP_PORT": "587",
          "SMTP_USER": "calibre-web@viktorbarzin.me", "SMTP_FROM": "Calibre-Web <calibre-web@viktorbarzin.me>"}),
    *secret_env(CALIBRE, {"SMTP_PASS": "smtp_password", "SLACK_WEBHOOK_URL": "slack_webhook_url"}),
    # Proxy vars stay declared with an empty value while the pilot is off; NO_PROXY is then inert.
    *env({"ALL_PROXY": BOOK_SEARCH_PROXY_URL, "HTTP_PROXY": BOOK_SEARCH_PROXY_URL,
          "HTTPS_PROXY": BOOK_SEARCH_PROXY_URL,
          "NO_PROXY": ".svc.cluster.local,.cluster.local,localhost,127.0.0.1,myanonamouse.net,.viktorbarzin.me"}),
]
WebApp("book-search", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, keel=True,
    containers=[{
        "name": "book-search", "image": BOOK_SEARCH_IMAGE,
        "ports": [{"container_port": 8000}],
        "env": book_search_env,
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "liveness_probe": http_probe("/health", 8000, initial_delay_seconds=10, period_seconds=30),
        "volume_mounts": [{"name": "cwa-ingest", "mount_path": "/cwa-book-ingest"},
                          {"name": "audiobooks", "mount_path": "/audiobooks"},
                          {"name": "stacks-config", "mount_path": "/stacks-config"},
                          {"name": "calibre-library", "mount_path": "/calibre-library"},
                          {"name": "mam-farming", "mount_path": "/mam-farming", "read_only": True}],
    }],
    volumes=[claim("cwa-ingest", ingest), claim("audiobooks", audiobooks), claim("calibre-library", library),
             claim("stacks-config", stacks_config), claim("mam-farming", mam_farming)],
    service_ports=[{"name": "http", "port": 80, "target_port": 8000}],
), opts=ns_opts)

IngressFactory("book-search", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Book Search",
        "gethomepage.dev/description": "Search & download books",
        "gethomepage.dev/icon": "audiobookshelf.png",
        "gethomepage.dev/group": "Media & Entertainment",
        "gethomepage.dev/pod-selector": "",
    }), opts=ns_opts)

IngressFactory("book-search-api", IngressArgs.on_cluster(
    settings, namespace=NS, host="book-search", service_name="book-search", homepage_enabled=False,
    auth="none", auth_reason="book search API endpoints check an API key in the backend; forward-auth would "
                             "block the download and Kindle shortcuts",
    ingress_path=["/api/download-url", "/api/download-status", "/api/send-to-kindle", "/shortcut"]), opts=ns_opts)

# --- Goodreads -> Calibre auto-ingest --------------------------------------------------
# Polls Anca's to-read shelf (ETag-cheap) and hands new books to book search. One writer only.
proxy_env = [] if not BOOK_SEARCH_PROXY_URL else env({
    "HTTPS_PROXY": BOOK_SEARCH_PROXY_URL,
    "NO_PROXY": ".svc.cluster.local,.cluster.local,localhost,127.0.0.1,.viktorbarzin.me"})
WebApp("goodreads-sync", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, strategy="Recreate",
    containers=[{
        "name": "goodreads-sync", "image": BOOK_SEARCH_IMAGE,
        "command": ["python3", "-m", "backend.goodreads.runner"],
        "env": [
            *env({"GOODREADS_USER_ID": "33074940", "GOODREADS_SHELF": "to-read", "GOODREADS_POLL_SECONDS": "120",
                  "GOODREADS_DOWNLOADS_ENABLED": GOODREADS_DOWNLOADS_ENABLED, "GOODREADS_SHELF_ID": GOODREADS_SHELF_ID,
                  "BOOK_SEARCH_URL": "http://book-search.ebooks.svc.cluster.local"}),
            *secret_env(CALIBRE, {"API_KEY": "book_search_api_key", "SLACK_WEBHOOK_URL": "slack_webhook_url"}),
            *proxy_env,
        ],
        "env_from": [{"secret_ref": {"name": DB_CREDS}}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    }],
), opts=ns_opts)
