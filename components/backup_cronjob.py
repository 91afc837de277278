"""BackupCronJob: a nightly dump job that writes onto a backup claim and pushes its stats.

The database backups (MySQL and PostgreSQL, whole-server and per-database) share one
shape: an inline shell script in a stock client image, the database password from a
Secret, the backup claim mounted at ``/backup``, and a handful of ``backup_*`` metrics
pushed to the Pushgateway for the staleness alerts. They differ from a
:class:`components.cronjob_probe.CronJobProbe` in the scheduling contract — a late or stuck
run is *replaced* by the next one (the newest dump is what matters), a failed dump is
retried, and finished Jobs are removed quickly — and in owning a volume.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.cronjob_probe import PUSHGATEWAY_URL, require_metric_names
from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.scheduled_job import CONCURRENCY_POLICIES, RESTART_POLICIES, ScheduledJobArgs, declare_cronjob, require_count, require_schedule

_COMPONENT = "BackupCronJob"


@dataclass(frozen=True, kw_only=True)
class BackupCronJobArgs:
    """Inputs of :class:`BackupCronJob`."""

    namespace: str
    """Namespace of the CronJob (and of the backup claim)."""
    schedule: str
    """Five-field cron expression."""
    image: str
    """Client image that has the dump tools (pinned tag)."""
    script: str
    """Shell script run as ``<shell> -c <script>``; it pushes to ``$PUSHGATEWAY_URL``."""
    metrics: Sequence[str]
    """Metric names the script pushes, exported for alert rules."""
    claim_name: pulumi.Input[str]
    """The backup PersistentVolumeClaim, mounted at ``mount_path``."""
    volume_name: str = "backup"
    """Name of the pod volume that carries the claim."""
    mount_path: str = "/backup"
    container_name: str | None = None
    """Defaults to the component name."""
    shell: str = "/bin/bash"
    env: Sequence[Mapping] = ()
    """Container env entries (see components.workload.env / secret_env)."""
    resources: Mapping | None = None
    """Container requests/limits; None leaves them unset."""
    concurrency_policy: str = "Replace"
    """`Replace` (default): a run still going at the next tick is superseded."""
    starting_deadline_seconds: int | None = 600
    """How late the controller may still start a missed run (a short deadline silently drops runs
    when the controller lags at the midnight backup window)."""
    backoff_limit: int = 3
    """Retries of a failed dump."""
    ttl_seconds_after_finished: int | None = 10
    successful_jobs_history_limit: int = 3
    failed_jobs_history_limit: int = 3
    restart_policy: str = "Never"
    pushgateway_url: str = PUSHGATEWAY_URL
    """Exported to the script as ``PUSHGATEWAY_URL``."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """CronJob metadata labels."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_text(_COMPONENT, "image", self.image)
        require_text(_COMPONENT, "script", self.script)
        require_dns_label(_COMPONENT, "volume_name", self.volume_name)
        if self.container_name is not None:
            require_dns_label(_COMPONENT, "container_name", self.container_name)
        require_schedule(_COMPONENT, "schedule", self.schedule, macros=False)
        require_metric_names(_COMPONENT, "metrics", self.metrics)
        if not isinstance(self.mount_path, str) or not self.mount_path.startswith("/"):
            raise ArgumentError(_COMPONENT, "mount_path", f"is {self.mount_path!r}; an absolute path is required")
        require_choice(_COMPONENT, "concurrency_policy", self.concurrency_policy, CONCURRENCY_POLICIES)
        require_choice(_COMPONENT, "restart_policy", self.restart_policy, RESTART_POLICIES)
        for name in ("backoff_limit", "successful_jobs_history_limit", "failed_jobs_history_limit"):
            require_count(_COMPONENT, name, getattr(self, name))
        for name in ("starting_deadline_seconds", "ttl_seconds_after_finished"):
            require_count(_COMPONENT, name, getattr(self, name), optional=True)


def scheduled_job_args(name: str, args: BackupCronJobArgs) -> ScheduledJobArgs:
    """The CronJob as ScheduledJob arguments (built by the one CronJob builder)."""
    container: dict = {
        "name": args.container_name or name,
        "image": args.image,
        "command": [args.shell, "-c", args.script],
        "env": [*args.env, {"name": "PUSHGATEWAY_URL", "value": args.pushgateway_url}],
        "volume_mounts": [{"name": args.volume_name, "mount_path": args.mount_path}],
    }
    if args.resources is not None:
        container["resources"] = dict(args.resources)
    return ScheduledJobArgs(
        namespace=args.namespace,
        schedule=args.schedule,
        containers=[container],
        volumes=[{"name": args.volume_name, "persistent_volume_claim": {"claim_name": args.claim_name}}],
        restart_policy=args.restart_policy,
        labels=args.labels,
        backoff_limit=args.backoff_limit,
        ttl_seconds_after_finished=args.ttl_seconds_after_finished,
        concurrency_policy=args.concurrency_policy,
        starting_deadline_seconds=args.starting_deadline_seconds,
        successful_jobs_history_limit=args.successful_jobs_history_limit,
        failed_jobs_history_limit=args.failed_jobs_history_limit,
        # Empty template metadata, as the live objects were created with.
        job_metadata={},
        pod_metadata={},
    )


class BackupCronJob(pulumi.ComponentResource):
    """CronJob ``name`` (child ``<name>-cronjob``). Outputs ``cronjob_name``, ``metric_names``."""

    cronjob_name: pulumi.Output[str]
    """The CronJob's object name (== the component name)."""
    metric_names: pulumi.Output[list]
    """What the script pushes, for alert rules."""

    def __init__(self, name: str, args: BackupCronJobArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:BackupCronJob", name, None, opts)
        declare_cronjob(name, scheduled_job_args(name, args), self)
        self.cronjob_name = pulumi.Output.from_input(name)
        self.metric_names = pulumi.Output.from_input(list(args.metrics))
        self.register_outputs({"cronjob_name": self.cronjob_name, "metric_names": self.metric_names})
