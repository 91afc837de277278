"""ProxmoxVolume: the autoresized Proxmox CSI claim."""

import pytest

from components.errors import ArgumentError
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs, claim_annotations, quantity_mib


def test_claim_defaults_match_the_upstream_pattern(run_mocked):
    recorded = run_mocked(lambda: ProxmoxVolume("app-data-proxmox", ProxmoxVolumeArgs(namespace="app")))
    pvc = recorded.k8s("PersistentVolumeClaim", "app-data-proxmox")
    assert pvc.name == "app-data-proxmox-pvc"
    assert pvc.inputs["metadata"]["namespace"] == "app"
    assert pvc.inputs["metadata"]["annotations"] == {
        "resize.topolvm.io/threshold": "10%", "resize.topolvm.io/increase": "100%",
        "resize.topolvm.io/storage_limit": "5Gi", "pulumi.com/skipAwait": "true"}
    assert pvc.inputs["spec"] == {"accessModes": ["ReadWriteOnce"], "storageClassName": "proxmox-lvm",
                                  "resources": {"requests": {"storage": "1Gi"}}}
    assert pvc.options["ignoreChanges"] == ["spec.resources.requests"]
    assert pvc.options["protect"] and pvc.options["retainOnDelete"]


def test_encrypted_class_without_autoresize_waits_and_keeps_size(run_mocked):
    args = ProxmoxVolumeArgs(namespace="app", storage="2Gi", storage_limit=None,
                             storage_class="proxmox-lvm-encrypted", wait_until_bound=True)
    assert claim_annotations(args) == {}
    recorded = run_mocked(lambda: ProxmoxVolume("vault-data", args))
    pvc = recorded.k8s("PersistentVolumeClaim", "vault-data")
    assert pvc.inputs["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert pvc.options["ignoreChanges"] == []


def test_quantity_parser():
    assert quantity_mib("512Mi") == 512 and quantity_mib("5Gi") == 5120 and quantity_mib("1Ti") == 1024 * 1024


@pytest.mark.parametrize("kwargs,argument", [
    ({"storage": "1G"}, "storage"),
    ({"storage": "10Gi", "storage_limit": "5Gi"}, "storage_limit"),
    ({"storage_class": "nfs-truenas"}, "storage_class"),
    ({"threshold": "ten"}, "threshold"),
    ({"increase": "100"}, "increase"),
    ({"access_modes": "ReadWriteOnce"}, "access_modes"),
    ({"access_modes": ["ReadWriteMany"]}, "access_modes[]"),
    ({"annotations": {"pulumi.com/skipAwait": "false"}}, "annotations"),
])
def test_bad_inputs_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as error:
        ProxmoxVolumeArgs(namespace="app", **kwargs)
    assert error.value.argument == argument
