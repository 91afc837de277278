"""Stremio: streaming server with NVENC transcoding on the shared GPU, plus a Cinemeta catalog proxy."""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu, env, secret_env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "stremio"
SECRETS = "stremio-secrets"
HOMEPAGE = {"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Stremio",
            "gethomepage.dev/description": "Self-hosted Stremio (NVENC transcode)",
            "gethomepage.dev/icon": "stremio.png", "gethomepage.dev/group": "Media & Entertainment",
            "gethomepage.dev/pod-selector": ""}

# The wildcard tls-secret reaches this namespace through Kyverno's sync policy; no TlsSecret here.
namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_GPU, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# The basic-auth credentials the image's nginx builds its htpasswd from.
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    data=[SecretKey(secret_key="webui_user", key="stremio", property="webui_user"),
          SecretKey(secret_key="webui_password", key="stremio", property="webui_password")],
), opts=ns_opts)

manifest_probe = {"http_get": {"path": "/manifest.json", "port": 8080}}  # the one path nginx serves without auth
WebApp("stremio", WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    keel=True,
    strategy="Recreate",  # one pod holds the GPU slice and the scratch cache at a time
    # One time-slice of the shared T4 and a 1500 MiB share of its advertised VRAM budget (NVENC sessions).
    gpu=Gpu(devices=1, memory_mib=1500),
    pod_spec={"priority_class_name": "gpu-workload", "image_pull_secrets": [{"name": "ghcr-credentials"}]},
    containers=[{
        "name": "stremio",
        "image": "ghcr.io/viktorbarzin/stremio-nvenc:latest",
        "ports": [{"container_port": 8080, "name": "http"}],
        "env": [*secret_env(SECRETS, {"USERNAME": "webui_user", "PASSWORD": "webui_password"}),
                # Same-origin server URL so the browser's basic-auth carries; NVENC needs the `video` capability.
                *env({"AUTO_SERVER_URL": "1", "NO_CORS": "1", "APP_PATH": "/data",
                      "NVIDIA_DRIVER_CAPABILITIES": "compute,utility,video"})],
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "startup_probe": {**manifest_probe, "period_seconds": 5, "failure_threshold": 24},
        "readiness_probe": {**manifest_probe, "period_seconds": 15, "failure_threshold": 4},
        "liveness_probe": {**manifest_probe, "initial_delay_seconds": 30, "period_seconds": 30, "failure_threshold": 5},
        # Burstable on purpose: idle RSS is tiny, only a transcode needs the limit.
        "resources": {"requests": {"cpu": "100m", "memory": "512Mi", "ephemeral-storage": "2Gi"},
                      "limits": {"memory": "2Gi", "ephemeral-storage": "20Gi"}},
    }],
    volumes=[{"name": "data", "empty_dir": {"size_limit": "20Gi"}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, secrets]))

ingress = IngressFactory("stremio", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="none",
    auth_reason="The image's nginx enforces HTTP basic auth on every path, torrent paths included; Stremio's "
                "client cannot follow Authentik's redirect. CrowdSec guards the direct origin address",
    # Not through Cloudflare: its terms forbid proxying video.
    dns_type="non-proxied",
    extra_annotations=HOMEPAGE,
), opts=ns_opts)

# Re-serves Cinemeta's public catalog JSON under our own host for clients whose firewall blocks strem.io.
nginx_conf = PayloadConfigMap("cinemeta-proxy-nginx", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"default.conf": "cinemeta-nginx.conf"}, hash_annotation="checksum/config",
), opts=ns_opts)
healthz = {"http_get": {"path": "/healthz", "port": 8080}}
WebApp("cinemeta-proxy", WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    keel=True,
    # Every device's catalog goes through it: two replicas on different nodes, a new pod ready before an old one leaves.
    replicas=2,
    strategy="RollingUpdate",
    rolling_update={"max_surge": 1, "max_unavailable": 0},
    pod_annotations=nginx_conf.pod_annotations,
    pod_spec={"affinity": {"pod_anti_affinity": {"preferred_during_scheduling_ignored_during_execution": [{
        "weight": 100,
        "pod_affinity_term": {"topology_key": "kubernetes.io/hostname",
                              "label_selector": {"match_labels": {"app": "cinemeta-proxy"}}},
    }]}}},
    containers=[{
        "name": "nginx",
        "image": "nginx:1.27",
        "image_pull_policy": "IfNotPresent",
        "ports": [{"container_port": 8080, "name": "http"}],
        "volume_mounts": [{"name": "nginx-conf", "mount_path": "/etc/nginx/conf.d/default.conf",
                           "sub_path": "default.conf", "read_only": True}],
        "readiness_probe": {**healthz, "period_seconds": 10, "failure_threshold": 3},
        "liveness_probe": {**healthz, "initial_delay_seconds": 10, "period_seconds": 30, "failure_threshold": 3},
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[nginx_conf.volume("nginx-conf")],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

IngressFactory("cinemeta", IngressArgs.on_cluster(
    settings,
    namespace=NS, service_name="cinemeta-proxy", auth="none",
    auth_reason="Public, read-only Cinemeta catalog JSON and no user data; the Stremio client fetches it from "
                "WebAssembly and can follow neither a login redirect nor a proof-of-work wall",
    anti_ai_scraping=False,
    dns_type="proxied",
    extra_annotations={"gethomepage.dev/description": "Cinemeta metadata proxy for Stremio clients"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
