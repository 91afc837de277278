"""NFS-backed PersistentVolume + claim through the nfs.csi.k8s.io driver."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text

_COMPONENT = "NfsVolume"
STORAGE_CLASS = "nfs-truenas"
ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
MOUNT_OPTIONS = ("nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5")


@dataclass(frozen=True, kw_only=True)
class NfsVolumeArgs:
    namespace: str
    """Namespace of the claim (the PV is cluster-scoped)."""
    nfs_server: str
    """settings.nfs_server."""
    nfs_path: str
    """Export path, e.g. /srv/nfs/tandoor."""
    storage: str = "10Gi"
    """Capacity (informational for NFS)."""
    access_modes: Sequence[str] = ("ReadWriteMany",)

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_text(_COMPONENT, "nfs_server", self.nfs_server)
        if not isinstance(self.nfs_path, str) or not self.nfs_path.startswith("/"):
            raise ArgumentError(_COMPONENT, "nfs_path", f"is {self.nfs_path!r}; an absolute export path is required")
        if not re.fullmatch(r"[0-9]+(Ki|Mi|Gi|Ti)", self.storage):
            raise ArgumentError(_COMPONENT, "storage", f"is {self.storage!r}, expected a quantity like '5Gi'")
        if isinstance(self.access_modes, str) or not self.access_modes:
            raise ArgumentError(_COMPONENT, "access_modes", "must be a non-empty list")
        for mode in self.access_modes:
            require_choice(_COMPONENT, "access_modes[]", mode, ACCESS_MODES)


class NfsVolume(pulumi.ComponentResource):
    """PV and PVC both named ``name``. Output ``claim_name``."""

    claim_name: pulumi.Output[str]

    def __init__(self, name: str, args: NfsVolumeArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:NfsVolume", name, None, opts)
        # Protected and retained on delete: the claim is the handle on data that outlives any program.
        keep = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)
        volume = k8s.core.v1.PersistentVolume(
            f"{name}-pv",
            metadata={"name": name},
            spec={
                "capacity": {"storage": args.storage},
                "access_modes": list(args.access_modes),
                "persistent_volume_reclaim_policy": "Retain",
                "storage_class_name": STORAGE_CLASS,
                "volume_mode": "Filesystem",
                "mount_options": list(MOUNT_OPTIONS),
                "csi": {
                    "driver": "nfs.csi.k8s.io",
                    "volume_handle": name,
                    "volume_attributes": {"server": args.nfs_server, "share": args.nfs_path},
                },
            },
            opts=keep,
        )
        k8s.core.v1.PersistentVolumeClaim(
            f"{name}-pvc",
            metadata={"name": name, "namespace": args.namespace},
            spec={
                "access_modes": list(args.access_modes),
                "storage_class_name": STORAGE_CLASS,
                "volume_name": name,
                "resources": {"requests": {"storage": args.storage}},
            },
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True, depends_on=[volume]),
        )
        self.claim_name = pulumi.Output.from_input(name)
        self.register_outputs({"claim_name": self.claim_name})
