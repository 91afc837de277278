"""Matrix homeserver (tuwunel): RocksDB on an encrypted block volume, federation through Cloudflare on 443."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.tls_secret import cluster_tls_secret
from components.traefik_middleware import TraefikMiddleware, TraefikMiddlewareArgs
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "matrix"
HOST = "matrix.viktorbarzin.me"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# secret/matrix holds the registration token, kept for re-opening registration; the pod reads nothing from it today.
ExternalSecret("matrix-secrets", ExternalSecretArgs(namespace=NS, extract=["matrix"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
# Many small RocksDB writes: local SSD (encrypted class), not NFS.
data = ProxmoxVolume("matrix-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

WebApp("matrix", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",  # RWO volume
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^v\d+\.\d+\.\d+$"},
    # fsGroup lets the non-root binary (uid 1000) write the freshly formatted volume.
    pod_spec={"security_context": {"run_as_user": 1000, "run_as_group": 1000, "fs_group": 1000}},
    containers=[{
        "name": "matrix",
        "image": "ghcr.io/matrix-construct/tuwunel:v1.7.1",
        "ports": [{"container_port": 8008}],
        "env": env({
            "TUWUNEL_SERVER_NAME": HOST,
            "TUWUNEL_DATABASE_PATH": "/var/lib/tuwunel",
            "TUWUNEL_PORT": 8008,
            "TUWUNEL_ADDRESS": "0.0.0.0",
            "TUWUNEL_ALLOW_FEDERATION": "true",
            "TUWUNEL_TRUSTED_SERVERS": jsonencode(["matrix.org"]),
            # Closed: accounts are created by the admin in the admin room.
            "TUWUNEL_ALLOW_REGISTRATION": "false",
            # 50 MiB, under Cloudflare's proxied request limit.
            "TUWUNEL_MAX_REQUEST_SIZE": 52428800,
            "TUWUNEL_WELL_KNOWN__CLIENT": f"https://{HOST}",
            "TUWUNEL_WELL_KNOWN__SERVER": f"{HOST}:443",
            # Trusted only because both ingresses run real-ip first, which rewrites the
            # header from the TCP peer (the origin is also reachable around Cloudflare).
            "TUWUNEL_IP_SOURCE": "cf_connecting_ip",
            "TUWUNEL_LOG": "warn,tuwunel=info",
        }),
        "volume_mounts": [{"name": "data", "mount_path": "/var/lib/tuwunel"}],
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8008}],
), opts=ns_opts)

ingress = IngressFactory("matrix", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Matrix client-server and federation APIs authenticate with bearer tokens and signed "
                "requests; native clients and other homeservers cannot pass a forward-auth login",
    dns_type="proxied",
    extra_middlewares=[c.MW_REAL_IP],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Matrix",
        "gethomepage.dev/description": "Secure messaging (tuwunel)",
        "gethomepage.dev/icon": "matrix.png",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# A global cap on the register endpoints, keyed on the host rather than the client: the
# host is reached both through Cloudflare and over IPv6 directly, so a per-IP key could
# be sidestepped. Registration is closed; this stays as depth if it is reopened.
register_limit = TraefikMiddleware("register-ratelimit", TraefikMiddlewareArgs(
    namespace=NS,
    spec={"rateLimit": {"average": 10, "period": "1m", "burst": 20, "sourceCriterion": {"requestHost": True}}},
), opts=ns_opts)

IngressFactory("matrix-register", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="the Matrix registration API (user-interactive auth) is called by native clients, not a "
                "browser session; registration itself is closed in the homeserver",
    anti_ai_scraping=False,
    dns_type="none",  # the main ingress owns the host's record
    service_name="matrix",
    full_host=HOST,
    ingress_path=["/_matrix/client/v3/register", "/_matrix/client/r0/register"],
    port=80,
    homepage_enabled=False,
    # real-ip first, so the rate limit and tuwunel see an address the caller cannot choose.
    extra_middlewares=[c.MW_REAL_IP, "matrix-register-ratelimit@kubernetescrd"],
), opts=pulumi.ResourceOptions(depends_on=[namespace, register_limit]))

pulumi.export("host", ingress.host)
