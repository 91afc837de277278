"""Paperless-ngx at pdf.<domain>: documents on an encrypted volume, Office/email via Tika + Gotenberg."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "paperless-ngx"
SECRETS = "paperless-ngx-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["paperless-ngx"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Homepage widget login (Vault secret/paperless-ngx: homepage_credentials, JSON), read from the Secret ESO syncs.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["homepage_credentials"], depends_on=[secrets],
                                         source="Vault secret/paperless-ngx"))
widget_login = {k: json_value(synced["homepage_credentials"], "paperless-ngx", k) for k in ("username", "password")}

# Scanned personal documents: encrypted class.
data = ProxmoxVolume("paperless-ngx-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="80Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

TIKA_URL = f"http://tika.{NS}.svc.cluster.local:9998"
GOTENBERG_URL = f"http://gotenberg.{NS}.svc.cluster.local:3000"

WebApp("paperless-ngx", WebAppArgs(
    namespace=NS,
    tier=c.TIER_EDGE,
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+(?:\.\d+)?(?:\.\d+)?$",
                     "dependency.kyverno.io/wait-for": "mysql.dbaas:3306,redis-master.redis:6379"},
    keel=True,
    strategy="Recreate",  # RWO data volume
    containers=[{
        "name": "paperless-ngx", "image": "ghcr.io/paperless-ngx/paperless-ngx:2.20.14",
        "env": [
            *env({"PAPERLESS_REDIS": f"redis://{settings.redis_host}", "PAPERLESS_REDIS_PREFIX": "paperless-ngx",
                  "PAPERLESS_DBENGINE": "mariadb", "PAPERLESS_DBHOST": settings.mysql_host,
                  "PAPERLESS_DBNAME": "paperless-ngx", "PAPERLESS_DBUSER": "paperless-ngx"}),
            *secret_env(SECRETS, {"PAPERLESS_DBPASS": "db_password"}),
            *env({
                "PAPERLESS_CSRF_TRUSTED_ORIGINS": "https://paperless-ngx.viktorbarzin.me,https://pdf.viktorbarzin.me",
                "PAPERLESS_DEBUG": "false",
                "PAPERLESS_MEDIA_ROOT": "../data",
                "PAPERLESS_OCR_USER_ARGS": '{"invalidate_digital_signatures": true}',
                # Documents are Bulgarian and English; the image lacks the bul language pack,
                # so it is installed at start (PAPERLESS_OCR_LANGUAGES).
                "PAPERLESS_OCR_LANGUAGE": "bul+eng",
                "PAPERLESS_OCR_LANGUAGES": "bul eng",
                "PAPERLESS_TIKA_ENABLED": "1",
                "PAPERLESS_TIKA_ENDPOINT": TIKA_URL,
                "PAPERLESS_TIKA_GOTENBERG_ENDPOINT": GOTENBERG_URL,
                # Documents that already have a text layer need no second, OCR'd archive copy.
                "PAPERLESS_OCR_SKIP_ARCHIVE_FILE": "with_text",
            }),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/usr/src/paperless/data"}],
        # 8Gi is the edge tier's per-container LimitRange ceiling.
        "resources": {"requests": {"cpu": "50m", "memory": "2Gi"}, "limits": {"memory": "8Gi"}},
        "ports": [{"container_port": 8000}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8000, "protocol": "TCP"}],
), opts=ns_opts)

# Stateless converters paperless calls for Office and email documents.
WebApp("gotenberg", WebAppArgs(
    namespace=NS,
    tier=c.TIER_EDGE,
    keel=True,
    containers=[{
        "name": "gotenberg", "image": "docker.io/gotenberg/gotenberg:8.25",
        # args, not command: the image's tini entrypoint stays; the flags are paperless's hardening advice.
        "args": ["gotenberg", "--chromium-disable-javascript=true", "--chromium-allow-list=file:///tmp/.*"],
        "ports": [{"container_port": 3000}],
        "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "1536Mi"}},
        "readiness_probe": {"http_get": {"path": "/health", "port": 3000},
                            "initial_delay_seconds": 5, "period_seconds": 15},
    }],
    service_ports=[{"name": "http", "port": 3000, "target_port": 3000, "protocol": "TCP"}],
), opts=ns_opts)

WebApp("tika", WebAppArgs(
    namespace=NS,
    tier=c.TIER_EDGE,
    keel=True,
    containers=[{
        "name": "tika", "image": "docker.io/apache/tika:3.3.1.0",
        "ports": [{"container_port": 9998}],
        "resources": {"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
        "readiness_probe": {"http_get": {"path": "/tika", "port": 9998},
                            "initial_delay_seconds": 10, "period_seconds": 15},
    }],
    service_ports=[{"name": "http", "port": 9998, "target_port": 9998, "protocol": "TCP"}],
), opts=ns_opts)

ingress = IngressFactory("paperless-ngx", IngressArgs.on_cluster(
    settings,
    namespace=NS, host="pdf", port=80, auth="app",
    auth_reason="Paperless's own login gates the web UI; its mobile app calls /api/* with a token "
                "and cannot follow a forward-auth redirect",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/description": "Document library",
        "gethomepage.dev/group": "Productivity", "gethomepage.dev/icon": "paperless-ngx.png",
        "gethomepage.dev/name": "Paperless-ngx", "gethomepage.dev/widget.type": "paperlessngx",
        "gethomepage.dev/widget.url": f"http://paperless-ngx.{NS}.svc.cluster.local",
        "gethomepage.dev/widget.username": widget_login["username"],
        "gethomepage.dev/widget.password": widget_login["password"],
        "gethomepage.dev/widget.fields": '["total"]',
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
