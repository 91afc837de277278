"""yt-dlp: YoutubeDL-Material downloader plus yt-highlights (GPU ASR + LLM summaries posted to Slack)."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.secret_inputs import preview_config
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu, deployment_ignore_changes, env, secret_env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "ytdlp"
SECRETS = "ytdlp-secrets"
slack_channel = preview_config(config, "slackChannel")

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["ytdlp"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
downloads, highlights = (
    NfsVolume(name, NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server, nfs_path=path), opts=ns_opts)
    for name, path in (("ytdlp-data-host", "/srv/nfs/ytdlp"), ("ytdlp-highlights-data-host", "/srv/nfs/ytdlp-highlights")))


def owner_ingress(name: str, *, host: str, homepage: dict) -> IngressFactory:
    """Owner-only, non-proxied host for one app's Service on :80."""
    return IngressFactory(name, IngressArgs.on_cluster(
        settings,
        namespace=NS, auth="required", host=host, dns_type="non-proxied",
        extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/group": "Media & Entertainment",
                           "gethomepage.dev/pod-selector": "", **homepage}), opts=ns_opts)


# Not a WebApp: the live Deployment has no replica count (WebApp always writes one).
k8s.apps.v1.Deployment(
    "ytdlp",
    metadata={"name": "ytdlp", "namespace": NS, "labels": {"app": "ytdlp", "tier": c.TIER_AUX},
              "annotations": {"diun.enable": "true", c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL}},
    spec={"selector": {"match_labels": {"app": "ytdlp"}}, "template": {"metadata": {"labels": {"app": "ytdlp"}}, "spec": {
        "containers": [{
            "name": "ytdlp", "image": "tzahi12345/youtubedl-material:nightly",
            "resources": {"requests": {"cpu": "25m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
            "ports": [{"container_port": 17442}],
            "volume_mounts": [{"name": "data", "mount_path": f"/app/{d}"}
                              for d in ("appdata", "audio", "video", "users", "subscriptions")]}],
        "volumes": [{"name": "data", "persistent_volume_claim": {"claim_name": downloads.claim_name}}]}}},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)
k8s.core.v1.Service(
    "ytdlp-service", metadata={"name": "ytdlp", "namespace": NS, "labels": {"app": "ytdlp"}},
    spec={"selector": {"app": "ytdlp"}, "ports": [{"name": "ytdlp", "port": 80, "target_port": 17442, "protocol": "TCP"}]},
    opts=ns_opts)
ytdlp = owner_ingress("ytdlp", host="yt", homepage={
    "gethomepage.dev/name": "yt-dlp", "gethomepage.dev/description": "Video downloader", "gethomepage.dev/icon": "youtube-dl.png"})

WebApp("yt-highlights", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",
    annotations={"diun.enable": "true", "reloader.stakater.com/auto": "true"},
    gpu=Gpu(devices=1, explicit_operator=False),
    containers=[{
        "name": "yt-highlights", "image": "viktorbarzin/yt-highlights:v20-20260127",
        "ports": [{"container_port": 8000}],
        "env": [
            *env({"ASR_MODEL": "large-v3", "ASR_DEVICE": "cuda", "OPENROUTER_MODEL": "deepseek/deepseek-r1-0528:free"}),
            *secret_env(SECRETS, {"OPENROUTER_API_KEY": "openrouter_api_key"}),
            *env({"DATA_PATH": "/data"}),
            *secret_env(SECRETS, {"SLACK_BOT_TOKEN": "slack_bot_token"}),
            # Model caches live on NFS: ephemeral storage would get the pod evicted.
            *env({"SLACK_CHANNEL": slack_channel, "REDIS_URL": f"redis://{settings.redis_host}:6379/0",
                  "HF_HOME": "/data/cache/huggingface", "TORCH_HOME": "/data/cache/torch"}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "liveness_probe": {"http_get": {"path": "/health", "port": 8000}, "initial_delay_seconds": 180,
                           "period_seconds": 60, "timeout_seconds": 60, "failure_threshold": 10},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": highlights.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8000, "protocol": "TCP"}],
), opts=ns_opts)
highlights_ingress = owner_ingress("yt-highlights", host="yt-highlights", homepage={
    "gethomepage.dev/name": "YT Highlights", "gethomepage.dev/description": "AI video highlights", "gethomepage.dev/icon": "youtube.png"})

pulumi.export("hosts", [ytdlp.host, highlights_ingress.host])
