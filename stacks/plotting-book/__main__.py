"""Plotting Book: an interactive-fiction app with Google sign-in and a SQLite database.

The image is private on ghcr (pulled with the `ghcr-credentials` Secret that Kyverno
clones into the namespace) and its tag is set by CI, so the program only gives the
baseline. A weekly job copies the database to the NFS backup share.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS, env, secret_env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "plotting-book"
SECRETS = "plotting-book-secrets"
APP = {"app": "plotting-book"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["plotting-book"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Upstream waits for this claim to bind (the provider default), unlike most.
data = ProxmoxVolume("plotting-book-data-proxmox", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", wait_until_bound=True), opts=ns_opts)

WebApp("plotting-book", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate",
    annotations={"reloader.stakater.com/auto": "true"},
    # CI (`kubectl set image`) owns the tag; Keel's three policy annotations and its
    # update-time stamp are left alone as upstream (not match-tag or the rollout bookkeeping).
    ignore_changes=[
        "spec.template.spec.containers[0].image",
        *(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS[:3]),
        'spec.template.metadata.annotations["keel.sh/update-time"]',
    ],
    pod_spec={"image_pull_secrets": [{"name": "ghcr-credentials"}]},
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    containers=[{
        "name": "plotting-book",
        # Baseline for a fresh apply; the same build pushes :latest and the versioned tag.
        "image": "ghcr.io/passionprojectsanca/book-plotter:latest",
        "env": [
            *secret_env(SECRETS, {"SESSION_SECRET": "session_secret", "GOOGLE_CLIENT_ID": "google_client_id",
                                  "GOOGLE_CLIENT_SECRET": "google_client_secret"}),
            *env({"GOOGLE_CALLBACK_URL": "https://plotting-book.viktorbarzin.me/api/auth/google/callback",
                  "DB_PATH": "/data/database.sqlite"}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "ports": [{"container_port": 3001}],
        "resources": {"requests": {"memory": "128Mi", "cpu": "10m"}, "limits": {"memory": "256Mi"}},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 3001}],
), opts=ns_opts)

ingress = IngressFactory("plotting-book", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="non-proxied",
    custom_content_security_policy=(
        "default-src 'self' blob: data:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; worker-src 'self' blob:; "
        "connect-src 'self' blob: https://accounts.google.com; form-action 'self' https://accounts.google.com; "
        "frame-ancestors 'self' *.viktorbarzin.me viktorbarzin.me"),
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Plotting Book",
                       "gethomepage.dev/description": "Interactive fiction", "gethomepage.dev/icon": "mdi-book-open-variant",
                       "gethomepage.dev/group": "Other", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

backup_share = NfsVolume("plotting-book-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/plotting-book-backup"), opts=ns_opts)

# The claim is ReadWriteOnce: the backup runs on the app pod's node. The script pushes no
# metrics; the CronJob was a ScheduledJob of the same name before.
AppBackup("plotting-book-backup", AppBackupArgs(
    namespace=NS, schedule="0 3 * * 0", image="docker.io/library/alpine", script=load_payload(HERE, "backup.sh"),
    starting_deadline_seconds=10,
    sources=[BackupSource(volume_name="data", claim_name=data.claim_name, mount_path="/data")],
    claim_name=backup_share.claim_name, owner_labels=APP,
    pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    resources={"requests": {"memory": "32Mi", "cpu": "10m"}, "limits": {"memory": "64Mi"}},
    moved_from_component="ScheduledJob",
), opts=ns_opts)

pulumi.export("host", ingress.host)
