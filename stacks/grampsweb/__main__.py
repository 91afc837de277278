"""Gramps Web family tree (web app + Celery worker on one encrypted volume), parked, home networks only."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.random_secret import random_password
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "grampsweb"
SECRETS = "grampsweb-secrets"
IMAGE = "ghcr.io/gramps-project/grampsweb:latest"
MAIL_USER = "info@viktorbarzin.me"
REDIS = f"redis://{settings.redis_host}:6379"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["grampsweb"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# SMTP password: `mailserver_accounts` (JSON {address: password}) of the synced Secret.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["mailserver_accounts"], depends_on=[secrets],
                                         source="Vault secret/grampsweb"))
data = ProxmoxVolume("grampsweb-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
secret_key = random_password("secret-key", length=64, special=False)

# The web app and its worker share configuration and every data directory.
COMMON_ENV = [
    *env({"GRAMPSWEB_TREE": "Gramps Web"}),
    {"name": "GRAMPSWEB_SECRET_KEY", "value": secret_key.result},
    *env({
        "GRAMPSWEB_CELERY_CONFIG__broker_url": f"{REDIS}/2",
        "GRAMPSWEB_CELERY_CONFIG__result_backend": f"{REDIS}/2",
        "GRAMPSWEB_RATELIMIT_STORAGE_URI": f"{REDIS}/3",
        "GRAMPSWEB_BASE_URL": "https://family.viktorbarzin.me",
        "GRAMPSWEB_REGISTRATION_DISABLED": "True",
        "GRAMPSWEB_EMAIL_HOST": settings.mail_host,
        "GRAMPSWEB_EMAIL_PORT": "587",
        "GRAMPSWEB_EMAIL_HOST_USER": MAIL_USER,
    }),
    {"name": "GRAMPSWEB_EMAIL_HOST_PASSWORD", "value": json_value(synced["mailserver_accounts"], MAIL_USER)},
    *env({"GRAMPSWEB_EMAIL_USE_SSL": "False", "GRAMPSWEB_EMAIL_USE_STARTTLS": "True",
          "GRAMPSWEB_DEFAULT_FROM_EMAIL": MAIL_USER}),
]
DATA_MOUNTS = [
    {"name": "data", "mount_path": path, "sub_path": sub}
    for path, sub in (("/app/users", "users"), ("/app/indexdir", "indexdir"),
                      ("/app/thumbnail_cache", "thumbnail_cache"), ("/app/cache", "cache"),
                      ("/app/secret", "secret"), ("/root/.gramps/grampsdb", "grampsdb"),
                      ("/app/media", "media"), ("/tmp", "tmp"))
]

WebApp("grampsweb", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    keel_containers=[0, 1],
    sablier_group="grampsweb",
    # Parked: ~1.8 GB in use and rarely visited; Sablier wakes it on demand.
    replicas=0,
    strategy="Recreate",  # RWO volume
    pod_annotations={"dependency.kyverno.io/wait-for": "redis-master.redis:6379"},
    containers=[
        {
            "name": "grampsweb", "image": IMAGE,
            "ports": [{"container_port": 5000}],
            "env": COMMON_ENV, "volume_mounts": DATA_MOUNTS,
            "resources": {"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        },
        {
            "name": "grampsweb-celery", "image": IMAGE,
            "command": ["celery", "-A", "gramps_webapi.celery", "worker", "--loglevel=INFO", "--concurrency=2"],
            "env": COMMON_ENV, "volume_mounts": DATA_MOUNTS,
            "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
        },
    ],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 5000}],
), opts=ns_opts)

ingress = IngressFactory("family", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="grampsweb",
    auth="required",
    sablier=Sablier(group="grampsweb"),
    max_body_size="500m",
    # An internal A record shadows the public wildcard, and home-lans-only enforces the
    # same boundary at Traefik: the family tree is not reachable from outside.
    dns_type="internal",
    extra_middlewares=[c.MW_HOME_LANS_ONLY],
    external_monitor=False,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "GrampsWeb",
        "gethomepage.dev/description": "Family tree",
        "gethomepage.dev/icon": "gramps-web.png",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
