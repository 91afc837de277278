"""Kubernetes-object helpers: pod specs of workloads (Kyverno auto-gen), images, metadata."""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any, Iterator, Optional

from policies.common import UNKNOWN, Resource, dig

# Kinds whose pod template Kyverno's auto-gen covers, mapped to the path of the pod spec's
# parent object (the one carrying metadata + spec).
POD_TEMPLATE_PATHS: dict[str, tuple] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


@dataclasses.dataclass
class PodView:
    path: str                 # dotted path of the pod object inside the resource inputs
    spec: Any                 # the pod spec (dict or UNKNOWN)
    labels: Any               # pod (template) labels
    annotations: Any          # pod (template) annotations
    workload_annotations: Any  # annotations on the resource itself


def pod_views(res: Resource) -> list:
    if not res.type.startswith("kubernetes:"):
        return []
    # Server-side-apply patches (DeploymentPatch, ...) carry the same pod template.
    kind = res.kind[:-len("Patch")] if res.kind.endswith("Patch") else res.kind
    path = POD_TEMPLATE_PATHS.get(kind)
    if path is None:
        return []
    pod = dig(res.props, *path) if path else res.props
    if pod is None:
        return []
    spec = dig(pod, "spec")
    if spec is None:
        return []
    return [PodView(path=".".join(path + ("spec",)), spec=spec, labels=dig(pod, "metadata", "labels"),
                    annotations=dig(pod, "metadata", "annotations"),
                    workload_annotations=dig(res.props, "metadata", "annotations"))]


def containers(spec: Any, which: tuple = ("containers", "initContainers")) -> Iterator[tuple]:
    """(list name, index, container) for each container; UNKNOWN lists yield (name, None, UNKNOWN)."""
    for key in which:
        items = dig(spec, key)
        if items is UNKNOWN:
            yield key, None, UNKNOWN
            continue
        for i, c in enumerate(items or []):
            yield key, i, c


def namespace_of(res: Resource) -> Any:
    """metadata.namespace: a string, UNKNOWN, or None when not set."""
    ns = dig(res.props, "metadata", "namespace")
    return ns if (ns is UNKNOWN or isinstance(ns, str) and ns) else None


def metadata_name(res: Resource) -> Any:
    return dig(res.props, "metadata", "name")


def cname(c: Any, key: str, i: Optional[int]) -> str:
    n = dig(c, "name")
    return f"{key}[{i}] '{n}'" if isinstance(n, str) else f"{key}[{i}]"


# --- images ------------------------------------------------------------------------------------

@dataclasses.dataclass
class ImageRef:
    raw: str
    repository: str
    tag: Optional[str]
    digest: Optional[str]


def parse_image(image: str) -> ImageRef:
    rest, digest = (image.split("@", 1) + [None])[:2] if "@" in image else (image, None)
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        repo_tail, tag = last.split(":", 1)
        repository = rest[: len(rest) - len(last)] + repo_tail
    else:
        tag, repository = None, rest
    return ImageRef(raw=image, repository=repository, tag=tag or None, digest=digest or None)


@functools.lru_cache(maxsize=None)  # compiled once per pattern, not once per container
def wildcard_regex(pattern: str) -> re.Pattern:
    """Kyverno wildcard (``*`` any run of characters, ``?`` one character) as a regex."""
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("^" + "".join(out) + "$", re.DOTALL)
