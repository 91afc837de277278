"""proxmox-csi: the plugin release and its immutable StorageClasses, node topology labels, the reconciler."""

import pytest

NS = "proxmox-csi"
NODES = ["k8s-master", "k8s-node1", "k8s-node2", "k8s-node3", "k8s-node4", "k8s-node5"]
CLASS_COMMON = {"storage": "local-lvm", "reclaimPolicy": "Retain", "fstype": "ext4", "ssd": False, "cache": "none",
                "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True,
                "annotations": {"resize.topolvm.io/enabled": "true"}}


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("proxmox-csi")


@pytest.fixture(scope="module")
def release(stack):
    [release] = [r for r in stack.of_type("kubernetes:helm.sh/v3:Release") if r["custom"]]
    return release["inputs"]


def test_release_pins_the_oci_chart(release):
    assert (release["name"], release["namespace"], release["chart"], release["version"]) == (
        "proxmox-csi-plugin", NS, "proxmox-csi-plugin", "0.5.6")
    assert release["repositoryOpts"]["repo"] == "oci://ghcr.io/sergelogvinov/charts"
    assert release["atomic"] and release["timeout"] == 300


def test_storage_classes_are_exactly_the_live_ones(release):
    """StorageClass parameters are immutable: any difference would replace a class every claim names."""
    assert release["values"]["storageClass"] == [
        {"name": "proxmox-lvm", **CLASS_COMMON},
        {"name": "proxmox-lvm-encrypted", **CLASS_COMMON, "extraParameters": {
            "csi.storage.k8s.io/node-stage-secret-name": "proxmox-csi-encryption",
            "csi.storage.k8s.io/node-stage-secret-namespace": "kube-system",
            "csi.storage.k8s.io/node-expand-secret-name": "proxmox-csi-encryption",
            "csi.storage.k8s.io/node-expand-secret-namespace": "kube-system",
        }},
    ]


def test_node_plugin_runs_everywhere_a_claim_can_land(release):
    node = release["values"]["node"]
    assert {t["key"] for t in node["tolerations"]} == {
        "karpenter.sh/disrupted", "node.kubernetes.io/unschedulable", "node.kubernetes.io/disk-pressure", "nvidia.com/gpu"}
    assert node["plugin"]["resources"] == {"requests": {"cpu": "10m", "memory": "1024Mi"}, "limits": {"memory": "1280Mi"}}
    cluster = release["values"]["config"]["clusters"][0]
    assert (cluster["url"], cluster["insecure"], cluster["region"]) == ("https://192.168.1.127:8006/api2/json", True, "pve")


@pytest.mark.parametrize("node", NODES)
def test_each_node_carries_its_topology_labels(stack, node):
    [patch] = [r for r in stack.of_type("kubernetes:core/v1:NodePatch") if r["inputs"]["metadata"]["name"] == node]
    assert patch["inputs"]["metadata"]["labels"] == {
        "topology.kubernetes.io/region": "pve", "topology.kubernetes.io/zone": "pve",
        "node.csi.proxmox.sinextra.dev/name": node, "csi.proxmox.sinextra.dev/max-volume-attachments": "28"}
    assert "spec" not in patch["inputs"]  # labels only: the node's taints are not this stack's
    assert patch["options"]["retainOnDelete"] is True


def test_encryption_passphrase_secret_outlives_its_external_secret(stack):
    spec = stack.k8s("ExternalSecret", "proxmox-csi-encryption", "kube-system")["inputs"]["spec"]
    assert spec["target"] == {"name": "proxmox-csi-encryption", "creationPolicy": "Owner", "deletionPolicy": "Retain"}
    assert spec["data"] == [{"secretKey": "encryption-passphrase",
                             "remoteRef": {"key": "viktor", "property": "proxmox_csi_encryption_passphrase"}}]


def test_snapshot_admin_token_and_rules(stack):
    token = stack.k8s("Secret", "pve-snapshot-admin-token", "kube-system")["inputs"]
    assert token["type"] == "kubernetes.io/service-account-token"
    assert token["metadata"]["annotations"]["kubernetes.io/service-account.name"] == "pve-snapshot-admin"
    rules = stack.k8s("ClusterRole", "pve-snapshot-admin")["inputs"]["rules"]
    assert rules[2] == {"apiGroups": ["apps"], "resources": ["deployments/scale", "statefulsets/scale"],
                        "verbs": ["get", "update", "patch"]}


def test_ghost_reconciler_schedule_and_limits(stack):
    cron = stack.k8s("CronJob", "csi-ghost-reconcile", NS)["inputs"]["spec"]
    assert (cron["schedule"], cron["concurrencyPolicy"]) == ("*/15 * * * *", "Forbid")
    job = cron["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (1, 300, 600)
    pod = job["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"] == "python:3.13-alpine" and container["command"] == ["python3", "/script/reconcile.py"]
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env["MAX_DETACH"] == "5" and env["DRY_RUN"] == "false"
    assert env["PVE_TOKEN_SECRET"] == {"secretKeyRef": {"name": "csi-ghost-reconcile-pve", "key": "token_secret"}}
    assert pod["serviceAccountName"] == "csi-ghost-reconcile"
    assert pod["volumes"][0]["configMap"]["defaultMode"] == 0o555
