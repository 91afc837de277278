"""BackupCronJob: a nightly dump job that writes onto a backup claim and pushes its stats.

The database backups (MySQL and PostgreSQL, whole-server and per-database) share one
shape: an inline shell script in a stock client image, the database password from a
Secret, the backup claim mounted at ``/backup``, and a handful of ``backup_*`` metrics
pushed to the Pushgateway for the staleness alerts. They differ from a
:class:`components.cronjob_probe.CronJobProbe` in the scheduling contract — a late or stuck
run is *replaced* by the next one (the newest dump is what matters), a failed dump is
retried, and finished Jobs are removed quickly — and in owning a volume.

:class:`AppBackup` is the same CronJob for *application data* (an sqlite ``.backup``, an
rsync of a data directory, a ``pg_dumpall`` of an app's own database): it adds the source
claim(s) mounted read-only, the target as either a claim or an inline NFS export, a
required pod affinity to the pod that owns a ReadWriteOnce source (the claim can only
attach on that node), and a retention check against the script. App scripts name the
Pushgateway themselves, so no ``PUSHGATEWAY_URL`` variable is added unless asked for, and an
app backup may push nothing at all (``metrics`` empty): a database dump without metrics
would have no staleness alert, so BackupCronJob still requires them.

``moved_from_component`` folds a backup that a stack declared as a plain ``ScheduledJob`` of
the same name into one of these without replacing the live CronJob: the component and its
CronJob child are aliased to their ``ScheduledJob`` URNs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import pulumi

from components.cronjob_probe import PUSHGATEWAY_URL, require_metric_names
from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.moved import former_parent_alias
from components.payload import is_placeholder
from components.scheduled_job import CONCURRENCY_POLICIES, RESTART_POLICIES, ScheduledJobArgs, declare_cronjob, require_count, require_schedule

_COMPONENT = "BackupCronJob"
# Components a backup may have been declared as before (same name, same parent): their type tokens.
FORMER_COMPONENTS = {"ScheduledJob": "homelab:k8s:ScheduledJob"}


@dataclass(frozen=True, kw_only=True)
class BackupCronJobArgs:
    """Inputs of :class:`BackupCronJob`."""

    _COMPONENT: ClassVar[str] = _COMPONENT
    _METRICS_REQUIRED: ClassVar[bool] = True
    """A database dump must push its metrics: the staleness alerts are the only thing that
    notices a backup that silently stopped."""

    namespace: str
    """Namespace of the CronJob (and of the backup claim)."""
    schedule: str
    """Five-field cron expression."""
    image: str
    """Client image that has the dump tools (pinned tag)."""
    script: str
    """Script run as ``<shell> -c <script>``; a BackupCronJob's pushes to ``$PUSHGATEWAY_URL``."""
    metrics: Sequence[str]
    """Metric names the script pushes, exported for alert rules (at least one; an
    :class:`AppBackup`'s may be empty)."""
    claim_name: pulumi.Input[str] | None
    """The backup PersistentVolumeClaim, mounted at ``mount_path`` (None only for an
    :class:`AppBackup` with ``nfs_target``)."""
    volume_name: str = "backup"
    """Name of the pod volume that carries the claim."""
    mount_path: str = "/backup"
    container_name: str | None = None
    """Defaults to the component name."""
    shell: str = "/bin/bash"
    """The interpreter that takes ``-c <script>``: a shell, or ``python3`` for a Python script."""
    env: Sequence[Mapping] = ()
    """Container env entries (see components.workload.env / secret_env)."""
    resources: Mapping | None = None
    """Container requests/limits; None leaves them unset."""
    concurrency_policy: str = "Replace"
    """`Replace` (default): a run still going at the next tick is superseded."""
    starting_deadline_seconds: int | None = 600
    """How late the controller may still start a missed run (a short deadline silently drops runs
    when the controller lags at the midnight backup window)."""
    backoff_limit: int | None = 3
    """Retries of a failed dump (None leaves it to the cluster default)."""
    ttl_seconds_after_finished: int | None = 10
    successful_jobs_history_limit: int = 3
    failed_jobs_history_limit: int = 3
    restart_policy: str = "Never"
    pushgateway_url: str = PUSHGATEWAY_URL
    """Exported to the script as ``PUSHGATEWAY_URL``."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """CronJob metadata labels."""
    export_pushgateway_url: bool = True
    """Add ``PUSHGATEWAY_URL`` as the last env entry (scripts that name the URL themselves don't need it)."""
    pod_spec: Mapping = field(default_factory=dict)
    """Extra pod spec fields passed through (``dns_config``, ``node_selector``, ...)."""
    moved_from_component: str | None = None
    """The component this CronJob was declared as before, with the same name and parent
    (``"ScheduledJob"``): the component and its CronJob are aliased to their old URNs, so
    folding a hand-built backup in keeps the live object."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_text(_COMPONENT, "image", self.image)
        require_text(_COMPONENT, "script", self.script)
        require_text(_COMPONENT, "shell", self.shell)
        require_dns_label(_COMPONENT, "volume_name", self.volume_name)
        if self.container_name is not None:
            require_dns_label(_COMPONENT, "container_name", self.container_name)
        require_schedule(_COMPONENT, "schedule", self.schedule, macros=False)
        if self._METRICS_REQUIRED or isinstance(self.metrics, str) or self.metrics:
            require_metric_names(self._COMPONENT, "metrics", self.metrics)
        elif self.export_pushgateway_url:
            raise ArgumentError(self._COMPONENT, "export_pushgateway_url",
                                "is True but metrics is empty: a script that pushes nothing needs no Pushgateway")
        if self.moved_from_component is not None:
            require_choice(self._COMPONENT, "moved_from_component", self.moved_from_component, FORMER_COMPONENTS)
        if not isinstance(self.mount_path, str) or not self.mount_path.startswith("/"):
            raise ArgumentError(_COMPONENT, "mount_path", f"is {self.mount_path!r}; an absolute path is required")
        require_choice(_COMPONENT, "concurrency_policy", self.concurrency_policy, CONCURRENCY_POLICIES)
        require_choice(_COMPONENT, "restart_policy", self.restart_policy, RESTART_POLICIES)
        if self.claim_name is None and getattr(self, "nfs_target", None) is None:
            raise ArgumentError(_COMPONENT, "claim_name", "is None; a backup claim (or, for AppBackup, nfs_target) is required")
        for name in ("successful_jobs_history_limit", "failed_jobs_history_limit"):
            require_count(_COMPONENT, name, getattr(self, name))
        for name in ("backoff_limit", "starting_deadline_seconds", "ttl_seconds_after_finished"):
            require_count(_COMPONENT, name, getattr(self, name), optional=True)


@dataclass(frozen=True, kw_only=True)
class BackupSource:
    """One claim an :class:`AppBackup` reads, mounted before the backup target."""

    volume_name: str
    claim_name: pulumi.Input[str]
    mount_path: str
    read_only: bool = True
    """Read-only by default: a backup never writes into the app's data."""

    def __post_init__(self) -> None:
        require_dns_label(_APP, "sources.volume_name", self.volume_name)
        if not isinstance(self.mount_path, str) or not self.mount_path.startswith("/"):
            raise ArgumentError(_APP, "sources.mount_path", f"is {self.mount_path!r}; an absolute path is required")


_APP = "AppBackup"


@dataclass(frozen=True, kw_only=True)
class AppBackupArgs(BackupCronJobArgs):
    """Inputs of :class:`AppBackup`: a BackupCronJob plus the application's side."""

    _COMPONENT: ClassVar[str] = "AppBackup"
    _METRICS_REQUIRED: ClassVar[bool] = False

    metrics: Sequence[str] = ()
    """Metric names the script pushes (empty: it pushes none; output ``metric_names`` is ``[]``)."""
    shell: str = "/bin/sh"
    export_pushgateway_url: bool = False
    sources: Sequence[BackupSource] = ()
    """Claims read by the script, mounted (in this order) before the target."""
    nfs_target: Mapping[str, str] | None = None
    """``{"server": ..., "path": ...}``: an inline NFS volume as the target instead of ``claim_name``."""
    owner_labels: Mapping[str, str] | None = None
    """Labels of the pod holding a ReadWriteOnce source: a required pod affinity on
    ``kubernetes.io/hostname`` puts the backup on that node."""
    owner_namespaces: Sequence[str] = ()
    """``namespaces`` of that affinity term (empty: the CronJob's own, left unset)."""
    extra_volumes: Sequence[Mapping] = ()
    """Further pod volumes after the target (a script ConfigMap, ...)."""
    extra_mounts: Sequence[Mapping] = ()
    """Their container mounts, after the target's."""
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels of the pod template (empty: the template metadata stays empty)."""
    image_pull_secrets: Sequence[str] = ()
    """Names of the pull Secrets of the pod, in order."""
    retention_days: int | None = None
    """Days of copies the script keeps (output ``retention_days``); a script whose
    ``-mtime +N`` rotation disagrees is reported as a warning."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.claim_name is None) == (self.nfs_target is None):
            raise ArgumentError(_APP, "nfs_target", "exactly one of claim_name and nfs_target is required")
        if self.nfs_target is not None and set(self.nfs_target) != {"server", "path"}:
            raise ArgumentError(_APP, "nfs_target", f"has keys {sorted(self.nfs_target)}, expected server and path")
        if self.owner_namespaces and not self.owner_labels:
            raise ArgumentError(_APP, "owner_namespaces", "is set without owner_labels")
        require_count(_APP, "retention_days", self.retention_days, optional=True)
        if not isinstance(self.pod_labels, Mapping) or not all(
                isinstance(k, str) and k and isinstance(v, str) for k, v in self.pod_labels.items()):
            raise ArgumentError(_APP, "pod_labels", f"must map strings to strings, got {self.pod_labels!r}")
        if isinstance(self.image_pull_secrets, str) or not all(isinstance(x, str) and x for x in self.image_pull_secrets):
            raise ArgumentError(_APP, "image_pull_secrets", "must be a list of Secret names")


def retention_mismatch(args: AppBackupArgs) -> str | None:
    """Why ``retention_days`` and the script's rotation disagree, or None.

    Only a warning: the script is carried over byte for byte, so the program cannot fix it,
    and a placeholder (or a script passed as an Output) has nothing to check yet.
    """
    if args.retention_days is None or not isinstance(args.script, str) or is_placeholder(args.script):
        return None
    if f"-mtime +{args.retention_days}" in args.script:
        return None
    return f"retention_days is {args.retention_days} but the script has no '-mtime +{args.retention_days}' rotation"


def _owner_affinity(args: AppBackupArgs) -> dict:
    term: dict = {"label_selector": {"match_labels": dict(args.owner_labels or {})},
                  "topology_key": "kubernetes.io/hostname"}
    if args.owner_namespaces:
        term["namespaces"] = list(args.owner_namespaces)
    return {"pod_affinity": {"required_during_scheduling_ignored_during_execution": [term]}}


def _volumes_and_mounts(args: BackupCronJobArgs) -> tuple[list[dict], list[dict]]:
    """Pod volumes and container mounts: sources, then the target, then any extras."""
    volumes: list[dict] = []
    mounts: list[dict] = []
    for source in getattr(args, "sources", ()):
        volumes.append({"name": source.volume_name, "persistent_volume_claim": {"claim_name": source.claim_name}})
        mount = {"name": source.volume_name, "mount_path": source.mount_path}
        if source.read_only:
            mount["read_only"] = True
        mounts.append(mount)
    nfs = getattr(args, "nfs_target", None)
    target = {"nfs": dict(nfs)} if nfs is not None else {"persistent_volume_claim": {"claim_name": args.claim_name}}
    volumes.append({"name": args.volume_name, **target})
    mounts.append({"name": args.volume_name, "mount_path": args.mount_path})
    volumes.extend(dict(v) for v in getattr(args, "extra_volumes", ()))
    mounts.extend(dict(m) for m in getattr(args, "extra_mounts", ()))
    return volumes, mounts


def scheduled_job_args(name: str, args: BackupCronJobArgs) -> ScheduledJobArgs:
    """The CronJob as ScheduledJob arguments (built by the one CronJob builder)."""
    volumes, mounts = _volumes_and_mounts(args)
    env = list(args.env)
    if args.export_pushgateway_url:
        env.append({"name": "PUSHGATEWAY_URL", "value": args.pushgateway_url})
    container: dict = {
        "name": args.container_name or name,
        "image": args.image,
        "command": [args.shell, "-c", args.script],
    }
    if env:
        container["env"] = env
    container["volume_mounts"] = mounts
    if args.resources is not None:
        container["resources"] = dict(args.resources)
    pod_spec = dict(args.pod_spec)
    if getattr(args, "owner_labels", None):
        pod_spec["affinity"] = _owner_affinity(args)
    pod_labels = getattr(args, "pod_labels", None)
    return ScheduledJobArgs(
        namespace=args.namespace,
        schedule=args.schedule,
        containers=[container],
        volumes=volumes,
        image_pull_secrets=list(getattr(args, "image_pull_secrets", ())),
        pod_spec=pod_spec,
        restart_policy=args.restart_policy,
        labels=args.labels,
        backoff_limit=args.backoff_limit,
        ttl_seconds_after_finished=args.ttl_seconds_after_finished,
        concurrency_policy=args.concurrency_policy,
        starting_deadline_seconds=args.starting_deadline_seconds,
        successful_jobs_history_limit=args.successful_jobs_history_limit,
        failed_jobs_history_limit=args.failed_jobs_history_limit,
        # Empty template metadata (bar any pod labels), as the live objects were created with.
        job_metadata={},
        pod_metadata={"labels": dict(pod_labels)} if pod_labels else {},
    )


class BackupCronJob(pulumi.ComponentResource):
    """CronJob ``name`` (child ``<name>-cronjob``). Outputs ``cronjob_name``, ``metric_names``."""

    cronjob_name: pulumi.Output[str]
    """The CronJob's object name (== the component name)."""
    metric_names: pulumi.Output[list]
    """What the script pushes, for alert rules."""

    _TYPE = "homelab:k8s:BackupCronJob"

    def __init__(self, name: str, args: BackupCronJobArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        former = FORMER_COMPONENTS.get(args.moved_from_component or "")
        if former:
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=former)]))
        super().__init__(self._TYPE, name, None, opts)
        aliases = [former_parent_alias(self, self._TYPE, former)] if former else []
        declare_cronjob(name, scheduled_job_args(name, args), self, extra_aliases=aliases)
        self.cronjob_name = pulumi.Output.from_input(name)
        self.metric_names = pulumi.Output.from_input(list(args.metrics))
        self.register_outputs(self._outputs())

    def _outputs(self) -> dict:
        return {"cronjob_name": self.cronjob_name, "metric_names": self.metric_names}


class AppBackup(BackupCronJob):
    """An application-data backup CronJob ``name`` (child ``<name>-cronjob``); see :class:`AppBackupArgs`.

    Outputs ``cronjob_name``, ``metric_names``, ``retention_days``.
    """

    _TYPE = "homelab:k8s:AppBackup"
    retention_days: pulumi.Output
    """Days of copies kept (None when not declared)."""

    def __init__(self, name: str, args: AppBackupArgs, opts: pulumi.ResourceOptions | None = None):
        if not isinstance(args, AppBackupArgs):
            raise ArgumentError(_APP, "args", f"must be AppBackupArgs, got {type(args).__name__}")
        self.retention_days = pulumi.Output.from_input(args.retention_days)
        super().__init__(name, args, opts)
        problem = retention_mismatch(args)
        if problem:
            pulumi.log.warn(f"{name}: {problem}", resource=self)

    def _outputs(self) -> dict:
        return {**super()._outputs(), "retention_days": self.retention_days}
