"""Health dashboard: SvelteKit + FastAPI on Postgres, three hosts (Authentik UI, LAN test host, ingest API)."""

import pulumi

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "health"
KV = "health-kv-secrets"
DB = "health-db-secrets"
GROUP = "health"
HIDDEN_TILE = {"gethomepage.dev/enabled": "false"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

uploads = ProxmoxVolume("health-uploads-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

WebApp("health", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    sablier_group=GROUP,
    strategy="Recreate",  # RWO uploads volume
    annotations={"reloader.stakater.com/auto": "true"},
    pod_annotations={"dependency.kyverno.io/wait-for": "postgresql.dbaas:5432"},
    containers=[{
        "name": "health",
        "image": "viktorbarzin/health:latest",
        "ports": [{"container_port": 3000}],
        "env": [
            *secret_env(DB, {"DATABASE_URL": "DATABASE_URL"}),
            *secret_env(KV, {"SECRET_KEY": "secret_key"}),
            *env({"UPLOAD_DIR": "/data/uploads", "WEBAUTHN_RP_ID": "health.viktorbarzin.me",
                  "WEBAUTHN_ORIGIN": "https://health.viktorbarzin.me", "COOKIE_SECURE": "true"}),
            # Web Push (VAPID) identity for rest-timer notifications; the app turns the feature
            # off when any of the three is missing.
            *secret_env(KV, {"PUSH_VAPID_PRIVATE_KEY": "push_vapid_private_key",
                             "PUSH_VAPID_PUBLIC_KEY": "push_vapid_public_key",
                             "PUSH_VAPID_SUBJECT": "push_vapid_subject"}),
            # The identity used when no X-authentik-email header arrives: only on the LAN test
            # host, since the public host's forward-auth always sets the header.
            *env({"DEV_AUTH_EMAIL": "vbarzin@gmail.com"}),
        ],
        "volume_mounts": [{"name": "uploads", "mount_path": "/data/uploads"}],
        "resources": {"requests": {"memory": "256Mi", "cpu": "15m"}, "limits": {"memory": "256Mi"}},
    }],
    volumes=[{"name": "uploads", "persistent_volume_claim": {"claim_name": uploads.claim_name}}],
    service_ports=[
        {"name": "http", "port": 80, "target_port": 3000},
        # FastAPI directly, for the ingest host only (skips the web tier's CSRF guard).
        {"name": "api", "port": 8000, "target_port": 8000},
    ],
), opts=ns_opts)

ingress = IngressFactory("health", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="non-proxied",
    sablier=Sablier(group=GROUP),
    max_body_size="100m",
    # A page load bursts past the shared limiter; a health-specific one replaces it.
    skip_default_rate_limit=True,
    extra_middlewares=[c.MW_HEALTH_RATE_LIMIT],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Health",
        "gethomepage.dev/description": "Health dashboard",
        "gethomepage.dev/icon": "healthchecks.png",
        "gethomepage.dev/group": "Core Platform",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

IngressFactory("health-test", IngressArgs(
    tls_secret_name=settings.tls_secret_name,
    dns=settings.dns,
    root_domain="viktorbarzin.lan",  # LAN-only name, resolved by the home DNS
    namespace=NS,
    service_name="health",
    auth="none",
    auth_reason="LAN-only test host (local-only allow list, .lan domain) for end-to-end tests and screenshots; "
                "it serves the app as DEV_AUTH_EMAIL because no Authentik header is injected",
    allow_local_access_only=True,
    sablier=Sablier(group=GROUP),
    max_body_size="100m",
    anti_ai_scraping=False,
    extra_annotations=HIDDEN_TILE,
), opts=ns_opts)

IngressFactory("health-api", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="health",
    auth="none",
    auth_reason="push-ingest endpoint for iOS Shortcuts, which cannot pass forward-auth: the app checks a "
                "per-user hashed bearer token, strip-auth-headers drops spoofed X-authentik-* headers and "
                "only /api/ingest is routed on this host",
    dns_type="non-proxied",
    # A programmatic POST must be held while the pod wakes, never answered with the wake page.
    sablier=Sablier(group=GROUP, strategy="blocking"),
    ingress_path=["/api/ingest"],
    port=8000,
    max_body_size="5m",
    extra_middlewares=[c.MW_STRIP_AUTH_HEADERS],
    extra_annotations=HIDDEN_TILE,
), opts=ns_opts)

# The Postgres URL from the rotated static role. Note the host: the dbaas Service, as upstream.
DatabaseCredentials(DB, DatabaseCredentialsArgs(
    namespace=NS, role="pg-health", password_key="db_password",
    template={"DATABASE_URL": database_url("postgresql+asyncpg", user="health",
                                           host="postgresql.dbaas.svc.cluster.local", port=5432, database="health")},
), opts=ns_opts)
ExternalSecret(KV, ExternalSecretArgs(
    namespace=NS,
    data=[SecretKey(secret_key=k, key="health", property=k)
          for k in ("secret_key", "push_vapid_private_key", "push_vapid_public_key", "push_vapid_subject")],
), opts=ns_opts)

pulumi.export("host", ingress.host)
