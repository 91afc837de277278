"""insta2spotify: frontend + backend in one pod, SQLite and Spotify token cache on NFS."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, reload_on_change
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "insta2spotify"
SECRETS = "insta2spotify-secrets"
HOST = f"insta2spotify.{settings.root_domain}"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["insta2spotify"]), opts=ns_opts)
data = NfsVolume("insta2spotify-data-nfs", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                         nfs_path="/srv/nfs/insta2spotify", storage="5Gi"), opts=ns_opts)

frontend = {
    "name": "frontend",
    "image": "viktorbarzin/insta2spotify-frontend:latest",
    "ports": [{"container_port": 3000}],
    "env": env({"BACKEND_URL": "http://127.0.0.1:8000", "ORIGIN": f"https://{HOST}"}),
    "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
}
backend = {
    "name": "backend",
    "image": "viktorbarzin/insta2spotify-backend:latest",
    "ports": [{"container_port": 8000}],
    "env": [
        *env({"DATABASE_PATH": "/data/insta2spotify.db", "SPOTIFY_CACHE_PATH": "/data/.spotify_cache",
              "SPOTIFY_REDIRECT_URI": f"https://{HOST}/api/auth/callback",
              "SPOTIFY_PLAYLIST_ID": "7lcLakPy8pwwegFoOQ7MoG"}),
        *secret_env(SECRETS, {"SPOTIFY_CLIENT_ID": "spotify_client_id", "SPOTIFY_CLIENT_SECRET": "spotify_client_secret",
                              "API_KEY": "api_key", "SPOTIFY_REFRESH_TOKEN": "spotify_refresh_token"}),
    ],
    "volume_mounts": [{"name": "data", "mount_path": "/data"}],
    "resources": {"requests": {"cpu": "50m", "memory": "160Mi"}, "limits": {"memory": "256Mi"}},
}

WebApp("insta2spotify", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    annotations=reload_on_change(),
    keel=True,
    keel_containers=(0, 1),
    strategy="Recreate",
    containers=[frontend, backend],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000}],
), opts=ns_opts)

common = dict(namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain,
              dns=settings.dns, max_body_size="50m")
ui = IngressFactory("insta2spotify", IngressArgs(
    **common,
    auth="required",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "insta2spotify",
        "gethomepage.dev/description": "Instagram Reels to Spotify",
        "gethomepage.dev/icon": "si-spotify",
        "gethomepage.dev/group": "Media & Entertainment",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)
IngressFactory("insta2spotify-api", IngressArgs(
    **common,
    host="insta2spotify",
    service_name="insta2spotify",
    auth="none",
    auth_reason="the backend checks an API key on every call; these paths are browser fetch() XHRs whose CORS "
                "preflight a forward-auth redirect would break",
    ingress_path=["/api/identify", "/api/auth", "/api/health", "/api/history"],
    homepage_enabled=False,
), opts=ns_opts)

pulumi.export("host", ui.host)
