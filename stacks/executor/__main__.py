"""Executor: one catalog of integrations (MCP servers, OpenAPI, GraphQL) served to agents.

hermes-agent consumes it over the in-cluster streamable-HTTP ``/mcp`` endpoint; the web UI
is reachable only from the home networks. /data holds the SQLite database, the generated
master key and every connected account's credentials, hence the encrypted claim and the
NetworkPolicy that admits only Traefik and hermes-agent.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "executor"
SECRETS = "executor-secrets"
PORT = 4788
APP = {"app": "executor"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["executor"]), opts=ns_opts)

data = ProxmoxVolume("executor-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

tcp_probe = {"tcp_socket": {"port": PORT}}
WebApp("executor", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate",
    # Releases land several times a week: the tag is pinned and Keel may only move patches.
    keel=True, annotations={"keel.sh/policy": "patch", "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@daily"},
    pod_annotations={"reloader.stakater.com/search": "true"},
    pod_spec={"security_context": {"fs_group": 1000}},
    containers=[{
        "name": "executor",
        "image": "ghcr.io/rhyssullivan/executor-selfhost:v1.5.33",
        "ports": [{"container_port": PORT}],
        "env": [
            # The login's origin check compares against this URL exactly.
            *env({"PORT": PORT, "EXECUTOR_HOST": "0.0.0.0", "EXECUTOR_DATA_DIR": "/data",
                  "EXECUTOR_WEB_BASE_URL": "https://executor.viktorbarzin.me"}),
            *secret_env(SECRETS, {"EXECUTOR_BOOTSTRAP_ADMIN_EMAIL": "bootstrap_admin_email",
                                  "EXECUTOR_BOOTSTRAP_ADMIN_PASSWORD": "bootstrap_admin_password"}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
        # No documented health path: a TCP check.
        "readiness_probe": {**tcp_probe, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**tcp_probe, "initial_delay_seconds": 20, "period_seconds": 30, "failure_threshold": 3},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"port": PORT, "target_port": PORT}],
), opts=ns_opts)

# Only Traefik (the UI) and hermes-agent (the MCP client) reach the pod at all.
k8s.networking.v1.NetworkPolicy("executor-allow-traefik-and-hermes", metadata={
    "name": "executor-allow-traefik-and-hermes", "namespace": NS,
}, spec={
    "pod_selector": {"match_labels": APP},
    "policy_types": ["Ingress"],
    "ingress": [{
        "from_": [{"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": ns}}}
                  for ns in ("traefik", "hermes-agent")],
        "ports": [{"port": str(PORT), "protocol": "TCP"}],
    }],
}, opts=ns_opts)

ingress = IngressFactory("executor", IngressArgs.on_cluster(
    settings, namespace=NS, port=PORT,
    auth="app", auth_reason="Executor's own better-auth login and sessions; forward-auth breaks its origin checks",
    # Owner-only admin surface: resolvable everywhere, routed only from the home LANs / VPN.
    dns_type="internal", external_monitor=False,
    # The SPA loads ~50 chunks at once through one client IP: its own, looser limiter.
    skip_default_rate_limit=True,
    extra_middlewares=["traefik-home-lans-only@kubernetescrd", "traefik-executor-rate-limit@kubernetescrd"],
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Executor",
                       "gethomepage.dev/description": "Agent integration hub (MCP proxy)",
                       "gethomepage.dev/icon": "mdi-connection", "gethomepage.dev/group": "AI & Data",
                       "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

# The claim is ReadWriteOnce and the app is always up, so the backup must run on its node.
# A Python script that pushes no metrics; it was a ScheduledJob of the same name before.
AppBackup("executor-backup", AppBackupArgs(
    namespace=NS, schedule="30 4 * * *", image="python:3.12-alpine", container_name="backup",
    shell="python3", script=load_payload(HERE, "backup.py"),
    concurrency_policy="Forbid", starting_deadline_seconds=None, ttl_seconds_after_finished=None,
    successful_jobs_history_limit=1, failed_jobs_history_limit=2, backoff_limit=1,
    sources=[BackupSource(volume_name="data", claim_name=data.claim_name, mount_path="/data")],
    claim_name=None, nfs_target={"server": settings.nfs_server, "path": "/srv/nfs/executor-backup"},
    owner_labels=APP,
    resources={"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    moved_from_component="ScheduledJob",
), opts=ns_opts)

pulumi.export("host", ingress.host)
