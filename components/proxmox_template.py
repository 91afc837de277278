"""ProxmoxTemplate: a cloud-init VM template on a Proxmox node and the snippet its clones use.

Upstream (`modules/create-template-vm`) did this over SSH: `qm create` + `qm importdisk` +
`qm template` when the VM id was free, and an upload of the rendered cloud-config to the
node's snippets directory. Here the same two real objects are provider resources
(bpg/proxmox, `pulumi_proxmoxve`): the template is a `VmLegacy` with `template=True`, the
snippet a `FileLegacy` of content type `snippets`. The cloud image the template's boot disk
is imported from is passed in by file id, because several templates share one image file.

Import ids (adopting live objects): the VM ``<node>/<vm_id>``, the snippet
``<node>/<snippet_datastore>:snippets/<snippet_name>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_proxmoxve as proxmox

from components.errors import ArgumentError, require_text

_COMPONENT = "ProxmoxTemplate"
_NAME = re.compile(r"^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$")
_SNIPPET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$")
NETWORK_MODELS = ("virtio", "e1000", "rtl8139", "vmxnet3")
DISK_INTERFACE = "scsi0"
CLOUD_INIT_INTERFACE = "ide2"


@dataclass(frozen=True, kw_only=True)
class ProxmoxTemplateArgs:
    """Inputs of :class:`ProxmoxTemplate` (upstream create-template-vm variables)."""

    node_name: str
    """Proxmox node that holds the template and the snippet."""
    vm_id: int
    """Template VM id (upstream `template_id`)."""
    template_name: str
    """VM name of the template (`qm create --name`)."""
    image_file_id: pulumi.Input[str]
    """`<datastore>:iso/<file>` of the cloud image the boot disk is imported from."""
    snippet_name: str
    """File name under the snippets datastore (`/var/lib/vz/snippets/<name>` for `local`)."""
    snippet: pulumi.Input[str]
    """Rendered cloud-config; pass a secret when it holds passwords, keys or join tokens."""
    memory_mib: int = 8192
    cores: int = 8
    sockets: int = 1
    bridge: str = "vmbr0"
    network_model: str = "virtio"
    disk_datastore: str = "local-lvm"
    """Datastore of the imported boot disk and of the cloud-init drive."""
    snippet_datastore: str = "local"
    """Directory datastore with the `snippets` content type."""
    scsi_hardware: str = "virtio-scsi-pci"

    def __post_init__(self) -> None:
        for name in ("node_name", "template_name"):
            value = getattr(self, name)
            require_text(_COMPONENT, name, value)
            if not _NAME.match(value):
                raise ArgumentError(_COMPONENT, name, f"is {value!r}; use letters, digits, '-' and '.'")
        if isinstance(self.vm_id, bool) or not isinstance(self.vm_id, int) or not 100 <= self.vm_id <= 999_999_999:
            raise ArgumentError(_COMPONENT, "vm_id", f"is {self.vm_id!r}, expected a Proxmox VM id (100-999999999)")
        if not isinstance(self.snippet_name, str) or not _SNIPPET.match(self.snippet_name):
            raise ArgumentError(_COMPONENT, "snippet_name", f"is {self.snippet_name!r}, expected a plain '<name>.yaml' file name")
        for name in ("memory_mib", "cores", "sockets"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ArgumentError(_COMPONENT, name, f"is {value!r}, expected a positive integer")
        if self.network_model not in NETWORK_MODELS:
            raise ArgumentError(_COMPONENT, "network_model", f"is {self.network_model!r}", NETWORK_MODELS)
        for name in ("bridge", "disk_datastore", "snippet_datastore", "scsi_hardware"):
            require_text(_COMPONENT, name, getattr(self, name))


def template_vm_inputs(args: ProxmoxTemplateArgs) -> dict:
    """The `VmLegacy` inputs that reproduce upstream's `qm create` / `qm set` sequence."""
    return {
        "node_name": args.node_name,
        "vm_id": args.vm_id,
        "name": args.template_name,
        "template": True,
        # qm create leaves the VM stopped and off autostart; bpg defaults differ.
        "started": False,
        "on_boot": False,
        "memory": {"dedicated": args.memory_mib},
        "cpu": {"cores": args.cores, "sockets": args.sockets},
        "network_devices": [{"bridge": args.bridge, "model": args.network_model}],
        "scsi_hardware": args.scsi_hardware,
        "disks": [{"interface": DISK_INTERFACE, "datastore_id": args.disk_datastore, "file_id": args.image_file_id}],
        "initialization": {"datastore_id": args.disk_datastore, "interface": CLOUD_INIT_INTERFACE},
        "boot_orders": [DISK_INTERFACE],
        "serial_devices": [{"device": "socket"}],
        "vga": {"type": "serial0"},
    }


class ProxmoxTemplate(pulumi.ComponentResource):
    """Template VM ``<name>-vm`` and snippet ``<name>-snippet``. Outputs ``vm_id``, ``snippet_file_id``."""

    vm_id: pulumi.Output[int]
    snippet_file_id: pulumi.Output[str]

    def __init__(self, name: str, args: ProxmoxTemplateArgs, opts: pulumi.ResourceOptions | None = None):
        require_text(_COMPONENT, "name", name)
        super().__init__("homelab:proxmox:Template", name, None, opts)
        snippet = proxmox.FileLegacy(
            f"{name}-snippet",
            node_name=args.node_name,
            datastore_id=args.snippet_datastore,
            content_type="snippets",
            source_raw={"data": pulumi.Output.secret(args.snippet), "file_name": args.snippet_name},
            opts=pulumi.ResourceOptions(parent=self),
        )
        proxmox.VmLegacy(
            f"{name}-vm",
            **template_vm_inputs(args),
            # The boot disk is imported once at creation; its size and source are the image's,
            # and a template's disks are never edited in place.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["disks"]),
        )
        self.vm_id = pulumi.Output.from_input(args.vm_id)
        # The volume id clones reference in `cicustom` (user=<snippet_file_id>).
        self.snippet_file_id = snippet.id.apply(lambda _: f"{args.snippet_datastore}:snippets/{args.snippet_name}")
        self.register_outputs({"vm_id": self.vm_id, "snippet_file_id": self.snippet_file_id})
