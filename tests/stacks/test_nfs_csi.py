"""nfs-csi: the driver release and the immutable StorageClass every NFS PV names."""

import pytest

NS = "nfs-csi"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("nfs-csi")


@pytest.fixture(scope="module")
def release(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]


def test_storage_class_is_exactly_the_live_one(stack):
    """StorageClass fields are immutable: any difference would replace the class."""
    inputs = stack.k8s("StorageClass", "nfs-truenas")["inputs"]
    fields = {k: v for k, v in inputs.items() if k not in ("apiVersion", "kind")}
    assert fields == {
        "metadata": {"name": "nfs-truenas"},
        "provisioner": "nfs.csi.k8s.io",
        "reclaimPolicy": "Retain",
        "volumeBindingMode": "Immediate",
        "mountOptions": ["nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5"],
        "parameters": {"server": "192.168.1.127", "share": "/srv/nfs"},
    }


def test_release_is_held_at_the_known_good_chart(release):
    assert (release["name"], release["namespace"], release["chart"], release["version"]) == (
        "csi-driver-nfs", NS, "csi-driver-nfs", "4.13.1")
    assert release["repositoryOpts"]["repo"] == (
        "https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts")
    assert release["atomic"] and release["timeout"] == 300


def test_controllers_spread_off_the_control_plane(release):
    controller = release["values"]["controller"]
    assert controller["replicas"] == 2
    [term] = controller["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert term == {"matchExpressions": [{"key": "node-role.kubernetes.io/control-plane", "operator": "DoesNotExist"}]}
    assert controller["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == [
        {"labelSelector": {"matchLabels": {"app": "csi-nfs-controller"}}, "topologyKey": "kubernetes.io/hostname"}]
    assert controller["livenessProbe"] == {"httpPort": 29653}
    assert controller["resources"]["nfs"] == {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}}
    assert controller["resources"]["livenessProbe"] == {"requests": {"cpu": "10m", "memory": "64Mi"},
                                                       "limits": {"memory": "64Mi"}}
    assert sorted(controller["resources"]) == ["csiProvisioner", "csiResizer", "csiSnapshotter", "livenessProbe", "nfs"]


def test_node_plugin_resources_and_no_chart_class(release):
    node = release["values"]["node"]["resources"]
    assert node == {
        "nfs": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
        "livenessProbe": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
        "nodeDriverRegistrar": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }
    assert release["values"]["storageClass"] == {"create": False}


def test_namespace_labels(stack):
    assert stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"] == {"tier": "1-cluster", "keel.sh/enrolled": "true"}


def test_storage_class_cannot_be_replaced_or_deleted_by_an_up(stack):
    options = stack.k8s("StorageClass", "nfs-truenas")["options"]
    assert options["protect"] is True and options["retainOnDelete"] is True
