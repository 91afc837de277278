"""NodeAgent: a DaemonSet, one pod per node, WebApp's sibling for node-level agents.

What it owns: the selector repeated in the pod template, the tier label, the Kyverno/Keel
ignore-changes and Keel's image-policy marker (the same rules WebApp applies), and the
host access a node agent asks for. Host access is never passed through ``pod_spec``: the
host network, the host PID namespace and hostPath volumes are explicit arguments, so a
reader (and the policy pack's exceptions) sees them in the stack's declaration. Tolerations
are explicit too: on which tainted nodes the agent runs is the point of a DaemonSet.
Privilege stays in the container specs, where Kubernetes puts it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label
from components.moved import child_options, require_moved_from
from components.workload import PodWorkloadArgs, deployment_ignore_changes

_COMPONENT = "NodeAgent"
UPDATE_STRATEGIES = ("RollingUpdate", "OnDelete")
# Pod-spec fields that have their own argument (so that host access stays explicit).
_OWN_ARGUMENTS = {"containers": "containers", "init_containers": "init_containers", "volumes": "volumes",
                  "host_network": "host_network", "host_pid": "host_pid", "tolerations": "tolerations",
                  "hostNetwork": "host_network", "hostPID": "host_pid"}


@dataclass(frozen=True, kw_only=True)
class NodeAgentArgs(PodWorkloadArgs):
    """Inputs of :class:`NodeAgent`: the shared pod-workload arguments (namespace, containers,
    selector, tier, labels, pod metadata, volumes, pod_spec, keel, ...; privileged and
    capabilities go in the container specs) and the DaemonSet's own."""

    host_network: bool = False
    """Run in the node's network namespace (DNS caches, CNI helpers)."""
    host_pid: bool = False
    """See the node's processes (exporters that read /proc of the host)."""
    host_paths: bool = False
    """The agent mounts hostPath volumes; a hostPath in ``volumes`` without this is refused."""
    tolerations: Sequence[Mapping] = ()
    """Taints the agent tolerates (control plane, GPU node, ...), in order."""
    update_strategy: str | None = None
    """`RollingUpdate`, `OnDelete` or None (Kubernetes default)."""
    rolling_update: Mapping | None = None
    """max_unavailable / max_surge for `RollingUpdate`."""
    moved_from: Mapping[str, str] = field(default_factory=dict)
    """{"daemonset": old logical name} when the DaemonSet was a top-level resource before."""

    def __post_init__(self) -> None:
        self.validate_workload(_COMPONENT)
        for key, argument in _OWN_ARGUMENTS.items():
            if key in self.pod_spec:
                raise ArgumentError(_COMPONENT, "pod_spec", f"must not set {key!r}; use the {argument} argument")
        for flag in ("host_network", "host_pid", "host_paths"):
            if not isinstance(getattr(self, flag), bool):
                raise ArgumentError(_COMPONENT, flag, f"must be True or False, got {getattr(self, flag)!r}")
        host_volumes = [v.get("name") for v in self.volumes if isinstance(v, Mapping) and "host_path" in v]
        if host_volumes and not self.host_paths:
            raise ArgumentError(_COMPONENT, "volumes", f"mount host paths {host_volumes}; set host_paths=True to say so")
        if self.host_paths and not host_volumes:
            raise ArgumentError(_COMPONENT, "host_paths", "is True but no volume has a host_path")
        if isinstance(self.tolerations, Mapping) or isinstance(self.tolerations, str):
            raise ArgumentError(_COMPONENT, "tolerations", "must be a list of toleration specs")
        for toleration in self.tolerations:
            if not isinstance(toleration, Mapping) or not ({"key", "operator"} & set(toleration)):
                raise ArgumentError(_COMPONENT, "tolerations", f"entry {toleration!r} has neither 'key' nor 'operator'")
        if self.update_strategy is not None:
            require_choice(_COMPONENT, "update_strategy", self.update_strategy, UPDATE_STRATEGIES)
        if self.rolling_update is not None and self.update_strategy == "OnDelete":
            raise ArgumentError(_COMPONENT, "rolling_update", "cannot be combined with update_strategy='OnDelete'")
        require_moved_from(_COMPONENT, self.moved_from, ("daemonset",))


def daemonset_spec(name: str, args: NodeAgentArgs) -> tuple[dict, dict]:
    """(metadata, spec) of the DaemonSet."""
    selector, metadata, template_metadata = args.workload_metadata(name)
    pod: dict = dict(args.pod_spec)
    if args.host_network:
        pod["host_network"] = True
    if args.host_pid:
        pod["host_pid"] = True
    if args.tolerations:
        pod["tolerations"] = [dict(t) for t in args.tolerations]
    pod["containers"] = [dict(x) for x in args.containers]
    args.pod_extras(pod)

    spec: dict = {"selector": {"match_labels": selector}, "template": {"metadata": template_metadata, "spec": pod}}
    if args.revision_history_limit is not None:
        spec["revision_history_limit"] = args.revision_history_limit
    if args.update_strategy is not None or args.rolling_update is not None:
        strategy: dict = {}
        if args.update_strategy is not None:
            strategy["type"] = args.update_strategy
        if args.rolling_update is not None:
            strategy["rolling_update"] = dict(args.rolling_update)
        spec["update_strategy"] = strategy
    return metadata, spec


class NodeAgent(pulumi.ComponentResource):
    """DaemonSet ``name`` (child ``<name>-daemonset``). Output ``daemonset_name``."""

    daemonset_name: pulumi.Output[str]

    def __init__(self, name: str, args: NodeAgentArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:NodeAgent", name, None, opts)
        metadata, spec = daemonset_spec(name, args)
        ignore = deployment_ignore_changes(keel=args.keel, keel_containers=args.keel_containers,
                                           extra=args.ignore_changes)
        k8s.apps.v1.DaemonSet(f"{name}-daemonset", metadata=metadata, spec=spec,
                              opts=child_options(self, args.moved_from, "daemonset", ignore_changes=ignore))
        self.daemonset_name = pulumi.Output.from_input(name)
        self.register_outputs({"daemonset_name": self.daemonset_name})
