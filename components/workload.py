"""Small builders for Deployments and CronJobs that every app stack repeats.

Upstream pasted the same `lifecycle.ignore_changes` list (Kyverno's dnsConfig, Keel's
annotations and image tag, Sablier's replica count) and the same env blocks into every
stack; these helpers are the one place that knows those field paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from components import constants as c
from components.errors import ArgumentError, require_dns_label

KEEL_ANNOTATIONS = ("keel.sh/policy", "keel.sh/trigger", "keel.sh/pollSchedule", "keel.sh/match-tag")
ROLLOUT_ANNOTATIONS = ("kubernetes.io/change-cause", "deployment.kubernetes.io/revision")


def deployment_ignore_changes(
    *,
    keel: bool = False,
    keel_containers: Iterable[int] = (0,),
    keel_enforced: Iterable[str] = (),
    sablier: bool = False,
    extra: Iterable[str] = (),
    dns_config: bool = True,
) -> list[str]:
    """Pulumi ``ignore_changes`` paths for a Deployment/StatefulSet.

    - dns_config: Kyverno's inject-ndots mutation (on by default; every workload has it);
    - keel: Keel's annotations (except ``keel_enforced``, which the program keeps
      asserting), rollout bookkeeping and the image tag of ``keel_containers``;
    - sablier: the replica count Sablier scales between 0 and 1.
    """
    paths: list[str] = [c.IGNORE_KYVERNO_DNS_CONFIG] if dns_config else []
    if keel:
        enforced = set(keel_enforced)
        paths += [f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS if a not in enforced]
        paths += [f"spec.template.spec.containers[{i}].image" for i in keel_containers]
        paths += [f'metadata.annotations["{a}"]' for a in ROLLOUT_ANNOTATIONS]
        paths.append('spec.template.metadata.annotations["keel.sh/update-time"]')
    if sablier:
        paths.append("spec.replicas")
    paths += list(extra)
    return paths


def cronjob_ignore_changes(extra: Iterable[str] = ()) -> list[str]:
    """``ignore_changes`` for a CronJob: Kyverno's dnsConfig in the job's pod template."""
    return [c.IGNORE_CRONJOB_KYVERNO_DNS_CONFIG, *extra]


def job_ignore_changes(extra: Iterable[str] = ()) -> list[str]:
    """``ignore_changes`` for a one-off Job: Kyverno's dnsConfig in its pod template.

    A Job's pod template is immutable, so without this every apply would replace the Job
    (and run it again).
    """
    return [c.IGNORE_KYVERNO_DNS_CONFIG, *extra]


def require_containers(component: str, argument: str, containers: Sequence[Mapping], *,
                       allow_empty: bool = False) -> None:
    """A list of container specs, each with at least ``name`` and ``image``."""
    if isinstance(containers, (Mapping, str)) or (not containers and not allow_empty):
        raise ArgumentError(component, argument, "must be a non-empty list of container specs")
    for i, container in enumerate(containers):
        if not isinstance(container, Mapping) or not container.get("name") or not container.get("image"):
            raise ArgumentError(component, f"{argument}[{i}]", "needs at least 'name' and 'image'")


def unpinned(image: str) -> bool:
    """No tag or digest, or the `latest` tag."""
    if "@sha256:" in image:
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last or last.endswith(":latest")


@dataclass(frozen=True, kw_only=True)
class PodWorkloadArgs:
    """The arguments every pod-template workload component shares (WebApp, NodeAgent).

    The selector doubles as the template's labels; the tier label and Keel's image-policy
    marker go on the workload's metadata. Each component adds its own controller fields
    (replicas and strategy, host access and tolerations) and calls
    :meth:`validate_workload` from its ``__post_init__``.
    """

    namespace: str
    containers: Sequence[Mapping]
    """Container specs, in order (snake_case keys; the first is the one Keel's image-tag ignore
    targets by default)."""
    selector: Mapping[str, str] | None = None
    """Pod selector, also the template's labels; defaults to {"app": <name>}."""
    tier: str | None = None
    """Tier label on the workload's metadata (one of constants.TIERS values)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """More workload labels (with the selector's, unless ``labels_include_selector=False``)."""
    labels_include_selector: bool = True
    """False: the workload's own labels are ``labels`` (and the tier) only, for a live
    object labelled with part of its selector (llama-cpp's `llama-swap`)."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    """Workload annotations."""
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    """More pod-template labels."""
    pod_annotations: Mapping[str, str] = field(default_factory=dict)
    volumes: Sequence[Mapping] = ()
    init_containers: Sequence[Mapping] = ()
    pod_spec: Mapping = field(default_factory=dict)
    """Other pod-spec fields (node_selector, security_context, service_account_name, ...)."""
    revision_history_limit: int | None = None
    """Old revisions kept for rollback; None leaves the Kubernetes default (10)."""
    keel: bool = False
    """Keel rolls the image: ignore its annotations and the tags of ``keel_containers``; when
    one of those images is unpinned (no tag, or `:latest`), mark the workload so the
    image-pinned policy accepts it."""
    keel_containers: Sequence[int] = (0,)
    """Containers whose image tag Keel owns."""
    ignore_changes: Sequence[str] = ()
    """Further controller-owned paths."""

    def validate_workload(self, component: str) -> None:
        """The checks every pod workload needs; errors name ``component``."""
        require_dns_label(component, "namespace", self.namespace)
        require_containers(component, "containers", self.containers)
        if self.tier is not None and self.tier not in c.TIERS.values():
            raise ArgumentError(component, "tier", f"is {self.tier!r}", c.TIERS.values())
        if self.selector is not None and not self.selector:
            raise ArgumentError(component, "selector", "must not be empty")
        if not isinstance(self.pod_spec, Mapping):
            raise ArgumentError(component, "pod_spec", "must be a mapping of pod-spec fields")
        if self.revision_history_limit is not None and (
                isinstance(self.revision_history_limit, bool) or not isinstance(self.revision_history_limit, int)
                or self.revision_history_limit < 0):
            raise ArgumentError(component, "revision_history_limit",
                                f"is {self.revision_history_limit!r}, expected an integer >= 0")
        for i in self.keel_containers:
            if not 0 <= i < len(self.containers):
                raise ArgumentError(component, "keel_containers", f"index {i} is out of range")

    def workload_metadata(self, name: str, extra_labels: Mapping[str, str] | None = None) -> tuple[dict, dict, dict]:
        """(selector, workload metadata, pod-template metadata) for workload ``name``."""
        selector = dict(self.selector or {"app": name})
        labels = {**(selector if self.labels_include_selector else {}), **self.labels}
        if self.tier is not None:
            labels[c.TIER_LABEL] = self.tier
        labels.update(extra_labels or {})
        annotations = dict(self.annotations)
        if self.keel and any(unpinned(str(self.containers[i]["image"])) for i in self.keel_containers):
            annotations[c.IMAGE_POLICY_ANNOTATION] = c.IMAGE_POLICY_KEEL
        metadata: dict = {"name": name, "namespace": self.namespace, "labels": labels}
        if annotations:
            metadata["annotations"] = annotations
        template_metadata: dict = {"labels": {**selector, **self.pod_labels}}
        if self.pod_annotations:
            template_metadata["annotations"] = dict(self.pod_annotations)
        return selector, metadata, template_metadata

    def pod_extras(self, pod: dict) -> dict:
        """``pod`` with the init containers and volumes added."""
        if self.init_containers:
            pod["init_containers"] = [dict(x) for x in self.init_containers]
        if self.volumes:
            pod["volumes"] = [dict(v) for v in self.volumes]
        return pod


def sablier_labels(group: str, ready_after: str = "5s") -> dict[str, str]:
    """Deployment labels that enrol it in a Sablier group (pair with IngressArgs.sablier)."""
    return {"sablier.enable": "true", "sablier.group": group, "sablier.ready-after": ready_after}


def env(values: Mapping[str, object]) -> list[dict]:
    """Plain env vars; numbers are rendered as strings the way Kubernetes stores them."""
    return [{"name": k, "value": _text(v)} for k, v in values.items()]


def secret_env(secret: str, keys: Mapping[str, str], *, optional: bool = False) -> list[dict]:
    """Env vars read from ``secret``: {ENV_NAME: secret_key}."""
    ref_extra = {"optional": True} if optional else {}
    return [
        {"name": name, "value_from": {"secret_key_ref": {"name": secret, "key": key, **ref_extra}}}
        for name, key in keys.items()
    ]


GPU_NODE_LABEL = "nvidia.com/gpu.present"
GPU_RESOURCE = "nvidia.com/gpu"
"""The device plugin's resource, also the key of the GPU node's NoSchedule taint."""
GPU_MEMORY_RESOURCE = "viktorbarzin.me/gpumem"
"""VRAM budget (MiB) the nvidia stack advertises on the GPU node; the sum of every tenant's
limit must stay within it, so values carry over from upstream exactly."""


@dataclass(frozen=True, kw_only=True)
class Gpu:
    """Run on the (single, time-sliced) GPU node: node selector, taint toleration and,
    optionally, the device and VRAM-budget limits on one container."""

    devices: int | None = None
    """`nvidia.com/gpu` limit; None for a pod that only needs the node (its drivers, say)."""
    memory_mib: int | None = None
    """`viktorbarzin.me/gpumem` limit: the VRAM this tenant may hold."""
    container: int = 0
    """Index of the container that gets the limits."""
    explicit_operator: bool = True
    """Write the toleration's `operator: Equal` (Kubernetes' default once `value` is set).
    Both forms exist live; keep each workload's as it is so adoption changes nothing."""
    node_label: str = GPU_NODE_LABEL
    """Node label (value "true") the pod selects: the GPU operator's `nvidia.com/gpu.present`,
    or the hand-set `gpu` label one live workload (llama-cpp) still selects on."""

    def __post_init__(self) -> None:
        for argument, value in (("devices", self.devices), ("memory_mib", self.memory_mib)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ArgumentError("Gpu", argument, f"is {value!r}, expected a positive integer or None")
        if self.memory_mib is not None and self.devices is None:
            raise ArgumentError("Gpu", "memory_mib", "needs devices: a VRAM budget without the GPU means nothing")
        if isinstance(self.container, bool) or not isinstance(self.container, int) or self.container < 0:
            raise ArgumentError("Gpu", "container", f"is {self.container!r}, expected a container index")
        if not isinstance(self.node_label, str) or not re.fullmatch(r"([a-z0-9.-]+/)?[A-Za-z0-9._-]+", self.node_label):
            raise ArgumentError("Gpu", "node_label", f"is {self.node_label!r}, expected a label key like 'nvidia.com/gpu.present'")


def gpu_pod_spec(gpu: Gpu, pod_spec: Mapping | None = None) -> dict:
    """``pod_spec`` plus the GPU node selector and toleration (appended to any others)."""
    pod = dict(pod_spec or {})
    toleration = {"key": GPU_RESOURCE, **({"operator": "Equal"} if gpu.explicit_operator else {}),
                  "value": "true", "effect": "NoSchedule"}
    pod["node_selector"] = {**pod.get("node_selector", {}), gpu.node_label: "true"}
    pod["tolerations"] = [*pod.get("tolerations", []), toleration]
    return pod


def gpu_containers(gpu: Gpu, containers: Iterable[Mapping]) -> list[dict]:
    """``containers`` with the device and VRAM limits added to container ``gpu.container``."""
    out = [dict(x) for x in containers]
    if gpu.container >= len(out):
        raise ArgumentError("Gpu", "container", f"index {gpu.container} is out of range")
    limits: dict = {}
    if gpu.devices is not None:
        limits[GPU_RESOURCE] = str(gpu.devices)
    if gpu.memory_mib is not None:
        limits[GPU_MEMORY_RESOURCE] = str(gpu.memory_mib)
    if limits:
        target = out[gpu.container]
        resources = dict(target.get("resources") or {})
        resources["limits"] = {**resources.get("limits", {}), **limits}
        target["resources"] = resources
    return out


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
