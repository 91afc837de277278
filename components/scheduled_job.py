"""ScheduledJob (a CronJob) and OneOffJob (a Job): a task's pod, run on a schedule or once.

Both entry points share one args shape and one builder: the pod template (containers,
volumes, service account, pull secrets, restart policy and any other pod-spec field such
as node_selector, tolerations, affinity or security_context — passed through as Kubernetes
specs, snake_case keys, like WebApp), the Job spec around it (backoff, active deadline,
TTL), and the Kyverno-owned dnsConfig ignored in the pod template. ScheduledJob adds the
CronJob fields: schedule, time zone, suspend, concurrency (``Forbid`` unless told
otherwise: two runs of the same task racing each other is never what a homelab task
wants), starting deadline and history limits.

CronJobProbe and BackupCronJob build their CronJob through :func:`declare_cronjob`, so
there is one way to build a CronJob in the repository.

A script or config file reaches the pod through a
:class:`components.payload_config_map.PayloadConfigMap` passed in ``volumes`` (its
``volume()``), with its content hash in ``pod_metadata`` when a changed script should be
visible on the pod template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label
from components.moved import child_options, require_moved_from
from components.workload import cronjob_ignore_changes, job_ignore_changes, require_containers

CONCURRENCY_POLICIES = ("Forbid", "Replace", "Allow")
RESTART_POLICIES = ("Never", "OnFailure")
# Pod-spec fields that have their own argument (one way to set each).
_OWN_POD_FIELDS = ("containers", "init_containers", "volumes", "service_account_name",
                   "image_pull_secrets", "restart_policy")
_CRON_FIELD = re.compile(r"[0-9A-Za-z*,/?-]+")
_CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_TIME_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")


def require_schedule(component: str, argument: str, value: object, *, macros: bool = True) -> None:
    """Five cron fields (or, with ``macros``, an ``@daily``-style macro)."""
    fields = value.split() if isinstance(value, str) else []
    if macros and len(fields) == 1 and fields[0] in _CRON_MACROS:
        return
    if len(fields) != 5 or not all(_CRON_FIELD.fullmatch(f) for f in fields):
        raise ArgumentError(component, argument, f"is {value!r}, expected five cron fields like '30 6 * * *'")


def require_count(component: str, name: str, value: object, *, optional: bool = False) -> None:
    """A non-negative integer (or, with ``optional``, None)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ArgumentError(component, name, f"is {value!r}, expected a non-negative integer")


