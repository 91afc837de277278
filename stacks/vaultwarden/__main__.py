"""vaultwarden: the Bitwarden-compatible password manager (the cluster's most valuable data).

One replica on an encrypted claim (sqlite, RSA keys, attachments); every 6 hours an
``AppBackup`` copies it onto NFS from the same node, and an hourly job checks the live
database's integrity and reports it to the Pushgateway.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "vaultwarden"
APP = {"app": "vaultwarden"}
MAIL_USER = "vaultwarden@viktorbarzin.me"
NDOTS = {"dns_config": {"options": [{"name": "ndots", "value": "2"}]}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Upstream's claim waits for binding (Terraform's default), so it does here.
data = ProxmoxVolume("vaultwarden-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted",
    wait_until_bound=True), opts=ns_opts)
DATA = BackupSource(volume_name="data", claim_name=data.claim_name, mount_path="/data")

WebApp("vaultwarden", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, selector=APP, strategy="Recreate",
    # `minor` lets 1.x minor releases roll; the program keeps asserting it (Kyverno would default `patch`).
    annotations={"reloader.stakater.com/search": "true", "keel.sh/policy": "minor"},
    keel=True, keel_enforced_annotations=["keel.sh/policy"],
    pod_annotations={"diun.enable": "true", "diun.include_tags": "^\\d+(?:\\.\\d+)?(?:\\.\\d+)?$"},
    containers=[{
        "name": "vaultwarden", "image": "vaultwarden/server:latest",
        "resources": {"requests": {"cpu": "10m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        "env": [
            *env({"DOMAIN": "https://vaultwarden.viktorbarzin.me", "SMTP_HOST": settings.mail_host,
                  "SMTP_FROM": MAIL_USER, "SMTP_PORT": "587", "SMTP_SECURITY": "starttls",
                  "SMTP_USERNAME": MAIL_USER}),
            # A literal value, as upstream sets it (docs/security.md).
            {"name": "SMTP_PASSWORD", "value": vault_field("platform", "vaultwarden_smtp_password")},
        ],
        "ports": [{"container_port": 80}],
        "liveness_probe": {"http_get": {"path": "/alive", "port": 80}, "initial_delay_seconds": 15,
                           "period_seconds": 30, "timeout_seconds": 5, "failure_threshold": 5},
        "readiness_probe": {"http_get": {"path": "/alive", "port": 80}, "initial_delay_seconds": 5,
                            "period_seconds": 30, "timeout_seconds": 5, "failure_threshold": 3},
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    pod_spec=NDOTS,
    service_ports=[{"name": "http", "port": 80, "protocol": "TCP"}],
), opts=ns_opts)

# Bitwarden clients (apps, extensions, CLI) authenticate against Vaultwarden itself.
IngressFactory("vaultwarden", IngressArgs.on_cluster(
    settings, namespace=NS, auth="app",
    auth_reason="Bitwarden clients use Vaultwarden's own token auth on /api and /identity; forward-auth would block them",
    dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Vaultwarden",
                       "gethomepage.dev/description": "Password manager", "gethomepage.dev/icon": "vaultwarden.png",
                       "gethomepage.dev/group": "Other", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

# --- backup and integrity check (both on the app's node: the claim is ReadWriteOnce) ---------------
backups = NfsVolume("vaultwarden-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server="192.168.1.127", nfs_path="/srv/nfs/vaultwarden-backup"), opts=ns_opts)

AppBackup("vaultwarden-backup", AppBackupArgs(
    namespace=NS, schedule="0 */6 * * *", image="docker.io/library/alpine",
    script=load_payload(HERE, "vaultwarden-backup.sh"), retention_days=30,
    metrics=["backup_duration_seconds", "backup_read_bytes", "backup_written_bytes",
             "backup_output_bytes", "backup_last_success_timestamp"],
    sources=[DATA], claim_name=backups.claim_name, owner_labels=APP, pod_spec=NDOTS,
    starting_deadline_seconds=10, successful_jobs_history_limit=10, failed_jobs_history_limit=5,
), opts=ns_opts)

ScheduledJob("vaultwarden-integrity-check", ScheduledJobArgs(
    namespace=NS, schedule="30 * * * *", concurrency_policy="Replace", starting_deadline_seconds=10,
    successful_jobs_history_limit=3, failed_jobs_history_limit=5, backoff_limit=1, ttl_seconds_after_finished=10,
    containers=[{"name": "integrity-check", "image": "docker.io/library/alpine",
                 "command": ["/bin/sh", "-c", load_payload(HERE, "integrity-check.sh")],
                 "volume_mounts": [{"name": "data", "mount_path": "/data", "read_only": True}]}],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    pod_spec={"affinity": {"pod_affinity": {"required_during_scheduling_ignored_during_execution": [
        {"label_selector": {"match_labels": APP}, "topology_key": "kubernetes.io/hostname"}]}}, **NDOTS},
    job_metadata={}, pod_metadata={},
), opts=ns_opts)
