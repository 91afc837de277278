"""Drone logbook: Open DroneLog (DJI flight-log analyzer) with scale-to-zero.

Flight logs are GPS traces of home and travel, so the DuckDB volume is encrypted and the
ingress sits behind forward-auth. Producers drop DJI logs into an NFS folder the app
imports from; a nightly job copies the data volume to the NFS backup share.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "drone-logbook"
SECRETS = "drone-logbook-secrets"
APP = {"app": "drone-logbook"}
CLUSTER_SERVICE = {"kubernetes.io/cluster-service": "true"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["drone-logbook"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# DuckDB wants block storage (single writer, no NFS locking); encrypted for the GPS traces.
data = ProxmoxVolume("drone-logbook-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="10Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
sync_logs = NfsVolume("drone-logbook-sync-logs", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/drone-logbook/sync-logs", storage="5Gi"),
    opts=ns_opts)
backup_share = NfsVolume("drone-logbook-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/drone-logbook-backup"), opts=ns_opts)

WebApp("drone-logbook", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, sablier_group="drone-logbook",
    # One DuckDB writer: never two pods on the volume.
    strategy="Recreate",
    labels=CLUSTER_SERVICE, pod_labels=CLUSTER_SERVICE,
    containers=[{
        "name": "drone-logbook",
        "image": "ghcr.io/arpanghosh8453/open-dronelog:latest",
        "env": [
            *env({"RUST_LOG": "info", "KEEP_UPLOADED_FILES": "true", "SYNC_LOGS_PATH": "/sync-logs",
                  # Six-field cron (seconds first): import the drop folder every 8 hours.
                  "SYNC_INTERVAL": "0 0 */8 * * *"}),
            *secret_env(SECRETS, {"PROFILE_CREATION_PASS": "profile_creation_pass"}),
        ],
        "volume_mounts": [
            {"name": "data", "mount_path": "/data/drone-logbook"},
            {"name": "sync-logs", "mount_path": "/sync-logs", "read_only": True},
        ],
        "ports": [{"name": "http", "container_port": 80, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "25m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[
        {"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
        {"name": "sync-logs", "persistent_volume_claim": {"claim_name": sync_logs.claim_name}},
    ],
    service_ports=[{"port": 80, "target_port": 80}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, secrets]))

# 01:30 falls between the 8-hourly imports, so the database file is quiet. The app is
# usually parked then, so the affinity to its pod (the RWO claim attaches on one node) is
# only preferred: a required one would leave the job Pending with no pod to join.
AppBackup("drone-logbook-backup", AppBackupArgs(
    namespace=NS, schedule="30 1 * * *", image="docker.io/library/alpine",
    script=load_payload(HERE, "backup.sh"),
    metrics=["backup_duration_seconds", "backup_output_bytes", "backup_last_success_timestamp"],
    sources=[BackupSource(volume_name="data", claim_name=data.claim_name, mount_path="/data")],
    claim_name=backup_share.claim_name, retention_days=30,
    starting_deadline_seconds=300, failed_jobs_history_limit=5,
    pod_spec={
        "affinity": {"pod_affinity": {"preferred_during_scheduling_ignored_during_execution": [{
            "weight": 100,
            "pod_affinity_term": {"label_selector": {"match_labels": APP}, "topology_key": "kubernetes.io/hostname"},
        }]}},
        "dns_config": {"options": [{"name": "ndots", "value": "2"}]},
    },
), opts=ns_opts)

ingress = IngressFactory("dronelog", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="drone-logbook", auth="required", dns_type="proxied",
    sablier=Sablier(group="drone-logbook"),
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Drone Logbook",
                       "gethomepage.dev/description": "DJI flight log analyzer", "gethomepage.dev/icon": "mdi-quadcopter",
                       "gethomepage.dev/group": "Media & Entertainment", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

pulumi.export("host", ingress.host)
