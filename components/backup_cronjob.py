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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.cronjob_probe import PUSHGATEWAY_URL
from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.workload import cronjob_ignore_changes

_COMPONENT = "BackupCronJob"
CONCURRENCY_POLICIES = ("Replace", "Forbid", "Allow")
RESTART_POLICIES = ("Never", "OnFailure")
_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_CRON_FIELD = re.compile(r"[0-9A-Za-z*,/?-]+")


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
        fields = self.schedule.split() if isinstance(self.schedule, str) else []
        if len(fields) != 5 or not all(_CRON_FIELD.fullmatch(f) for f in fields):
            raise ArgumentError(_COMPONENT, "schedule", f"is {self.schedule!r}, expected five cron fields like '30 0 * * *'")
        if isinstance(self.metrics, str) or not self.metrics:
            raise ArgumentError(_COMPONENT, "metrics", "must list at least one metric name the script pushes")
        for metric in self.metrics:
            if not isinstance(metric, str) or not _METRIC.fullmatch(metric):
                raise ArgumentError(_COMPONENT, "metrics", f"contains {metric!r}, not a Prometheus metric name")
        if not isinstance(self.mount_path, str) or not self.mount_path.startswith("/"):
            raise ArgumentError(_COMPONENT, "mount_path", f"is {self.mount_path!r}; an absolute path is required")
        require_choice(_COMPONENT, "concurrency_policy", self.concurrency_policy, CONCURRENCY_POLICIES)
        require_choice(_COMPONENT, "restart_policy", self.restart_policy, RESTART_POLICIES)
        for name in ("backoff_limit", "successful_jobs_history_limit", "failed_jobs_history_limit"):
            _require_count(name, getattr(self, name))
        for name in ("starting_deadline_seconds", "ttl_seconds_after_finished"):
            if getattr(self, name) is not None:
                _require_count(name, getattr(self, name))


def _require_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ArgumentError(_COMPONENT, name, f"is {value!r}, expected a non-negative integer")


def cronjob_spec(name: str, args: BackupCronJobArgs) -> dict:
    """The CronJob spec (snake_case keys, as the typed resource takes them)."""
    container: dict = {
        "name": args.container_name or name,
        "image": args.image,
        "command": [args.shell, "-c", args.script],
        "env": [*args.env, {"name": "PUSHGATEWAY_URL", "value": args.pushgateway_url}],
        "volume_mounts": [{"name": args.volume_name, "mount_path": args.mount_path}],
    }
    if args.resources is not None:
        container["resources"] = dict(args.resources)
    pod_spec = {
        "restart_policy": args.restart_policy,
        "containers": [container],
        "volumes": [{"name": args.volume_name, "persistent_volume_claim": {"claim_name": args.claim_name}}],
    }
    job_spec: dict = {"backoff_limit": args.backoff_limit, "template": {"metadata": {}, "spec": pod_spec}}
    if args.ttl_seconds_after_finished is not None:
        job_spec["ttl_seconds_after_finished"] = args.ttl_seconds_after_finished
    spec: dict = {
        "schedule": args.schedule,
        "concurrency_policy": args.concurrency_policy,
        "successful_jobs_history_limit": args.successful_jobs_history_limit,
        "failed_jobs_history_limit": args.failed_jobs_history_limit,
        "job_template": {"metadata": {}, "spec": job_spec},
    }
    if args.starting_deadline_seconds is not None:
        spec["starting_deadline_seconds"] = args.starting_deadline_seconds
    return spec


class BackupCronJob(pulumi.ComponentResource):
    """CronJob ``name`` (child ``<name>-cronjob``). Outputs ``cronjob_name``, ``metric_names``."""

    cronjob_name: pulumi.Output[str]
    """The CronJob's object name (== the component name)."""
    metric_names: pulumi.Output[list]
    """What the script pushes, for alert rules."""

    def __init__(self, name: str, args: BackupCronJobArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:BackupCronJob", name, None, opts)
        metadata: dict = {"name": name, "namespace": args.namespace}
        if args.labels:
            metadata["labels"] = dict(args.labels)
        k8s.batch.v1.CronJob(
            f"{name}-cronjob",
            metadata=metadata,
            spec=cronjob_spec(name, args),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=cronjob_ignore_changes()),
        )
        self.cronjob_name = pulumi.Output.from_input(name)
        self.metric_names = pulumi.Output.from_input(list(args.metrics))
        self.register_outputs({"cronjob_name": self.cronjob_name, "metric_names": self.metric_names})
