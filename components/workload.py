"""Small builders for Deployments and CronJobs that every app stack repeats.

Upstream pasted the same `lifecycle.ignore_changes` list (Kyverno's dnsConfig, Keel's
annotations and image tag, Sablier's replica count) and the same env blocks into every
stack; these helpers are the one place that knows those field paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from components import constants as c
from components.errors import ArgumentError

KEEL_ANNOTATIONS = ("keel.sh/policy", "keel.sh/trigger", "keel.sh/pollSchedule", "keel.sh/match-tag")
ROLLOUT_ANNOTATIONS = ("kubernetes.io/change-cause", "deployment.kubernetes.io/revision")


def deployment_ignore_changes(
    *,
    keel: bool = False,
    keel_containers: Iterable[int] = (0,),
    sablier: bool = False,
    extra: Iterable[str] = (),
    dns_config: bool = True,
) -> list[str]:
    """Pulumi ``ignore_changes`` paths for a Deployment/StatefulSet.

    - dns_config: Kyverno's inject-ndots mutation (on by default; every workload has it);
    - keel: Keel's annotations, rollout bookkeeping and the image tag of ``keel_containers``;
    - sablier: the replica count Sablier scales between 0 and 1.
    """
    paths: list[str] = [c.IGNORE_KYVERNO_DNS_CONFIG] if dns_config else []
    if keel:
        paths += [f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS]
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


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
