"""Namespace with the tier label every workload's Kyverno rules key on.

The cluster's Kyverno policies generate a LimitRange, a ResourceQuota and pod priorities from
the namespace's ``tier`` label. A namespace that sizes itself passes ``quota=`` and/or
``limit_range=``: the object is created here and the namespace carries the
``resource-governance/custom-*`` label that makes Kyverno leave that object alone. A few
namespaces have no tier at all (system ones Kyverno must not touch, or ones upstream never
labelled): ``tier=None`` says so, with the reason required.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError, require_dns_label, require_text

_COMPONENT = "Namespace"
CUSTOM_QUOTA_LABEL = "resource-governance/custom-quota"
CUSTOM_LIMIT_RANGE_LABEL = "resource-governance/custom-limitrange"


@dataclass(frozen=True, kw_only=True)
class Quota:
    """A ResourceQuota of the namespace."""

    hard: Mapping[str, str]
    """`spec.hard`: {"requests.cpu": "4", "requests.memory": "8Gi", "pods": "30", ...}."""
    name: str | None = None
    """metadata.name; default ``<namespace>-quota``."""

    def __post_init__(self) -> None:
        if not isinstance(self.hard, Mapping) or not self.hard:
            raise ArgumentError("Quota", "hard", "must be a non-empty mapping of resource to quantity")
        for key, value in self.hard.items():
            if not isinstance(value, str) or not value:
                raise ArgumentError("Quota", "hard", f"value of {key!r} is {value!r}; quantities are strings ('8Gi', '30')")
        if self.name is not None:
            require_dns_label("Quota", "name", self.name)


@dataclass(frozen=True, kw_only=True)
class LimitRange:
    """A LimitRange of the namespace (defaults and bounds for containers without their own)."""

    limits: Sequence[Mapping]
    """`spec.limits` entries, snake_case: [{"type": "Container", "default": {...}, ...}]."""
    name: str | None = None
    """metadata.name; default ``<namespace>-limits``."""

    def __post_init__(self) -> None:
        if isinstance(self.limits, Mapping) or not self.limits:
            raise ArgumentError("LimitRange", "limits", "must be a non-empty list of limit entries")
        for i, item in enumerate(self.limits):
            if not isinstance(item, Mapping) or not item.get("type"):
                raise ArgumentError("LimitRange", f"limits[{i}]", "needs a 'type' (Container, Pod, PersistentVolumeClaim)")
        if self.name is not None:
            require_dns_label("LimitRange", "name", self.name)


@dataclass(frozen=True, kw_only=True)
class NamespaceArgs:
    tier: str | None
    """Tier label value: one of components.constants.TIERS values (e.g. '4-aux'); None for
    a namespace with no tier label, which needs ``no_tier_reason``."""
    no_tier_reason: str | None = None
    """Why the namespace has no tier (required with tier=None; kept in the component's
    outputs, not on the live object)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra labels (istio-injection, keel.sh/enrolled, ...)."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True
    """Deleting a namespace deletes every object and volume claim in it: protected unless a
    stack opts out for a namespace that holds nothing stateful."""
    ignore_label_changes: tuple[str, ...] = (c.IGNORE_GOLDILOCKS_LABEL,)
    """Label paths a cluster controller writes (Goldilocks' VPA mode by default)."""
    quota: Quota | None = None
    """The namespace's own ResourceQuota (Kyverno's tier quota then skips it)."""
    limit_range: LimitRange | None = None
    """The namespace's own LimitRange (Kyverno's tier defaults then skip it)."""

    def __post_init__(self) -> None:
        if self.tier is None:
            if self.no_tier_reason is None:
                raise ArgumentError(_COMPONENT, "no_tier_reason", "is required with tier=None: say why this namespace has no tier")
            require_text(_COMPONENT, "no_tier_reason", self.no_tier_reason)
        else:
            if self.tier not in c.TIERS.values():
                raise ArgumentError(_COMPONENT, "tier", f"is {self.tier!r}", c.TIERS.values())
            if self.no_tier_reason is not None:
                raise ArgumentError(_COMPONENT, "no_tier_reason", "is only for tier=None")
        if c.TIER_LABEL in self.labels:
            raise ArgumentError(_COMPONENT, "labels", "must not set 'tier'; use the tier argument")
        for label, argument, value in ((CUSTOM_QUOTA_LABEL, "quota", self.quota),
                                       (CUSTOM_LIMIT_RANGE_LABEL, "limit_range", self.limit_range)):
            if value is not None and not isinstance(value, Quota if argument == "quota" else LimitRange):
                raise ArgumentError(_COMPONENT, argument, f"must be {'Quota' if argument == 'quota' else 'LimitRange'}(...), got {value!r}")
            if value is not None and label in self.labels:
                raise ArgumentError(_COMPONENT, "labels", f"must not set {label!r}; {argument}= adds it")


def namespace_labels(args: NamespaceArgs) -> dict[str, str]:
    labels = dict(args.labels)
    if args.quota is not None:
        labels[CUSTOM_QUOTA_LABEL] = "true"
    if args.limit_range is not None:
        labels[CUSTOM_LIMIT_RANGE_LABEL] = "true"
    if args.tier is not None:
        labels[c.TIER_LABEL] = args.tier
    return labels


class Namespace(pulumi.ComponentResource):
    """Namespace ``name`` (child ``<name>-namespace``), with ``quota`` a ResourceQuota (child
    ``<name>-quota``), with ``limit_range`` a LimitRange (child ``<name>-limit-range``).
    Output ``name``."""

    name: pulumi.Output[str]

    def __init__(self, name: str, args: NamespaceArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:Namespace", name, None, opts)
        metadata: dict = {"name": name, "labels": namespace_labels(args)}
        if args.annotations:
            metadata["annotations"] = dict(args.annotations)
        self.resource = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=metadata,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, ignore_changes=list(args.ignore_label_changes)
            ),
        )
        inside = pulumi.ResourceOptions(parent=self, depends_on=[self.resource])
        if args.quota is not None:
            k8s.core.v1.ResourceQuota(
                f"{name}-quota", metadata={"name": args.quota.name or f"{name}-quota", "namespace": name},
                spec={"hard": dict(args.quota.hard)}, opts=inside)
        if args.limit_range is not None:
            k8s.core.v1.LimitRange(
                f"{name}-limit-range", metadata={"name": args.limit_range.name or f"{name}-limits", "namespace": name},
                spec={"limits": [dict(x) for x in args.limit_range.limits]}, opts=inside)
        self.name = pulumi.Output.from_input(name)
        outputs: dict = {"name": self.name}
        if args.tier is None:
            outputs["no_tier_reason"] = args.no_tier_reason
        self.register_outputs(outputs)
