"""Proxmox CSI plugin: every proxmox-lvm and proxmox-lvm-encrypted claim in the cluster.

The chart renders the two StorageClasses (their parameters are immutable: the values below
are exactly the live ones), the controller and the node plugin. The node plugin finds a
node's Proxmox VM through topology labels, patched onto each node here. A reconciler
detaches disks Proxmox still holds for volumes the cluster let go.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.helm import HelmRelease, HelmReleaseArgs
from components.kube_patch import node_patch
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
NS = "proxmox-csi"
PVE_URL = "https://192.168.1.127:8006/api2/json"
PVE_CLUSTER = "pve"
# The plugin's hard ceiling is 30 attachments per node; 28 leaves room for the boot disk and a
# transient attach during a reschedule (the default, 24, was too low for k8s-node1).
MAX_VOLUME_ATTACHMENTS = "28"
# Kubernetes node -> Proxmox node that hosts its VM.
K8S_NODES = {"k8s-master": "pve", "k8s-node1": "pve", "k8s-node2": "pve", "k8s-node3": "pve",
             "k8s-node4": "pve", "k8s-node5": "pve"}
ENCRYPTION_SECRET = "proxmox-csi-encryption"

token_id = vault_field("viktor", "proxmox_csi_token_id")
token_secret = vault_field("viktor", "proxmox_csi_token_secret")

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={
    "resource-governance/custom-quota": "true", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])


def _storage_class(name: str, **extra) -> dict:
    return {"name": name, "storage": "local-lvm", "reclaimPolicy": "Retain", "fstype": "ext4", "ssd": False,
            "cache": "none", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True,
            "annotations": {"resize.topolvm.io/enabled": "true"}, **extra}


release = HelmRelease("proxmox-csi-plugin", HelmReleaseArgs(
    namespace=NS,
    repository="oci://ghcr.io/sergelogvinov/charts",
    chart="proxmox-csi-plugin",
    version="0.5.6",
    timeout=300,
    values={
        "config": {"clusters": [{"url": PVE_URL, "insecure": True, "token_id": token_id,
                                 "token_secret": token_secret, "region": PVE_CLUSTER}]},
        "storageClass": [
            _storage_class("proxmox-lvm"),
            _storage_class("proxmox-lvm-encrypted", extraParameters={
                "csi.storage.k8s.io/node-stage-secret-name": ENCRYPTION_SECRET,
                "csi.storage.k8s.io/node-stage-secret-namespace": "kube-system",
                "csi.storage.k8s.io/node-expand-secret-name": ENCRYPTION_SECRET,
                "csi.storage.k8s.io/node-expand-secret-namespace": "kube-system",
            }),
        ],
        "controller": {"replicas": 2, "resources": {"requests": {"cpu": "10m", "memory": "32Mi"},
                                                    "limits": {"memory": "64Mi"}}},
        "node": {
            # The node plugin must run on every node a claim can land on, cordoned or GPU-tainted too.
            "tolerations": [
                {"key": "karpenter.sh/disrupted", "operator": "Exists", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
                {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
                {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
            ],
            "plugin": {"resources": {"requests": {"cpu": "10m", "memory": "1024Mi"},
                                     "limits": {"memory": "1280Mi"}}},
        },
    },
), opts=ns_opts)

for node, pve_node in K8S_NODES.items():
    node_patch(f"{node}-csi-topology", node=node, labels={
        "topology.kubernetes.io/region": PVE_CLUSTER,
        "topology.kubernetes.io/zone": pve_node,
        "node.csi.proxmox.sinextra.dev/name": node,
        "csi.proxmox.sinextra.dev/max-volume-attachments": MAX_VOLUME_ATTACHMENTS,
    })

# The LUKS passphrase of every proxmox-lvm-encrypted volume; the Secret outlives the
# ExternalSecret (a lost passphrase is a lost volume).
k8s.apiextensions.CustomResource(
    "external-secret-encryption",
    api_version="external-secrets.io/v1",
    kind="ExternalSecret",
    metadata={"name": ENCRYPTION_SECRET, "namespace": "kube-system",
              "annotations": {"pulumi.com/patchForce": "true"}},
    spec={
        "refreshInterval": "1h",
        "secretStoreRef": {"kind": "ClusterSecretStore", "name": "vault-kv"},
        "target": {"name": ENCRYPTION_SECRET, "creationPolicy": "Owner", "deletionPolicy": "Retain"},
        "data": [{"secretKey": "encryption-passphrase",
                  "remoteRef": {"key": "viktor", "property": "proxmox_csi_encryption_passphrase"}}],
    },
)

# Token for the Proxmox-side snapshot tooling (scales workloads around a snapshot).
WorkloadRbac("pve-snapshot-admin", WorkloadRbacArgs(
    namespace="kube-system", role_kind="ClusterRole", token_secret="pve-snapshot-admin-token",
    rules=[
        Rule(api_groups=[""], resources=["persistentvolumes", "persistentvolumeclaims", "pods"], verbs=["get", "list"]),
        Rule(api_groups=["apps"], resources=["deployments", "statefulsets", "replicasets"],
             verbs=["get", "list", "update", "patch"]),
        Rule(api_groups=["apps"], resources=["deployments/scale", "statefulsets/scale"], verbs=["get", "update", "patch"]),
    ],
))

# --- ghost-attachment reconciler -------------------------------------------------------------
after_release = pulumi.ResourceOptions(depends_on=[release])
pve_secret = k8s.core.v1.Secret(
    "ghost-reconcile-pve",
    metadata={"name": "csi-ghost-reconcile-pve", "namespace": NS},
    string_data={"token_id": token_id, "token_secret": token_secret},
    opts=after_release,
)
reconcile_rbac = WorkloadRbac("csi-ghost-reconcile", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    rules=[Rule(api_groups=["storage.k8s.io"], resources=["volumeattachments"], verbs=["get", "list"])],
), opts=after_release)
script = PayloadConfigMap("csi-ghost-reconcile-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"reconcile.py": "reconcile.py"}))


def _secret_env(name: str, key: str) -> dict:
    return {"name": name, "value_from": {"secret_key_ref": {"name": "csi-ghost-reconcile-pve", "key": key}}}


ScheduledJob("csi-ghost-reconcile", ScheduledJobArgs(
    namespace=NS,
    schedule="*/15 * * * *",
    concurrency_policy="Forbid",
    successful_jobs_history_limit=3,
    failed_jobs_history_limit=3,
    backoff_limit=1,
    active_deadline_seconds=300,
    ttl_seconds_after_finished=600,
    job_metadata={},
    pod_metadata={},
    service_account_name=reconcile_rbac.service_account_name,
    containers=[{
        "name": "reconcile",
        "image": "python:3.13-alpine",
        "image_pull_policy": "IfNotPresent",
        "command": ["python3", "/script/reconcile.py"],
        "env": [
            {"name": "PVE_URL", "value": PVE_URL},
            {"name": "DRY_RUN", "value": "false"},
            {"name": "MAX_DETACH", "value": "5"},
            {"name": "PUSHGATEWAY", "value": "http://prometheus-prometheus-pushgateway.monitoring.svc.cluster.local:9091"},
            _secret_env("PVE_TOKEN_ID", "token_id"),
            _secret_env("PVE_TOKEN_SECRET", "token_secret"),
        ],
        "volume_mounts": [{"name": "script", "mount_path": "/script"}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[script.volume("script", default_mode=0o555)],
), opts=pulumi.ResourceOptions(depends_on=[release, pve_secret]))

pulumi.export("release_name", release.release_name)
pulumi.export("storage_classes", ["proxmox-lvm", "proxmox-lvm-encrypted"])
