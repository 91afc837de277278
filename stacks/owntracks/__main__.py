"""OwnTracks recorder behind HTTP basic auth; a Lua hook copies each point to Dawarich."""

import json
from pathlib import Path

import bcrypt
import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, read_live
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "owntracks"
SECRETS = "owntracks-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["owntracks"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Phone logins (`credentials`: JSON {user: password} in Vault secret/owntracks), read from
# the Secret ESO syncs and turned into a bcrypt htpasswd for Traefik's basicAuth.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["credentials"], depends_on=[secrets],
                                         placeholders={"credentials": "{}"}, source="Vault secret/owntracks"))


def _htpasswd(credentials: str) -> str:
    logins = json.loads(credentials)
    # $2a$, cost 10: the form Terraform's bcrypt() wrote for these logins (see README).
    return "\n".join(f"{user}:{bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=10, prefix=b'2a')).decode()}"
                     for user, pw in logins.items())


basic_auth = k8s.core.v1.Secret(
    "basic-auth",
    metadata={"name": "basic-auth-secret", "namespace": NS},
    type="Opaque",
    string_data={"auth": synced["credentials"].apply(_htpasswd)},
    # bcrypt salts differ on every run: the hashes are written once, then left alone.
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=["data", "stringData"]),
)
k8s.apiextensions.CustomResource(
    "basic-auth-middleware",
    api_version="traefik.io/v1alpha1",
    kind="Middleware",
    metadata={"name": "basic-auth", "namespace": NS},
    spec={"basicAuth": {"secret": basic_auth.metadata["name"]}},
    opts=ns_opts,
)
hook = k8s.core.v1.ConfigMap(
    "dawarich-hook",
    metadata={"name": "dawarich-hook", "namespace": NS},
    data={"dawarich-hook.lua": load_payload(Path(__file__).parent, "dawarich-hook.lua")},
    opts=ns_opts,
)

WebApp("owntracks", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+(?:\.\d+)?(?:\.\d+)?$"},
    containers=[{
        "name": "owntracks",
        "image": "owntracks/recorder:1.0.1",
        "ports": [{"name": "http", "container_port": 8083}],
        # 1.0.1 has no HTTP hook setting: forwarding to Dawarich is the Lua script.
        "args": ["--lua-script", "/hook/dawarich-hook.lua", "owntracks/#"],
        "env": [*env({"OTR_PORT": "0"}), *secret_env(SECRETS, {"DAWARICH_API_KEY": "dawarich_api_key"})],
        "volume_mounts": [
            {"name": "data", "mount_path": "/store"},
            {"name": "data", "mount_path": "/config"},
            {"name": "hook", "mount_path": "/hook", "read_only": True},
        ],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[
        # Claim created outside this stack (see README).
        {"name": "data", "persistent_volume_claim": {"claim_name": "owntracks-data-encrypted"}},
        {"name": "hook", "config_map": {"name": hook.metadata["name"]}},
    ],
    # Named http/80 so Traefik talks plain HTTP to the recorder (OTR_PORT=0: no TLS listener).
    service_ports=[{"name": "http", "port": 80, "target_port": 8083, "protocol": "TCP"}],
), opts=ns_opts)

ingress = IngressFactory("owntracks", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="the OwnTracks phone apps POST locations with HTTP basic auth (the basic-auth middleware); "
                "they cannot follow an Authentik redirect",
    dns_type="proxied",
    port=80,
    extra_annotations={
        # Replaces the factory's chain on purpose: basic auth first, then rate limit and CSP only.
        c.ROUTER_MIDDLEWARES_ANNOTATION: f"owntracks-basic-auth@kubernetescrd,{c.MW_RATE_LIMIT},{c.MW_CSP_HEADERS}",
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "OwnTracks",
        "gethomepage.dev/description": "Location tracking",
        "gethomepage.dev/icon": "owntracks.png",
        "gethomepage.dev/group": "Smart Home",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
