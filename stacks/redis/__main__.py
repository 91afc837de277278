"""redis: the one Redis every other stack shares (caches, BullMQ and Celery queues).

A single standalone instance in StatefulSet ``redis-v2`` (its data claim comes from the
volumeClaimTemplate), reached through ``redis-master.redis:6379``; a redis_exporter sidecar
for Prometheus; a weekly copy of the RDB snapshot onto NFS.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import content_hash, load_payload
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "redis"
APP = {"app": "redis-v2"}
CONF = load_payload(HERE, "redis.conf")

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

conf = k8s.core.v1.ConfigMap("redis-v2-conf", metadata={"name": "redis-v2-conf", "namespace": NS},
                             data={"redis.conf": CONF}, opts=ns_opts)

headless = k8s.core.v1.Service("redis-v2-headless", metadata={"name": "redis-v2-headless", "namespace": NS, "labels": APP},
                               spec={"cluster_ip": "None", "publish_not_ready_addresses": False, "selector": APP,
                                     "ports": [{"name": "redis", "port": 6379}, {"name": "exporter", "port": 9121}]},
                               opts=ns_opts)
# The address every consumer is configured with; it selects the Redis pod directly.
k8s.core.v1.Service("redis-master", metadata={"name": "redis-master", "namespace": NS, "labels": APP},
                    spec={"selector": APP, "ports": [{"name": "redis", "port": 6379, "target_port": 6379}]},
                    opts=ns_opts)


def _ping_probe(**timing) -> dict:
    return {"exec": {"command": ["redis-cli", "PING"]}, **timing}


# The StatefulSet is adopted as it is: pod management policy and the claim template are
# immutable on a live StatefulSet (a difference would mean recreating it), and the
# template's annotations must match the live claim `data-redis-v2-0` (see README).
k8s.apps.v1.StatefulSet(
    "redis-v2",
    metadata={
        "name": "redis-v2", "namespace": NS,
        # tier: stamped by Kyverno's tier-sync policy, so declared to avoid a perpetual diff.
        "labels": {**APP, c.TIER_LABEL: c.TIER_CLUSTER},
        # Keel must never bump the pinned image: an older binary cannot read a newer AOF/RDB.
        "annotations": {"keel.sh/policy": "never"},
    },
    spec={
        "service_name": headless.metadata["name"],
        "replicas": 1,
        "pod_management_policy": "Parallel",
        "selector": {"match_labels": APP},
        "template": {
            "metadata": {"labels": APP, "annotations": {
                "prometheus.io/scrape": "true", "prometheus.io/port": "9121",
                "checksum/conf": content_hash([CONF]),
            }},
            "spec": {
                # Time for a final AOF/RDB flush on shutdown.
                "termination_grace_period_seconds": 90,
                "containers": [
                    {
                        "name": "redis",
                        "image": "docker.io/library/redis:8.10.0-alpine",
                        "command": ["redis-server", "/etc/redis/redis.conf"],
                        "ports": [{"container_port": 6379, "name": "redis"}],
                        "resources": {"requests": {"cpu": "100m", "memory": "768Mi"}, "limits": {"memory": "768Mi"}},
                        "volume_mounts": [{"name": "data", "mount_path": "/data"},
                                          {"name": "conf", "mount_path": "/etc/redis", "read_only": True}],
                        "liveness_probe": _ping_probe(initial_delay_seconds=15, period_seconds=10,
                                                      timeout_seconds=10, failure_threshold=5),
                        "readiness_probe": _ping_probe(initial_delay_seconds=5, period_seconds=5,
                                                       timeout_seconds=3, failure_threshold=3),
                    },
                    {
                        "name": "exporter",
                        "image": "docker.io/oliver006/redis_exporter:v1.62.0",
                        "ports": [{"container_port": 9121, "name": "exporter"}],
                        "env": [{"name": "REDIS_ADDR", "value": "redis://localhost:6379"}],
                        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "32Mi"}},
                        "liveness_probe": {"http_get": {"path": "/", "port": 9121}, "initial_delay_seconds": 15,
                                           "period_seconds": 30, "timeout_seconds": 5},
                    },
                ],
                "volumes": [{"name": "conf", "config_map": {"name": conf.metadata["name"]}}],
            },
        },
        "volume_claim_templates": [{
            "metadata": {"name": "data", "annotations": {
                # The live values (the threshold was raised out of band); the template is immutable.
                "resize.topolvm.io/threshold": "80%",
                "resize.topolvm.io/increase": "100%",
                "resize.topolvm.io/storage_limit": "20Gi",
            }},
            "spec": {"access_modes": ["ReadWriteOnce"], "storage_class_name": "proxmox-lvm-encrypted",
                     "resources": {"requests": {"storage": "5Gi"}}},
        }],
    },
    # The claim `data-redis-v2-0` is the controller's, not the program's: deleting the
    # StatefulSet leaves it in place (the default claim retention policy).
    opts=pulumi.ResourceOptions.merge(ns_opts, pulumi.ResourceOptions(
        ignore_changes=deployment_ignore_changes(extra=[
            'metadata.annotations["keel.sh/policy"]', 'metadata.annotations["keel.sh/trigger"]',
            'metadata.annotations["keel.sh/pollSchedule"]',
            'spec.template.metadata.annotations["keel.sh/update-time"]',
        ]),
    )),
)

# The share lives on the NAS itself (upstream names the address, not the cluster setting).
backups = NfsVolume("redis-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server="192.168.1.127", nfs_path="/srv/nfs/redis-backup"), opts=ns_opts)

AppBackup("redis-backup", AppBackupArgs(
    namespace=NS, schedule="0 3 * * 0", image="redis:7-alpine",
    script=load_payload(HERE, "redis-backup.sh"), retention_days=28,
    metrics=["backup_duration_seconds", "backup_read_bytes", "backup_written_bytes",
             "backup_output_bytes", "backup_last_success_timestamp"],
    claim_name=backups.claim_name, starting_deadline_seconds=10, backoff_limit=2,
    ttl_seconds_after_finished=60, successful_jobs_history_limit=3, failed_jobs_history_limit=3,
), opts=ns_opts)

pulumi.export("service", "redis-master.redis.svc.cluster.local:6379")
