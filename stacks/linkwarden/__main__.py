"""Linkwarden bookmark manager: NextAuth via Authentik OIDC, rotated Postgres creds, encrypted archive volume."""

import pulumi
import pulumi_random as random

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.random_secret import GENERATION_FIELDS
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "linkwarden"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret("linkwarden-secrets", ExternalSecretArgs(namespace=NS, extract=["linkwarden"]), opts=ns_opts)
DatabaseCredentials("linkwarden-db-creds", DatabaseCredentialsArgs(
    namespace=NS, role="pg-linkwarden", reload_match=True,
    template={"DATABASE_URL": database_url("postgresql", user="linkwarden", host=settings.postgresql_host,
                                           port=5432, database="linkwarden"),
              "DB_PASSWORD": PASSWORD}), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
# NextAuth session secret; generation flags only matter at creation (see components.random_secret).
nextauth_secret = random.RandomString("secret", length=32, special=True, override_special="/@£$",
                                      opts=pulumi.ResourceOptions(ignore_changes=list(GENERATION_FIELDS)))

# Homepage widget key (Vault secret/linkwarden: homepage_credentials, JSON), read from the Secret ESO syncs.
synced = read_live("linkwarden-secrets", LiveReadArgs(namespace=NS, keys=["homepage_credentials"], depends_on=[secrets],
                                                      source="Vault secret/linkwarden"))

# Page archives are personal browsing history (encrypted class); regenerable from the URLs in Postgres.
archives = ProxmoxVolume("linkwarden-archives-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="10Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

WebApp("linkwarden", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^v?\d+\.\d+\.\d+$",
                     "dependency.kyverno.io/wait-for": "postgresql.dbaas:5432"},
    keel=True,
    strategy="Recreate",  # RWO archive volume: a rolling pod would wait on it forever
    containers=[{
        "name": "linkwarden", "image": "ghcr.io/linkwarden/linkwarden:v2.14.0",
        "ports": [{"container_port": 3000}],
        "env": [
            *secret_env("linkwarden-db-creds", {"DATABASE_URL": "DATABASE_URL"}),
            # STORAGE_FOLDER absolute, so archives land on the claim (the default is relative).
            *env({"NEXT_PUBLIC_AUTHENTIK_ENABLED": "true", "STORAGE_FOLDER": "/storage"}),
            {"name": "NEXTAUTH_SECRET", "value": nextauth_secret.result},
            *env({"NEXTAUTH_URL": "https://linkwarden.viktorbarzin.me/api/v1/auth",
                  "AUTHENTIK_ISSUER": "https://authentik.viktorbarzin.me/application/o/linkwarden"}),
            *secret_env("linkwarden-secrets", {"AUTHENTIK_CLIENT_ID": "authentik_client_id",
                                               "AUTHENTIK_CLIENT_SECRET": "authentik_client_secret"}),
        ],
        "volume_mounts": [{"name": "archives", "mount_path": "/storage"}],
        "resources": {"requests": {"cpu": "50m", "memory": "1Gi"}, "limits": {"memory": "1280Mi"}},
    }],
    volumes=[{"name": "archives", "persistent_volume_claim": {"claim_name": archives.claim_name}}],
    service_ports=[{"name": "linkwarden", "port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory("linkwarden", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="app",
    auth_reason="Linkwarden's NextAuth login (Authentik OIDC) gates users; its mobile clients call /api/* "
                "and cannot follow a forward-auth redirect",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Linkwarden",
        "gethomepage.dev/description": "Bookmark manager", "gethomepage.dev/icon": "linkwarden.png",
        "gethomepage.dev/group": "Productivity", "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "linkwarden",
        "gethomepage.dev/widget.url": "http://linkwarden.linkwarden.svc.cluster.local",
        "gethomepage.dev/widget.key": json_value(synced["homepage_credentials"], "linkwarden", "api_key"),
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
