"""One Freedify instance (upstream's local `factory` module): app, Service, login-gated
Ingress, and the /api/stream/ Ingress that AirPlay receivers fetch audio from directly."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError
from components.ingress import IngressArgs, IngressFactory
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

NS = "freedify"
TAG = "latest"
PORT = 8000
MUSIC_NFS = {"server": "192.168.1.127", "path": "/srv/nfs/freedify-music"}
# The Vault-held settings every instance has, in the order the container lists them.
TOKEN_ENV = ("LISTENBRAINZ_TOKEN", "GENIUS_ACCESS_TOKEN", "DAB_SESSION", "DAB_VISITOR_ID", "GEMINI_API_KEY")
STREAM_MIDDLEWARES = f"{c.MW_RETRY},{c.MW_RATE_LIMIT}"
STREAM_AUTH_REASON = (
    "Only the /api/stream/ prefix, audio only: AirPlay receivers fetch it directly and cannot complete an "
    "Authentik login; the UI and the rest of the API stay behind forward-auth, and rate-limit applies")


def _optional_env(name: str, value: pulumi.Input[str] | None) -> dict:
    # Upstream passed null for settings an instance does not have: the variable is listed
    # with no value, and the live pod template has it so.
    return {"name": name} if value is None else {"name": name, "value": value}


def music_instance(user: str, *, settings: ClusterSettings, tokens: Mapping[str, pulumi.Input[str] | None],
                   shared_env: Mapping[str, pulumi.Input[str]], homepage: Mapping[str, str],
                   opts: pulumi.ResourceOptions) -> IngressFactory:
    """Objects of `music-<user>`; ``tokens`` maps TOKEN_ENV names to values (absent = none)."""
    unknown = sorted(set(tokens) - set(TOKEN_ENV))
    if unknown:
        raise ArgumentError(f"freedify music_instance({user!r})", "tokens", f"names unknown env vars {unknown!r}",
                            TOKEN_ENV)
    name = f"music-{user}"
    page = {"http_get": {"path": "/", "port": PORT}}
    WebApp(name, WebAppArgs(
        namespace=NS,
        tier=c.TIER_AUX,
        strategy="RollingUpdate",
        # CI rolls an immutable tag with `kubectl set image`; the declared one only seeds a create.
        keel=True,
        pod_annotations={"diun.enable": "true", "diun.include_tags": f"^{TAG}$"},
        pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}]},
        containers=[{
            "name": "freedify", "image": f"ghcr.io/viktorbarzin/freedify:{TAG}",
            "ports": [{"container_port": PORT}],
            "env": [
                *(_optional_env(key, tokens.get(key)) for key in TOKEN_ENV),
                *env({"MUSIC_LIBRARY_PATH": "/music-library", "AUTO_SAVE_TO_LIBRARY": "true"}),
                *({"name": key, "value": value} for key, value in shared_env.items()),
            ],
            "volume_mounts": [{"name": "music-library", "mount_path": "/music-library"}],
            "resources": {"limits": {"memory": "384Mi"}, "requests": {"cpu": "15m", "memory": "256Mi"}},
            "readiness_probe": {**page, "initial_delay_seconds": 5, "period_seconds": 10},
            "liveness_probe": {**page, "initial_delay_seconds": 10, "period_seconds": 30, "failure_threshold": 3},
        }],
        volumes=[{"name": "music-library", "nfs": dict(MUSIC_NFS)}],
        service_ports=[{"name": "http", "port": 80, "target_port": PORT}],
    ), opts=opts)
    ingress = IngressFactory(name, IngressArgs.on_cluster(
        settings, namespace=NS, auth="required", dns_type="non-proxied", extra_annotations=dict(homepage)), opts=opts)

    host = f"{name}.{settings.root_domain}"
    k8s.networking.v1.Ingress(
        f"{name}-stream",
        metadata={"name": f"{name}-stream", "namespace": NS, "annotations": {
            c.ROUTER_MIDDLEWARES_ANNOTATION: STREAM_MIDDLEWARES,
            c.ROUTER_ENTRYPOINTS_ANNOTATION: "websecure",
            # Above the login-gated router of the same host, so /api/stream/ skips Authentik.
            "traefik.ingress.kubernetes.io/router.priority": "100",
            # Upstream stated no posture; the policy pack needs it said (README).
            c.AUTH_ANNOTATION: "none",
            c.AUTH_REASON_ANNOTATION: STREAM_AUTH_REASON,
        }},
        spec={
            "ingress_class_name": c.INGRESS_CLASS,
            "tls": [{"hosts": [host], "secret_name": settings.tls_secret_name}],
            "rules": [{"host": host, "http": {"paths": [{
                "path": "/api/stream/", "path_type": "Prefix",
                "backend": {"service": {"name": name, "port": {"number": 80}}},
            }]}}],
        },
        opts=opts,
    )
    return ingress
