"""Helm release with the cluster's defaults: atomic, cleanup on failure, explicit name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_dns_label, require_text

_COMPONENT = "HelmRelease"


@dataclass(frozen=True, kw_only=True)
class HelmReleaseArgs:
    namespace: str
    chart: str
    """Chart name in the repository (or an OCI reference)."""
    version: str
    """Exact chart version: releases are never left floating."""
    repository: str | None = None
    """Chart repository URL; None for OCI charts given in `chart`."""
    values: Mapping = field(default_factory=dict)
    """Helm values, built as a Python dict by the stack."""
    atomic: bool = True
    """Roll back a failed upgrade instead of leaving a half-applied release."""
    cleanup_on_fail: bool = True
    timeout: int = 300
    """Seconds Helm waits for resources to become ready."""
    create_namespace: bool = False
    skip_await: bool | None = None
    max_history: int | None = None

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_text(_COMPONENT, "chart", self.chart)
        require_text(_COMPONENT, "version", self.version)
        if self.version.strip() in ("latest", "*") or self.version.startswith(("^", "~", ">")):
            raise ArgumentError(_COMPONENT, "version", f"is {self.version!r}; pin an exact chart version")
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, int) or self.timeout <= 0:
            raise ArgumentError(_COMPONENT, "timeout", f"is {self.timeout!r}, expected positive seconds")
        if not isinstance(self.values, Mapping):
            raise ArgumentError(_COMPONENT, "values", f"must be a mapping, got {type(self.values).__name__}")


class HelmRelease(pulumi.ComponentResource):
    """Release ``name`` (the Helm release name) as one `helm.v3.Release`. Output ``release_name``."""

    release_name: pulumi.Output[str]

    def __init__(self, name: str, args: HelmReleaseArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:HelmRelease", name, None, opts)
        extra: dict = {}
        if args.skip_await is not None:
            extra["skip_await"] = args.skip_await
        if args.max_history is not None:
            extra["max_history"] = args.max_history
        self.release = k8s.helm.v3.Release(
            f"{name}-release",
            name=name,  # an explicit release name: Pulumi would otherwise append a random suffix
            namespace=args.namespace,
            chart=args.chart,
            version=args.version,
            repository_opts={"repo": args.repository} if args.repository else None,
            values=dict(args.values),
            atomic=args.atomic,
            cleanup_on_fail=args.cleanup_on_fail,
            timeout=args.timeout,
            create_namespace=args.create_namespace,
            **extra,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.release_name = pulumi.Output.from_input(name)
        self.register_outputs({"release_name": self.release_name})
