"""The standalone MySQL server: config, StatefulSet and the `mysql` Service apps connect to."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from components.constants import IGNORE_KYVERNO_DNS_CONFIG

NAME = "mysql-standalone"
# Pinned exactly: the in-place data-dictionary upgrade to 8.4.9 stalls on this hardware, so
# a version change is a planned wipe and dump-restore, never a tag bump (README.md).
IMAGE = "mysql:8.4.8"
SELECTOR = {"app.kubernetes.io/instance": NAME, "app.kubernetes.io/component": "primary"}
POD_LABELS = {"app.kubernetes.io/name": "mysql", **SELECTOR}
ROOT_SECRET = "cluster-secret"
# In-cluster name every MySQL client uses (settings.mysql_host points here).
SERVICE = "mysql"
PING = {"exec": {"command": ["mysqladmin", "ping", "-h", "localhost"]}}


def statefulset_spec(config_map: pulumi.Input[str], root_secret: pulumi.Input[str]) -> dict:
    container = {
        "name": "mysql",
        "image": IMAGE,
        "ports": [{"container_port": 3306, "name": "mysql"}],
        "env": [{"name": "MYSQL_ROOT_PASSWORD",
                 "value_from": {"secret_key_ref": {"name": root_secret, "key": "ROOT_PASSWORD"}}}],
        # The limit leaves room above the 2 GiB InnoDB buffer pool.
        "resources": {"requests": {"cpu": "250m", "memory": "4Gi"}, "limits": {"memory": "6Gi"}},
        "volume_mounts": [
            {"name": "data", "mount_path": "/var/lib/mysql"},
            {"name": "config", "mount_path": "/etc/mysql/conf.d", "read_only": True},
        ],
        # Up to 5 minutes for InnoDB crash recovery after an unclean stop before liveness arms.
        "startup_probe": {**PING, "period_seconds": 10, "timeout_seconds": 5, "failure_threshold": 30},
        "liveness_probe": {**PING, "initial_delay_seconds": 30, "period_seconds": 10,
                           "timeout_seconds": 5, "failure_threshold": 3},
        "readiness_probe": {**PING, "initial_delay_seconds": 10, "period_seconds": 10,
                            "timeout_seconds": 5, "failure_threshold": 3},
    }
    return {
        "service_name": NAME,
        "replicas": 1,
        "selector": {"match_labels": SELECTOR},
        "template": {
            "metadata": {"labels": POD_LABELS},
            "spec": {
                # Long enough for a clean InnoDB shutdown when a node goes down.
                "termination_grace_period_seconds": 90,
                "affinity": {"node_affinity": {"required_during_scheduling_ignored_during_execution": {
                    "node_selector_terms": [{"match_expressions": [
                        {"key": "nvidia.com/gpu.present", "operator": "NotIn", "values": ["true"]}]}],
                }}},
                "containers": [container],
                "volumes": [{"name": "config", "config_map": {"name": config_map}}],
            },
        },
        "volume_claim_templates": [{
            "metadata": {"name": "data", "annotations": {
                "resize.topolvm.io/threshold": "10%",
                "resize.topolvm.io/increase": "100%",
                "resize.topolvm.io/storage_limit": "50Gi",
            }},
            "spec": {
                "access_modes": ["ReadWriteOnce"],
                "storage_class_name": "proxmox-lvm-encrypted",
                "resources": {"requests": {"storage": "5Gi"}},
            },
        }],
    }


# Kyverno writes dnsConfig and two Keel annotations; the claim template is immutable and the
# autoresizer rewrites its annotations live. `keel.sh/policy: never` stays managed on purpose.
STATEFULSET_IGNORE_CHANGES = [
    IGNORE_KYVERNO_DNS_CONFIG,
    'metadata.annotations["keel.sh/trigger"]',
    'metadata.annotations["keel.sh/pollSchedule"]',
    "spec.volumeClaimTemplates",
]


def mysql_server(namespace: str, tier: str, root_secret: pulumi.Input[str], cnf: str,
                 opts: pulumi.ResourceOptions) -> tuple[k8s.apps.v1.StatefulSet, k8s.core.v1.Service]:
    """ConfigMap, StatefulSet (protected) and the compatibility Service `mysql`."""
    config_map = k8s.core.v1.ConfigMap(
        "mysql-standalone-cnf",
        metadata={"name": "mysql-standalone-cnf", "namespace": namespace},
        data={"standalone.cnf": cnf},
        opts=opts,
    )
    statefulset = k8s.apps.v1.StatefulSet(
        NAME,
        metadata={
            "name": NAME,
            "namespace": namespace,
            # `tier` is declared because Kyverno stamps it from the namespace anyway.
            "labels": {**POD_LABELS, "tier": tier},
            # Keel must never move the pinned image.
            "annotations": {"keel.sh/policy": "never"},
        },
        spec=statefulset_spec(config_map.metadata["name"], root_secret),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
            protect=True, ignore_changes=STATEFULSET_IGNORE_CHANGES)),
    )
    service = k8s.core.v1.Service(
        SERVICE,
        metadata={"name": SERVICE, "namespace": namespace},
        spec={"selector": SELECTOR, "ports": [{"port": 3306, "target_port": 3306}]},
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[statefulset])),
    )
    return statefulset, service
