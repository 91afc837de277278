"""WebApp: the Deployment + Service pair almost every app stack declares.

What it owns is the part upstream pasted into each stack: the selector repeated in the pod
template and the Service, the tier label, Kyverno/Keel/Sablier ignore-changes, the Keel
image-policy marker and the Sablier enrolment labels. What differs per app — containers,
volumes, probes, the rest of the pod spec — is passed through as Kubernetes specs
(snake_case keys, as typed pulumi_kubernetes resources accept them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label
from components.workload import (  # noqa: F401  (unpinned: re-exported, its home used to be here)
    GPU_MEMORY_RESOURCE, GPU_RESOURCE, KEEL_ANNOTATIONS, Gpu, PodWorkloadArgs, deployment_ignore_changes,
    gpu_containers, gpu_pod_spec, sablier_labels, unpinned,
)

_COMPONENT = "WebApp"
STRATEGIES = ("RollingUpdate", "Recreate")
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer")


@dataclass(frozen=True, kw_only=True)
class Pdb:
    """PodDisruptionBudget over the app's pods: exactly one of the two bounds.

    Prefer ``max_unavailable``: with one replica, ``min_available=1`` blocks every voluntary
    eviction and a node drain hangs on the pod.
    """

    min_available: int | str | None = None
    max_unavailable: int | str | None = None
    name: str | None = None
    """metadata.name; defaults to the Deployment's name."""

    def __post_init__(self) -> None:
        bounds = [b for b in (self.min_available, self.max_unavailable) if b is not None]
        if len(bounds) != 1:
            raise ArgumentError("Pdb", "min_available", "and 'max_unavailable': set exactly one")
        for argument in ("min_available", "max_unavailable"):
            value = getattr(self, argument)
            if value is None:
                continue
            # Kubernetes IntOrString: a count, or a percentage such as "50%"; a digit string
            # is kept as written because that is what the live object stores.
            if isinstance(value, bool) or not (
                    (isinstance(value, int) and value >= 0)
                    or (isinstance(value, str) and (value.isdigit() or (value.endswith("%") and value[:-1].isdigit())))):
                raise ArgumentError("Pdb", argument, f"is {value!r}, expected a count >= 0 or a percentage like '50%'")
        if self.name is not None:
            require_dns_label("Pdb", "name", self.name)


@dataclass(frozen=True, kw_only=True)
class WebAppArgs(PodWorkloadArgs):
    """Inputs of :class:`WebApp`: the shared pod-workload arguments (namespace, containers,
    selector, tier, labels, pod metadata, volumes, pod_spec, keel, ...) and the Deployment's,
    Service's and PodDisruptionBudget's own."""

    replicas: int = 1
    strategy: str | None = None
    """`RollingUpdate`, `Recreate` or None (Kubernetes default)."""
    rolling_update: Mapping | None = None
    """max_surge / max_unavailable for `RollingUpdate`."""
    progress_deadline_seconds: int | None = None
    """Seconds a rollout may make no progress before the Deployment reports it failed; None: the default (600)."""
    gpu: Gpu | None = None
    """Schedule on the GPU node (selector + toleration) and claim the device/VRAM limits."""
    keel_enforced_annotations: Sequence[str] = ()
    """Keel annotations (of workload.KEEL_ANNOTATIONS) left out of the ignore list, so that
    `up` restores them when something else strips them: set them in ``annotations``."""
    sablier_group: str | None = None
    """Scale-to-zero group: enrolment labels on the Deployment, replicas left to Sablier."""
    service_ports: Sequence[Mapping] = ()
    """Service ports; empty = no Service."""
    service_name: str | None = None
    """Service name; defaults to the app name."""
    service_labels: Mapping[str, str] | None = None
    """Service labels; default: the selector. An empty mapping: no labels on the Service."""
    service_annotations: Mapping[str, str] = field(default_factory=dict)
    service_type: str = "ClusterIP"
    service_spec: Mapping = field(default_factory=dict)
    """Any other Service spec fields (load_balancer_ip, external_traffic_policy, ...)."""
    service_ignore_changes: Sequence[str] = ()
    """Controller-owned Service paths (e.g. the pool annotation MetalLB writes)."""
    pdb: Pdb | None = None
    """PodDisruptionBudget over the selector (child ``<name>-pdb``)."""

    def __post_init__(self) -> None:
        self.validate_workload(_COMPONENT)
        if isinstance(self.replicas, bool) or not isinstance(self.replicas, int) or self.replicas < 0:
            raise ArgumentError(_COMPONENT, "replicas", f"is {self.replicas!r}, expected an integer >= 0")
        if self.progress_deadline_seconds is not None and (
                isinstance(self.progress_deadline_seconds, bool) or not isinstance(self.progress_deadline_seconds, int)
                or self.progress_deadline_seconds < 1):
            raise ArgumentError(_COMPONENT, "progress_deadline_seconds",
                                f"is {self.progress_deadline_seconds!r}, expected an integer >= 1")
        if self.strategy is not None:
            require_choice(_COMPONENT, "strategy", self.strategy, STRATEGIES)
        if self.rolling_update is not None and self.strategy == "Recreate":
            raise ArgumentError(_COMPONENT, "rolling_update", "cannot be combined with strategy='Recreate'")
        require_choice(_COMPONENT, "service_type", self.service_type, SERVICE_TYPES)
        for key in ("containers", "volumes", "init_containers"):
            if key in self.pod_spec:
                raise ArgumentError(_COMPONENT, "pod_spec", f"must not set {key!r}; use the {key} argument")
        if self.gpu is not None:
            if not isinstance(self.gpu, Gpu):
                raise ArgumentError(_COMPONENT, "gpu", f"must be Gpu(...), got {self.gpu!r}")
            if not 0 <= self.gpu.container < len(self.containers):
                raise ArgumentError(_COMPONENT, "gpu", f"container index {self.gpu.container} is out of range")
            limits = (self.containers[self.gpu.container].get("resources") or {}).get("limits") or {}
            for key in (GPU_RESOURCE, GPU_MEMORY_RESOURCE):
                if key in limits:
                    raise ArgumentError(_COMPONENT, "containers", f"must not set the {key!r} limit; use the gpu argument")
        if isinstance(self.keel_enforced_annotations, str):
            raise ArgumentError(_COMPONENT, "keel_enforced_annotations", "must be a list of annotation keys, not a string")
        for key in self.keel_enforced_annotations:
            if not self.keel:
                raise ArgumentError(_COMPONENT, "keel_enforced_annotations", "needs keel=True")
            require_choice(_COMPONENT, "keel_enforced_annotations[]", key, KEEL_ANNOTATIONS)
            if key not in self.annotations:
                raise ArgumentError(_COMPONENT, "keel_enforced_annotations",
                                    f"names {key!r}, which is not in annotations; an enforced key needs a value")
        for port in self.service_ports:
            if not isinstance(port, Mapping) or "port" not in port:
                raise ArgumentError(_COMPONENT, "service_ports", f"entry {port!r} has no 'port'")
        if self.pdb is not None and not isinstance(self.pdb, Pdb):
            raise ArgumentError(_COMPONENT, "pdb", f"must be Pdb(...), got {self.pdb!r}")
        if isinstance(self.service_ignore_changes, str):
            raise ArgumentError(_COMPONENT, "service_ignore_changes", "must be a list of paths, not a string")


