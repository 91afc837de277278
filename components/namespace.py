"""Namespace with the tier label every workload's Kyverno rules key on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError, require_dns_label

_COMPONENT = "Namespace"


@dataclass(frozen=True, kw_only=True)
class NamespaceArgs:
    tier: str
    """Tier label value: one of components.constants.TIERS values (e.g. '4-aux')."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra labels (istio-injection, keel.sh/enrolled, ...)."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True
    """Deleting a namespace deletes every object and volume claim in it: protected unless a
    stack opts out for a namespace that holds nothing stateful."""
    ignore_label_changes: tuple[str, ...] = (c.IGNORE_GOLDILOCKS_LABEL,)
    """Label paths a cluster controller writes (Goldilocks' VPA mode by default)."""

    def __post_init__(self) -> None:
        if self.tier not in c.TIERS.values():
            raise ArgumentError(_COMPONENT, "tier", f"is {self.tier!r}", c.TIERS.values())
        if c.TIER_LABEL in self.labels:
            raise ArgumentError(_COMPONENT, "labels", "must not set 'tier'; use the tier argument")


class Namespace(pulumi.ComponentResource):
    """Namespace ``name``. Output ``name``."""

    name: pulumi.Output[str]

    def __init__(self, name: str, args: NamespaceArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:Namespace", name, None, opts)
        metadata: dict = {"name": name, "labels": {**args.labels, c.TIER_LABEL: args.tier}}
        if args.annotations:
            metadata["annotations"] = dict(args.annotations)
        self.resource = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=metadata,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, ignore_changes=list(args.ignore_label_changes)
            ),
        )
        self.name = pulumi.Output.from_input(name)
        self.register_outputs({"name": self.name})
