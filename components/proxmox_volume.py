"""ProxmoxVolume: a block-storage claim on the Proxmox CSI classes, grown by pvc-autoresizer.

Upstream repeated the same claim in many stacks: a `proxmox-lvm` (or `-encrypted`) RWO
claim with the topolvm autoresizer annotations, `wait_until_bound = false`, and
`ignore_changes` on the requested size. This component is that claim, once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label

_COMPONENT = "ProxmoxVolume"
STORAGE_CLASSES = ("proxmox-lvm", "proxmox-lvm-encrypted")
ACCESS_MODES = ("ReadWriteOnce", "ReadWriteOncePod")
RESIZE_THRESHOLD = "resize.topolvm.io/threshold"
RESIZE_INCREASE = "resize.topolvm.io/increase"
RESIZE_LIMIT = "resize.topolvm.io/storage_limit"
SKIP_AWAIT = "pulumi.com/skipAwait"
_QUANTITY = re.compile(r"^([0-9]+)(Mi|Gi|Ti)$")
_PERCENT = re.compile(r"^[0-9]{1,3}%$")
_UNIT = {"Mi": 1, "Gi": 1024, "Ti": 1024 * 1024}


def quantity_mib(value: str, argument: str = "storage") -> int:
    """`5Gi` -> 5120 (MiB). Only Mi/Gi/Ti quantities are accepted."""
    match = _QUANTITY.match(value) if isinstance(value, str) else None
    if match is None:
        raise ArgumentError(_COMPONENT, argument, f"is {value!r}, expected a quantity like '512Mi', '1Gi', '2Ti'")
    return int(match.group(1)) * _UNIT[match.group(2)]


@dataclass(frozen=True, kw_only=True)
class ProxmoxVolumeArgs:
    """Inputs of :class:`ProxmoxVolume`."""

    namespace: str
    """Namespace of the claim."""
    storage: str = "1Gi"
    """Initial request. The autoresizer grows the live value; the program never reverts it."""
    storage_limit: str | None = "5Gi"
    """Autoresizer ceiling (`resize.topolvm.io/storage_limit`); None = no autoresizing."""
    threshold: str = "10%"
    """Free-space threshold that triggers a resize."""
    increase: str = "100%"
    """Growth per resize step."""
    storage_class: str = "proxmox-lvm"
    """`proxmox-lvm`, or `proxmox-lvm-encrypted` for personal/sensitive data."""
    access_modes: Sequence[str] = ("ReadWriteOnce",)
    wait_until_bound: bool = False
    """False (upstream default for these claims): the class binds on first consumer, so
    waiting for `Bound` before the pod exists would stall the apply."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    """Extra claim annotations."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_choice(_COMPONENT, "storage_class", self.storage_class, STORAGE_CLASSES)
        size = quantity_mib(self.storage, "storage")
        if self.storage_limit is not None:
            if quantity_mib(self.storage_limit, "storage_limit") < size:
                raise ArgumentError(_COMPONENT, "storage_limit",
                                    f"is {self.storage_limit!r}, below the initial storage {self.storage!r}")
            for name in ("threshold", "increase"):
                value = getattr(self, name)
                if not isinstance(value, str) or not _PERCENT.match(value):
                    raise ArgumentError(_COMPONENT, name, f"is {value!r}, expected a percentage like '10%'")
        if isinstance(self.access_modes, str) or not self.access_modes:
            raise ArgumentError(_COMPONENT, "access_modes", "must be a non-empty list")
        for mode in self.access_modes:
            require_choice(_COMPONENT, "access_modes[]", mode, ACCESS_MODES)
        if isinstance(self.annotations, str) or any(k in self.annotations for k in (RESIZE_LIMIT, SKIP_AWAIT)):
            raise ArgumentError(_COMPONENT, "annotations",
                                "must be a mapping without the resize/skipAwait keys; use storage_limit / wait_until_bound")


def claim_annotations(args: ProxmoxVolumeArgs) -> dict[str, str]:
    """Annotations of the claim: extras, autoresizer settings, then the await opt-out."""
    annotations = dict(args.annotations)
    if args.storage_limit is not None:
        annotations.update({RESIZE_THRESHOLD: args.threshold, RESIZE_INCREASE: args.increase,
                            RESIZE_LIMIT: args.storage_limit})
    if not args.wait_until_bound:
        annotations[SKIP_AWAIT] = "true"
    return annotations


class ProxmoxVolume(pulumi.ComponentResource):
    """PersistentVolumeClaim ``name`` (child ``<name>-pvc``). Output ``claim_name``.

    Protected and retained on delete: the claim holds the only copy of its data.
    """

    claim_name: pulumi.Output[str]

    def __init__(self, name: str, args: ProxmoxVolumeArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:ProxmoxVolume", name, None, opts)
        # Autoresized claims only ever grow, and a claim cannot shrink: never revert the request.
        ignore = ["spec.resources.requests"] if args.storage_limit is not None else []
        k8s.core.v1.PersistentVolumeClaim(
            f"{name}-pvc",
            metadata={"name": name, "namespace": args.namespace, "annotations": claim_annotations(args)},
            spec={
                "access_modes": list(args.access_modes),
                "storage_class_name": args.storage_class,
                "resources": {"requests": {"storage": args.storage}},
            },
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True, ignore_changes=ignore),
        )
        self.claim_name = pulumi.Output.from_input(name)
        self.register_outputs({"claim_name": self.claim_name})
