"""Tandoor recipe manager: Django app on the shared Postgres, media on NFS, scale-to-zero."""

import base64

import pulumi

from components.constants import TIER_AUX
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.random_secret import random_password
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "tandoor"
SECRETS = "tandoor-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["tandoor"]), opts=ns_opts)
secret_key = random_password("secret-key", length=128, special=False)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("tandoor-data-nfs", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                   nfs_path="/srv/nfs/tandoor", storage="5Gi"), opts=ns_opts)

WebApp("tandoor", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    sablier_group="tandoor",
    strategy="Recreate",
    annotations={"reloader.stakater.com/auto": "true"},
    pod_annotations={"dependency.kyverno.io/wait-for": "postgresql.dbaas:5432"},
    containers=[{
        "name": "recipes",
        "image": "vabene1111/recipes:1.5.27",
        "image_pull_policy": "IfNotPresent",
        "env": [
            {"name": "SECRET_KEY", "value": secret_key.result.apply(lambda v: base64.b64encode(v.encode()).decode())},
            *env({"DB_ENGINE": "django.db.backends.postgresql", "POSTGRES_HOST": settings.postgresql_host,
                  "POSTGRES_PORT": 5432, "POSTGRES_USER": "tandoor"}),
            *secret_env(SECRETS, {"POSTGRES_PASSWORD": "db_password"}),
            *env({"TANDOOR_PORT": 8080, "ENABLE_SIGNUP": 1, "ALLOWED_HOSTS": "tandoor.viktorbarzin.me",
                  "POSTGRES_DB": "tandoor", "EMAIL_HOST": settings.mail_host, "EMAIL_HOST_USER": "info@viktorbarzin.me"}),
            *secret_env(SECRETS, {"EMAIL_HOST_PASSWORD": "email_password"}, optional=True),
            *env({"EMAIL_USE_TLS": "1", "DEFAULT_FROM_EMAIL": "info@viktorbarzin.me", "EMAIL_PORT": 587}),
        ],
        "ports": [{"name": "http", "container_port": 8080, "protocol": "TCP"}],
        "volume_mounts": [
            {"name": "data", "mount_path": "/opt/recipes/mediafiles"},
            {"name": "data", "mount_path": "/opt/recipes/staticfiles"},
        ],
        "resources": {"requests": {"cpu": "25m", "memory": "384Mi"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"port": 80, "target_port": 8080}],
), opts=ns_opts)

ingress = IngressFactory("tandoor", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="app",
    auth_reason="Django session and API-token auth; the mobile clients call /api/* with tokens that forward-auth would redirect",
    dns_type="proxied",
    sablier=Sablier(group="tandoor"),
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Tandoor",
        "gethomepage.dev/description": "Recipe manager",
        "gethomepage.dev/icon": "tandoor-recipes.png",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
