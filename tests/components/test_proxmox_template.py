"""ProxmoxTemplate: the cloud-init template VM and its snippet."""

import pytest

from components.errors import ArgumentError
from components.proxmox_template import ProxmoxTemplate, ProxmoxTemplateArgs, template_vm_inputs

VM = "proxmoxve:index/vmLegacy:VmLegacy"
FILE = "proxmoxve:index/fileLegacy:FileLegacy"


def args(**overrides) -> ProxmoxTemplateArgs:
    base = dict(node_name="pve", vm_id=2000, template_name="ubuntu-template",
                image_file_id="local:iso/noble.img", snippet_name="cloud_init.yaml", snippet="#cloud-config\n")
    return ProxmoxTemplateArgs(**{**base, **overrides})


def test_template_reproduces_the_qm_sequence(run_mocked):
    recorded = run_mocked(lambda: ProxmoxTemplate("k8s-node-template", args()))
    vm = recorded.one(VM, "k8s-node-template-vm")
    assert vm.inputs["template"] is True and vm.inputs["started"] is False and vm.inputs["onBoot"] is False
    assert (vm.inputs["nodeName"], vm.inputs["vmId"], vm.inputs["name"]) == ("pve", 2000, "ubuntu-template")
    assert vm.inputs["memory"] == {"dedicated": 8192} and vm.inputs["cpu"] == {"cores": 8, "sockets": 1}
    assert vm.inputs["networkDevices"] == [{"bridge": "vmbr0", "model": "virtio"}]
    assert vm.inputs["disks"] == [{"interface": "scsi0", "datastoreId": "local-lvm", "fileId": "local:iso/noble.img"}]
    assert vm.inputs["initialization"] == {"datastoreId": "local-lvm", "interface": "ide2"}
    assert vm.inputs["bootOrders"] == ["scsi0"] and vm.inputs["vga"] == {"type": "serial0"}
    assert vm.inputs["serialDevices"] == [{"device": "socket"}]
    assert vm.options["ignoreChanges"] == ["disks"]
    assert vm.parent.endswith("::k8s-node-template")


def test_snippet_is_a_secret_in_the_snippets_datastore(run_mocked):
    recorded = run_mocked(lambda: ProxmoxTemplate("t", args()))
    snippet = recorded.one(FILE, "t-snippet")
    assert snippet.inputs["contentType"] == "snippets" and snippet.inputs["datastoreId"] == "local"
    assert snippet.inputs["sourceRaw"] == {"data": "[secret]", "fileName": "cloud_init.yaml"}


def test_vm_inputs_follow_overrides():
    inputs = template_vm_inputs(args(memory_mib=4096, cores=2, bridge="vmbr1", disk_datastore="fast"))
    assert inputs["memory"] == {"dedicated": 4096} and inputs["cpu"]["cores"] == 2
    assert inputs["network_devices"][0]["bridge"] == "vmbr1"
    assert inputs["disks"][0]["datastore_id"] == inputs["initialization"]["datastore_id"] == "fast"


@pytest.mark.parametrize("overrides, argument", [
    ({"vm_id": 99}, "vm_id"),
    ({"vm_id": True}, "vm_id"),
    ({"node_name": ""}, "node_name"),
    ({"template_name": "bad name"}, "template_name"),
    ({"snippet_name": "../etc/passwd"}, "snippet_name"),
    ({"snippet_name": "cloud_init.txt"}, "snippet_name"),
    ({"cores": 0}, "cores"),
    ({"network_model": "virtio-net"}, "network_model"),
])
def test_bad_arguments_name_the_argument(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        args(**overrides)
    assert err.value.argument == argument and "ProxmoxTemplate" in str(err.value)
