"""Cluster housekeeping in `default`: etcd snapshots to NFS, etcd defrag, failed-pod cleanup.

The two etcd jobs run on the control-plane node with host networking and the node's etcd
client certificates mounted read-only from the host; `default` is exempt from the pod-security
policies for that reason.
"""

import pulumi

from components import constants as c
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.scheduled_job import ScheduledJobArgs, ScheduledJob
from components.settings import ClusterSettings
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

NS = "default"
ETCD_IMAGE = "registry.k8s.io/etcd:3.5.21-0"
PKI = "/etc/kubernetes/pki/etcd"
CONTROL_PLANE_NODE = "k8s-master"
settings = ClusterSettings.load()
PUSHGATEWAY = "http://prometheus-prometheus-pushgateway.monitoring:9091/metrics/job/backup-etcd"

# The etcd client certificates, from the control-plane host.
etcd_certs_volume = {"name": "etcd-certs", "host_path": {"path": PKI, "type": "DirectoryOrCreate"}}
etcd_certs_mount = {"mount_path": PKI, "name": "etcd-certs", "read_only": True}


def etcd_pod_spec(**extra) -> dict:
    """Pinned to the control plane, on its network so etcd's loopback listener answers."""
    return {"node_name": CONTROL_PLANE_NODE, "priority_class_name": "system-cluster-critical",
            "host_network": True, **extra}


def cronjob_args(name: str, schedule: str, **kwargs) -> ScheduledJobArgs:
    """Every job here keeps one finished and one failed Job and never overlaps itself."""
    return ScheduledJobArgs(
        namespace=NS, schedule=schedule, concurrency_policy="Forbid",
        successful_jobs_history_limit=1, failed_jobs_history_limit=1,
        job_metadata={"name": name}, pod_metadata={"name": name}, restart_policy="Never", **kwargs)


backup_claim = NfsVolume("infra-etcd-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/etcd-backup"))

# Snapshot (init container), then stamp, rotate after 30 days and report to the Pushgateway.
BACKUP_MANAGE = """set -eu
# Give the snapshot a timestamped name
TIMESTAMP=$(date +%Y%m%d-%H%M%S)
mv /backup/etcd-snapshot-latest.db /backup/etcd-snapshot-$TIMESTAMP.db
_out_bytes=$(stat -c%s /backup/etcd-snapshot-$TIMESTAMP.db 2>/dev/null || echo 0)
echo "Backup done: etcd-snapshot-$TIMESTAMP.db (${_out_bytes} bytes)"

# Keep 30 days of snapshots
find /backup -type f -mtime +30 -name '*.db' -exec rm -- '{}' \\;

# Report size and success time
wget -qO- --post-data "backup_output_bytes ${_out_bytes}
backup_last_success_timestamp $(date +%s)
" "PUSHGATEWAY" || true
""".replace("PUSHGATEWAY", PUSHGATEWAY)

ScheduledJob("backup-etcd", cronjob_args(
    "backup-etcd", "0 1 * * 0",
    pod_spec=etcd_pod_spec(dns_policy="ClusterFirstWithHostNet"),
    init_containers=[{
        "name": "backup-etcd", "image": ETCD_IMAGE,
        "command": ["etcdctl", "snapshot", "save", "/backup/etcd-snapshot-latest.db"],
        "resources": {"requests": {"memory": "256Mi", "cpu": "50m"}, "limits": {"memory": "512Mi"}},
        "env": [{"name": "ETCDCTL_API", "value": "3"},
                {"name": "ETCDCTL_ENDPOINTS", "value": "https://127.0.0.1:2379"},
                {"name": "ETCDCTL_CACERT", "value": f"{PKI}/ca.crt"},
                {"name": "ETCDCTL_CERT", "value": f"{PKI}/healthcheck-client.crt"},
                {"name": "ETCDCTL_KEY", "value": f"{PKI}/healthcheck-client.key"}],
        "volume_mounts": [{"mount_path": "/backup", "name": "backup"}, etcd_certs_mount],
    }],
    containers=[{"name": "backup-manage", "image": "busybox:1.37", "command": ["/bin/sh", "-c"],
                 "args": [BACKUP_MANAGE], "volume_mounts": [{"mount_path": "/backup", "name": "backup"}]}],
    volumes=[{"name": "backup", "persistent_volume_claim": {"claim_name": backup_claim.claim_name}},
             etcd_certs_volume],
), opts=pulumi.ResourceOptions(depends_on=[backup_claim]))

# Weekly defrag, two hours after the snapshot, so fragmentation does not slow etcd's requests.
ScheduledJob("defrag-etcd", cronjob_args(
    "defrag-etcd", "0 3 * * 0",
    pod_spec=etcd_pod_spec(),
    containers=[{
        "name": "defrag-etcd", "image": ETCD_IMAGE, "command": ["etcdctl"],
        "args": ["--endpoints=https://127.0.0.1:2379", f"--cacert={PKI}/ca.crt",
                 f"--cert={PKI}/healthcheck-client.crt", f"--key={PKI}/healthcheck-client.key",
                 "--command-timeout=60s", "defrag"],
        "env": [{"name": "ETCDCTL_API", "value": "3"}],
        "volume_mounts": [etcd_certs_mount],
    }],
    volumes=[etcd_certs_volume],
))

# Daily: delete Failed pods (evictions and the like) in every namespace. The account and its
# ClusterRole are named differently from the CronJob, so this is WorkloadRbac + ScheduledJob
# rather than KubectlJob (which names both after itself).
cleanup_rbac = WorkloadRbac("failed-pod-cleanup", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["list", "delete"])],
))

ScheduledJob("cleanup-failed-pods", cronjob_args(
    "cleanup-failed-pods", "0 2 * * *",
    service_account_name=cleanup_rbac.service_account_name,
    containers=[{"name": "cleanup", "image": c.KUBECTL_IMAGE,
                 "command": ["/bin/sh", "-c",
                             "kubectl delete pods -A --field-selector=status.phase=Failed --ignore-not-found"]}],
))
