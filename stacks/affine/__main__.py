"""AFFiNE knowledge base: migrations in an init container, data on one encrypted volume, woken by Sablier."""

import pulumi

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "affine"
SECRETS = "affine-secrets"
DB_CREDS = "affine-db-creds"
IMAGE = "ghcr.io/toeverything/affine:0.26.6"
MAIL_USER = "info@viktorbarzin.me"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["affine"]), opts=ns_opts)
# SMTP password: `mailserver_accounts` (JSON {address: password}) of the synced Secret.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["mailserver_accounts"], depends_on=[secrets],
                                         source="Vault secret/affine"))
DatabaseCredentials(DB_CREDS, DatabaseCredentialsArgs(
    namespace=NS, role="pg-affine",
    template={"DATABASE_URL": database_url("postgresql", user="affine", host=settings.postgresql_host,
                                           port=5432, database="affine")},
), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = ProxmoxVolume("affine-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

# The migration step and the server run with the same configuration and mounts.
ENV = [
    *env({
        "REDIS_SERVER_HOST": settings.redis_host,
        "AFFINE_INDEXER_ENABLED": "false",
        "NODE_OPTIONS": "--max-old-space-size=4096",
        "AFFINE_SERVER_EXTERNAL_URL": "https://affine.viktorbarzin.me",
        "AFFINE_SERVER_HTTPS": "true",
        "MAILER_HOST": settings.mail_host,
        "MAILER_PORT": "587",
        "MAILER_USER": MAIL_USER,
    }),
    {"name": "MAILER_PASSWORD", "value": json_value(synced["mailserver_accounts"], MAIL_USER)},
    *env({"MAILER_SENDER": f"AFFiNE <{MAIL_USER}>"}),
    *secret_env(DB_CREDS, {"DATABASE_URL": "DATABASE_URL"}),
]
MOUNTS = [{"name": "data", "mount_path": "/root/.affine/storage", "sub_path": "storage"},
          {"name": "data", "mount_path": "/root/.affine/config", "sub_path": "config"}]
RESOURCES = {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}}


def info_probe(*, delay: int, period: int, timeout: int) -> dict:
    return {"http_get": {"path": "/info", "port": 3010}, "initial_delay_seconds": delay,
            "period_seconds": period, "timeout_seconds": timeout}


WebApp("affine", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    # Sync runs over WebSockets, which do not refresh the Sablier session: a long pure-typing
    # session can be parked mid-use; AFFiNE is local-first and re-syncs (accepted upstream).
    sablier_group="affine",
    strategy="Recreate",  # RWO volume
    annotations={"reloader.stakater.com/auto": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+\.\d+\.\d+$",
                     "dependency.kyverno.io/wait-for": "postgresql.dbaas:5432,redis-master.redis:6379"},
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    init_containers=[{
        "name": "migration", "image": IMAGE,
        "command": ["sh", "-c", "npx prisma migrate deploy && SERVER_FLAVOR=script node ./dist/main.js run"],
        "env": ENV, "volume_mounts": MOUNTS, "resources": RESOURCES,
    }],
    containers=[{
        "name": "affine", "image": IMAGE,
        "ports": [{"container_port": 3010}],
        "env": ENV, "volume_mounts": MOUNTS, "resources": RESOURCES,
        "liveness_probe": info_probe(delay=120, period=30, timeout=10),
        "readiness_probe": info_probe(delay=60, period=10, timeout=5),
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3010}],
), opts=ns_opts)

ingress = IngressFactory("affine", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="app",
    auth_reason="AFFiNE's own workspace login gates users; its desktop and mobile sync clients call the "
                "bearer-token API, which a forward-auth redirect broke",
    dns_type="non-proxied",
    # Blocking: the sync clients would take a loading page for a corrupt API response.
    sablier=Sablier(group="affine", strategy="blocking"),
    max_body_size="500m",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Affine",
        "gethomepage.dev/description": "Knowledge base",
        "gethomepage.dev/icon": "affine.png",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