def deployment_spec(name: str, args: WebAppArgs) -> tuple[dict, dict]:
    """(metadata, spec) of the Deployment."""
    sablier = sablier_labels(args.sablier_group) if args.sablier_group is not None else None
    selector, metadata, template_metadata = args.workload_metadata(name, sablier)
    pod: dict = {**args.pod_spec, "containers": [dict(x) for x in args.containers]}
    if args.gpu is not None:
        pod = {**gpu_pod_spec(args.gpu, args.pod_spec), "containers": gpu_containers(args.gpu, args.containers)}
    args.pod_extras(pod)

    spec: dict = {"replicas": args.replicas, "selector": {"match_labels": selector},
                  "template": {"metadata": template_metadata, "spec": pod}}
    if args.revision_history_limit is not None:
        spec["revision_history_limit"] = args.revision_history_limit
    if args.progress_deadline_seconds is not None:
        spec["progress_deadline_seconds"] = args.progress_deadline_seconds
    if args.strategy is not None or args.rolling_update is not None:
        strategy: dict = {}
        if args.strategy is not None:
            strategy["type"] = args.strategy
        if args.rolling_update is not None:
            strategy["rolling_update"] = dict(args.rolling_update)
        spec["strategy"] = strategy
    return metadata, spec


class WebApp(pulumi.ComponentResource):
    """Deployment ``name`` (child ``<name>-deployment``) and, with ports, Service (child ``<name>-service``).

    With ``pdb``, a PodDisruptionBudget (child ``<name>-pdb``) over the same selector.
    Outputs ``deployment_name`` and ``service_name`` (None without a Service).
    """

    deployment_name: pulumi.Output[str]
    service_name: pulumi.Output[str | None]

    def __init__(self, name: str, args: WebAppArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:WebApp", name, None, opts)
        metadata, spec = deployment_spec(name, args)
        ignore = deployment_ignore_changes(keel=args.keel, keel_containers=args.keel_containers,
                                           keel_enforced=args.keel_enforced_annotations,
                                           sablier=args.sablier_group is not None, extra=args.ignore_changes)
        k8s.apps.v1.Deployment(f"{name}-deployment", metadata=metadata, spec=spec,
                               opts=pulumi.ResourceOptions(parent=self, ignore_changes=ignore))
        service_name = None
        if args.service_ports:
            service_name = args.service_name or name
            service_labels = dict(args.service_labels if args.service_labels is not None
                                  else (args.selector or {"app": name}))
            service_metadata: dict = {"name": service_name, "namespace": args.namespace}
            if service_labels:
                service_metadata["labels"] = service_labels
            if args.service_annotations:
                service_metadata["annotations"] = dict(args.service_annotations)
            service_spec: dict = {**args.service_spec, "selector": dict(args.selector or {"app": name}),
                                  "ports": [dict(p) for p in args.service_ports]}
            if args.service_type != "ClusterIP":
                service_spec["type"] = args.service_type
            k8s.core.v1.Service(f"{name}-service", metadata=service_metadata, spec=service_spec,
                                opts=pulumi.ResourceOptions(parent=self,
                                                            ignore_changes=list(args.service_ignore_changes)))
        if args.pdb is not None:
            pdb_spec: dict = {"selector": {"match_labels": dict(args.selector or {"app": name})}}
            if args.pdb.min_available is not None:
                pdb_spec["min_available"] = args.pdb.min_available
            else:
                pdb_spec["max_unavailable"] = args.pdb.max_unavailable
            k8s.policy.v1.PodDisruptionBudget(
                f"{name}-pdb", metadata={"name": args.pdb.name or name, "namespace": args.namespace},
                spec=pdb_spec, opts=pulumi.ResourceOptions(parent=self))
        self.deployment_name = pulumi.Output.from_input(name)
        self.service_name = pulumi.Output.from_input(service_name)
        self.register_outputs({"deployment_name": self.deployment_name, "service_name": self.service_name})
