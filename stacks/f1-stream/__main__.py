"""f1-stream: Formula 1 live streams and replays, behind an Anubis proof-of-work wall.

The app extracts streams from community aggregators, verifies them through the shared
Chrome pool over CDP and streams replays straight off qBittorrent's download export. The
source guard probes the aggregators every six hours and, on a dead link, dispatches the
claude-agent-service fixer to repoint, ship and verify it.
"""

import pulumi

from components import constants as c
from components.anubis import SERVICE_PORT as ANUBIS_PORT, AnubisArgs, AnubisInstance, default_rules_with
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import preview_config
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "f1-stream"
SECRETS = "f1-stream-secrets"
GUARD_SECRETS = "f1-stream-guard-secrets"
# CI pushes :latest and :<sha> and sets the running image; Keel is a second net.
IMAGE = f"ghcr.io/viktorbarzin/f1-stream:{config.get('imageTag') or 'latest'}"
PULL_SECRETS = ["registry-credentials", "ghcr-credentials"]  # the ghcr one cloned in by Kyverno

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={
    "istio-injection": "disabled", "chrome-service.viktorbarzin.me/client": "true", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Every property of secret/f1-stream (new keys such as the Reddit pair sync without a change here).
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["f1-stream"]), opts=ns_opts)
# Kept for the chrome-service snapshot endpoint's token; the CDP connection itself needs none.
ExternalSecret("chrome-service-client-secrets", ExternalSecretArgs(namespace=NS, extract=["chrome-service"]), opts=ns_opts)
# forgejo_repo_token (repository read): the guard counts recent auto-fix commits for its cooldown.
guard_secrets = ExternalSecret(GUARD_SECRETS, ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="agent_bearer_token", key="claude-agent-service", property="api_bearer_token"),
    SecretKey(secret_key="forgejo_token", key="ci/global", property="forgejo_repo_token"),
]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

data = NfsVolume("f1-stream-data-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/f1-stream", storage="1Gi",
    access_modes=["ReadWriteOnce"]), opts=ns_opts)
# A second claim onto servarr's download export: the app streams a replay while
# qBittorrent is still writing it (a claim cannot cross namespaces).
replays = NfsVolume("f1-stream-replay-cache", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/servarr/downloads/f1-replays", storage="200Gi",
    access_modes=["ReadWriteMany"]), opts=ns_opts)

WebApp("f1-stream", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, strategy="Recreate",
    annotations={"reloader.stakater.com/auto": "true"},
    pod_spec={"image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    containers=[{
        "name": "f1-stream", "image": IMAGE, "ports": [{"container_port": 8000}],
        # Two long-lived processes (uvicorn and Playwright's driver); the limit sits above
        # the driver's historical peak so a leak shows as an OOM.
        "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "50m", "memory": "320Mi"}},
        "env": [
            *secret_env(SECRETS, {"DISCORD_TOKEN": "discord_user_token"}),
            *env({"DISCORD_CHANNELS": preview_config(config, "discordChannelIds")}),
            # Optional: without the Reddit app the replays pipeline stays off.
            *secret_env(SECRETS, {"REDDIT_CLIENT_ID": "reddit_client_id", "REDDIT_CLIENT_SECRET": "reddit_client_secret"},
                        optional=True),
            *env({
                "CHROME_CDP_URL": "http://chrome-service.chrome-service.svc.cluster.local:9222",
                # The remote browser reaches the embed proxy through this pod's own Service.
                "PLAYBACK_VERIFY_PROXY_BASE": "http://f1.f1-stream.svc.cluster.local",
                "QBITTORRENT_URL": "http://qbittorrent.servarr.svc",
                "REPLAY_CACHE_DIR": "/replay-cache",
                "REPLAY_CACHE_REMOTE_DIR": "/downloads/f1-replays",  # the same directory as qBittorrent sees it
                "REPLAY_CACHE_CAP_GB": 150,
            }),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/data"},
                          {"name": "replay-cache", "mount_path": "/replay-cache", "read_only": True}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
             {"name": "replay-cache", "persistent_volume_claim": {"claim_name": replays.claim_name}}],
    service_name="f1",
    service_ports=[{"port": 80, "target_port": 8000}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets]))

# The SPA's JSON routes and its immutable assets load before anyone can solve the
# challenge, so they pass; HTML pages are challenged.
SPA_RULES = r"""
- name: f1-svelte-assets-and-meta
  path_regex: ^/(_app/|openapi\.json|docs|api/)
  action: ALLOW
- name: f1-data-routes
  path_regex: ^/(embed|embed-asset|extract|extractors|health|proxy|relay|replays/cache|replays/events|schedule|streams)(/|\?|$)
  action: ALLOW
"""
AnubisInstance("f1", AnubisArgs(
    namespace=NS, target_url=f"http://f1.{NS}.svc.cluster.local",
    shared_store_url=f"redis://{settings.redis_host}:6379/6", policy_rules_yaml=default_rules_with(SPA_RULES)), opts=ns_opts)

# Non-proxied: pfSense passes the client address by PROXY protocol, which Anubis' cookie needs.
ingress = IngressFactory("f1", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none", dns_type="non-proxied",
    auth_reason="public streams; Anubis' proof-of-work wall gates bots in place of Authentik",
    service_name="anubis-f1", port=ANUBIS_PORT, anti_ai_scraping=False,
    extra_middlewares=["traefik-x402@kubernetescrd"],
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "F1 Stream",
                       "gethomepage.dev/description": "Formula 1 live streams", "gethomepage.dev/icon": "si-f1",
                       "gethomepage.dev/group": "Media & Entertainment", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

GUARD_LABELS = {"app": "f1-stream-source-guard"}
# The same image as the app, so the guard probes with production's extractor code.
ScheduledJob("f1-stream-source-guard", ScheduledJobArgs(
    namespace=NS, schedule="0 */6 * * *", concurrency_policy="Forbid", starting_deadline_seconds=600,
    successful_jobs_history_limit=3, failed_jobs_history_limit=3,
    # The deadline covers a guard waiting on a fix job of up to 45 minutes.
    backoff_limit=1, active_deadline_seconds=3300, ttl_seconds_after_finished=86400,
    labels={**GUARD_LABELS, "tier": c.TIER_AUX}, job_metadata={"labels": GUARD_LABELS},
    pod_metadata={"labels": GUARD_LABELS}, restart_policy="OnFailure", image_pull_secrets=PULL_SECRETS,
    containers=[{
        "name": "guard", "image": "ghcr.io/viktorbarzin/f1-stream:latest", "image_pull_policy": "Always",
        "command": ["python", "-m", "backend.guard"],
        "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "384Mi"}},
        "env": [
            # Fully autonomous: a dead link is fixed and deployed without approval ("true" = PR only).
            *env({"GUARD_DRY_RUN": "false", "GUARD_ATTEMPT_CAP": 2, "GUARD_COOLDOWN_HOURS": 12}),
            *secret_env(GUARD_SECRETS, {"GUARD_AGENT_TOKEN": "agent_bearer_token", "GUARD_FORGEJO_TOKEN": "forgejo_token"}),
            # Slack is off until guard_slack_webhook exists in secret/f1-stream.
            *secret_env(SECRETS, {"GUARD_SLACK_WEBHOOK": "guard_slack_webhook"}, optional=True),
        ],
    }],
), opts=pulumi.ResourceOptions(depends_on=[namespace, guard_secrets, app_secrets]))

pulumi.export("host", ingress.host)