def _require_labels(component: str, name: str, value: object) -> None:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ArgumentError(component, name, f"must map strings to strings, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class OneOffJobArgs:
    """Inputs of :class:`OneOffJob`; :class:`ScheduledJobArgs` adds the CronJob fields."""

    _COMPONENT: ClassVar[str] = "OneOffJob"
    _CHILD: ClassVar[str] = "job"

    namespace: str
    containers: Sequence[Mapping]
    """Container specs (name, image, command, env, resources, ...), as Kubernetes takes them."""
    init_containers: Sequence[Mapping] = ()
    volumes: Sequence[Mapping] = ()
    """Pod volumes (a PayloadConfigMap's ``volume()``, claims, secrets, ...)."""
    service_account_name: pulumi.Input[str] | None = None
    """Run as this ServiceAccount (a WorkloadRbac's ``service_account_name``)."""
    image_pull_secrets: Sequence[str] = ()
    """Names of the pull Secrets, in order."""
    restart_policy: str = "Never"
    """`Never` or `OnFailure` (a Job's pod cannot be `Always`)."""
    pod_spec: Mapping = field(default_factory=dict)
    """Any other pod-spec field: node_selector, tolerations, affinity, security_context, ..."""
    pod_metadata: Mapping | None = None
    """The pod template's metadata (labels, annotations) as given; None leaves it out."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels of the Job/CronJob object itself."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    """Annotations of the Job/CronJob object itself."""
    backoff_limit: int | None = None
    """Retries before the Job fails; None: the Kubernetes default (6)."""
    active_deadline_seconds: int | None = None
    """Wall-clock limit of one Job, retries included."""
    ttl_seconds_after_finished: int | None = None
    """Delete finished Jobs after this long. On a one-off Job, Pulumi sees the deleted Job
    as gone after a refresh and creates (runs) it again on the next `up`."""
    ignore_changes: Sequence[str] = ()
    """Further controller-owned paths (Kyverno's dnsConfig is always ignored)."""
    moved_from: Mapping[str, str] = field(default_factory=dict)
    """The logical name the object had as a top-level resource of the stack
    (``{"job": ...}`` / ``{"cronjob": ...}``); aliased so the live object is kept."""

    def __post_init__(self) -> None:
        component = self._COMPONENT
        require_dns_label(component, "namespace", self.namespace)
        require_containers(component, "containers", self.containers)
        require_containers(component, "init_containers", self.init_containers, allow_empty=True)
        if isinstance(self.volumes, (Mapping, str)):
            raise ArgumentError(component, "volumes", "must be a list of volume specs")
        for i, volume in enumerate(self.volumes):
            if not isinstance(volume, Mapping) or not volume.get("name"):
                raise ArgumentError(component, f"volumes[{i}]", "needs a 'name'")
        if isinstance(self.service_account_name, str):
            require_dns_label(component, "service_account_name", self.service_account_name)
        if isinstance(self.image_pull_secrets, str) or not all(isinstance(s, str) and s for s in self.image_pull_secrets):
            raise ArgumentError(component, "image_pull_secrets", "must be a list of Secret names")
        require_choice(component, "restart_policy", self.restart_policy, RESTART_POLICIES)
        if not isinstance(self.pod_spec, Mapping):
            raise ArgumentError(component, "pod_spec", "must be a mapping of pod-spec fields")
        for key in _OWN_POD_FIELDS:
            if key in self.pod_spec:
                raise ArgumentError(component, "pod_spec", f"must not set {key!r}; use the {key} argument")
        if self.pod_metadata is not None and not isinstance(self.pod_metadata, Mapping):
            raise ArgumentError(component, "pod_metadata", "must be a mapping (labels, annotations) or None")
        _require_labels(component, "labels", self.labels)
        _require_labels(component, "annotations", self.annotations)
        for name in ("backoff_limit", "active_deadline_seconds", "ttl_seconds_after_finished"):
            require_count(component, name, getattr(self, name), optional=True)
        if isinstance(self.ignore_changes, str):
            raise ArgumentError(component, "ignore_changes", "must be a list of paths, not a string")
        require_moved_from(component, self.moved_from, (self._CHILD,))


@dataclass(frozen=True, kw_only=True)
class ScheduledJobArgs(OneOffJobArgs):
    """Inputs of :class:`ScheduledJob`: the job's pod and Job spec, plus the CronJob fields."""

    _COMPONENT: ClassVar[str] = "ScheduledJob"
    _CHILD: ClassVar[str] = "cronjob"

    schedule: str
    """Five-field cron expression or an @daily-style macro."""
    time_zone: str | None = None
    """IANA zone the schedule is read in (e.g. `Europe/London`); None: the controller's (UTC)."""
    suspend: bool | None = None
    """True pauses the schedule; None leaves the field unset (not suspended)."""
    concurrency_policy: str = "Forbid"
    """`Forbid` (default: a run still going skips the next), `Replace` or `Allow`.
    Terraform's kubernetes_cron_job_v1 defaulted to `Allow`: a port of a CronJob that did not
    set it passes `Allow`."""
    starting_deadline_seconds: int | None = None
    """How late a missed run may still start; None: no deadline."""
    successful_jobs_history_limit: int = 3
    failed_jobs_history_limit: int = 1
    """Finished Jobs kept (defaults are Kubernetes' and Terraform's: 3 and 1)."""
    job_metadata: Mapping | None = None
    """The job template's metadata (labels, annotations) as given; None leaves it out."""

    def __post_init__(self) -> None:
        super().__post_init__()
        component = self._COMPONENT
        require_schedule(component, "schedule", self.schedule)
        if self.time_zone is not None and (not isinstance(self.time_zone, str)
                                           or not _TIME_ZONE.fullmatch(self.time_zone)):
            raise ArgumentError(component, "time_zone", f"is {self.time_zone!r}, expected an IANA name like 'Europe/London'")
        if self.suspend is not None and not isinstance(self.suspend, bool):
            raise ArgumentError(component, "suspend", f"is {self.suspend!r}, expected True, False or None")
        require_choice(component, "concurrency_policy", self.concurrency_policy, CONCURRENCY_POLICIES)
        require_count(component, "starting_deadline_seconds", self.starting_deadline_seconds, optional=True)
        for name in ("successful_jobs_history_limit", "failed_jobs_history_limit"):
            require_count(component, name, getattr(self, name), optional=False)
        if self.job_metadata is not None and not isinstance(self.job_metadata, Mapping):
            raise ArgumentError(component, "job_metadata", "must be a mapping (labels, annotations) or None")


def object_metadata(name: str, args: OneOffJobArgs) -> dict:
    """metadata of the Job/CronJob object."""
    metadata: dict = {"name": name, "namespace": args.namespace}
    if args.labels:
        metadata["labels"] = dict(args.labels)
    if args.annotations:
        metadata["annotations"] = dict(args.annotations)
    return metadata


def job_spec(args: OneOffJobArgs) -> dict:
    """The Job spec (a CronJob's ``job_template.spec``), snake_case keys."""
    pod: dict = {**args.pod_spec, "restart_policy": args.restart_policy,
                 "containers": [dict(x) for x in args.containers]}
    if args.init_containers:
        pod["init_containers"] = [dict(x) for x in args.init_containers]
    if args.volumes:
        pod["volumes"] = [dict(x) for x in args.volumes]
    if args.service_account_name is not None:
        pod["service_account_name"] = args.service_account_name
    if args.image_pull_secrets:
        pod["image_pull_secrets"] = [{"name": s} for s in args.image_pull_secrets]
    template: dict = {"spec": pod}
    if args.pod_metadata is not None:
        template["metadata"] = dict(args.pod_metadata)
    spec: dict = {"template": template}
    for key in ("backoff_limit", "active_deadline_seconds", "ttl_seconds_after_finished"):
        if getattr(args, key) is not None:
            spec[key] = getattr(args, key)
    return spec


def cronjob_spec(args: ScheduledJobArgs) -> dict:
    """The CronJob spec, snake_case keys."""
    job_template: dict = {"spec": job_spec(args)}
    if args.job_metadata is not None:
        job_template["metadata"] = dict(args.job_metadata)
    spec: dict = {
        "schedule": args.schedule,
        "concurrency_policy": args.concurrency_policy,
        "successful_jobs_history_limit": args.successful_jobs_history_limit,
        "failed_jobs_history_limit": args.failed_jobs_history_limit,
        "job_template": job_template,
    }
    for key in ("time_zone", "suspend", "starting_deadline_seconds"):
        if getattr(args, key) is not None:
            spec[key] = getattr(args, key)
    return spec


def declare_cronjob(name: str, args: ScheduledJobArgs, parent: pulumi.Resource,
                    extra_aliases: Sequence[pulumi.Alias] = ()) -> k8s.batch.v1.CronJob:
    """CronJob ``name`` as child ``<name>-cronjob`` of ``parent``: the one CronJob builder.

    ``extra_aliases``: old URNs beyond ``args.moved_from`` (a parent that changed type)."""
    return k8s.batch.v1.CronJob(
        f"{name}-cronjob",
        metadata=object_metadata(name, args),
        spec=cronjob_spec(args),
        opts=child_options(parent, args.moved_from, "cronjob", extra_aliases=extra_aliases,
                           ignore_changes=cronjob_ignore_changes(args.ignore_changes)),
    )


class ScheduledJob(pulumi.ComponentResource):
    """CronJob ``name`` (child ``<name>-cronjob``). Output ``cronjob_name``."""

    cronjob_name: pulumi.Output[str]

    def __init__(self, name: str, args: ScheduledJobArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label("ScheduledJob", "name", name)
        if not isinstance(args, ScheduledJobArgs):
            raise ArgumentError("ScheduledJob", "args", f"must be ScheduledJobArgs, got {type(args).__name__}")
        super().__init__("homelab:k8s:ScheduledJob", name, None, opts)
        cronjob = declare_cronjob(name, args, self)
        self.cronjob_name = cronjob.metadata["name"]
        self.register_outputs({"cronjob_name": self.cronjob_name})


class OneOffJob(pulumi.ComponentResource):
    """Job ``name`` (child ``<name>-job``), run once at create. Output ``job_name``.

    Pulumi waits for the Job to complete (as Terraform's ``wait_for_completion`` did) and
    fails the update if it fails; ``opts.custom_timeouts.create`` bounds the wait. Its pod template is immutable: changing it replaces the
    Job, which runs it again — keep one-off jobs idempotent.
    """

    job_name: pulumi.Output[str]

    def __init__(self, name: str, args: OneOffJobArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label("OneOffJob", "name", name)
        if type(args) is not OneOffJobArgs:
            raise ArgumentError("OneOffJob", "args", f"must be OneOffJobArgs, got {type(args).__name__}")
        super().__init__("homelab:k8s:OneOffJob", name, None, opts)
        job = k8s.batch.v1.Job(
            f"{name}-job",
            metadata=object_metadata(name, args),
            spec=job_spec(args),
            # How long to wait for completion (Terraform's `timeouts { create }`): the component's
            # custom_timeouts, which Pulumi does not pass on to children by itself.
            opts=child_options(self, args.moved_from, "job", ignore_changes=job_ignore_changes(args.ignore_changes),
                               custom_timeouts=opts.custom_timeouts if opts else None),
        )
        self.job_name = job.metadata["name"]
        self.register_outputs({"job_name": self.job_name})
