"""CronJobProbe: run a script on a schedule and push what it measured to the Pushgateway.

Defaults encode what upstream learned: one run at a time (`Forbid`) and no retries
(`backoffLimit: 0`) — retrying a probe against a rate-limited API turned a blip into a
self-inflicted outage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.scheduled_job import ScheduledJobArgs, declare_cronjob, require_count, require_schedule

_COMPONENT = "CronJobProbe"
PUSHGATEWAY_URL = "http://prometheus-prometheus-pushgateway.monitoring:9091"
_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def require_metric_names(component: str, argument: str, metrics: Sequence[str]) -> None:
    """At least one metric, each a valid Prometheus metric name."""
    if isinstance(metrics, str) or not metrics:
        raise ArgumentError(component, argument, "must list at least one metric name the script pushes")
    for metric in metrics:
        if not isinstance(metric, str) or not _METRIC.fullmatch(metric):
            raise ArgumentError(component, argument, f"contains {metric!r}, not a Prometheus metric name")


@dataclass(frozen=True, kw_only=True)
class CronJobProbeArgs:
    namespace: str
    schedule: str
    """Five-field cron expression (or an @hourly-style macro)."""
    image: str
    """Pinned image that has the script's tools."""
    script: str
    """The script body; it pushes to $PUSHGATEWAY_URL."""
    metrics: Sequence[str]
    """Metric names the script pushes, exported so alert rules can reference them."""
    inline_script: bool = False
    """True: run the script as `shell -c <script>` (no ConfigMap), as some upstream jobs do."""
    shell: str = "/bin/sh"
    script_filename: str = "probe.sh"
    container_name: str | None = None
    """Defaults to the component name."""
    env: Sequence[Mapping] = ()
    """Container env entries (see components.workload.env / secret_env)."""
    env_from_secrets: Sequence[str] = ()
    """Secrets whose every key becomes an env var."""
    backoff_limit: int = 0
    successful_jobs_history_limit: int = 1
    failed_jobs_history_limit: int = 3
    starting_deadline_seconds: int | None = None
    ttl_seconds_after_finished: int | None = None
    restart_policy: str = "Never"
    resources: Mapping | None = None
    """Container resources (requests/limits)."""
    service_account_name: str | None = None
    pushgateway_url: str = PUSHGATEWAY_URL
    """Exported to the script as PUSHGATEWAY_URL."""
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_text(_COMPONENT, "image", self.image)
        require_text(_COMPONENT, "script", self.script)
        require_schedule(_COMPONENT, "schedule", self.schedule)
        require_metric_names(_COMPONENT, "metrics", self.metrics)
        for name in ("backoff_limit", "successful_jobs_history_limit", "failed_jobs_history_limit"):
            require_count(_COMPONENT, name, getattr(self, name))
        require_choice(_COMPONENT, "restart_policy", self.restart_policy, ("Never", "OnFailure"))
        if not re.fullmatch(r"[A-Za-z0-9._-]+", self.script_filename):
            raise ArgumentError(_COMPONENT, "script_filename", f"is {self.script_filename!r}, expected a plain file name")


class CronJobProbe(pulumi.ComponentResource):
    """CronJob ``name`` (+ ConfigMap ``<name>-script`` unless inline). Outputs ``metric_names``, ``cronjob_name``."""

    metric_names: pulumi.Output[list]
    cronjob_name: pulumi.Output[str]

    def __init__(self, name: str, args: CronJobProbeArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:CronJobProbe", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        container: dict = {
            "name": args.container_name or name,
            "image": args.image,
            "env": [*args.env, {"name": "PUSHGATEWAY_URL", "value": args.pushgateway_url}],
        }
        volumes: list[dict] = []
        if args.inline_script:
            container["command"] = [args.shell, "-c", args.script]
        else:
            config_map = k8s.core.v1.ConfigMap(
                f"{name}-script",
                metadata={"name": f"{name}-script", "namespace": args.namespace},
                data={args.script_filename: args.script},
                opts=child,
            )
            container["command"] = [args.shell, f"/scripts/{args.script_filename}"]
            container["volume_mounts"] = [{"name": "script", "mount_path": "/scripts", "read_only": True}]
            volumes = [{"name": "script", "config_map": {"name": config_map.metadata["name"], "default_mode": 0o555}}]
        if args.env_from_secrets:
            container["env_from"] = [{"secret_ref": {"name": s}} for s in args.env_from_secrets]
        if args.resources is not None:
            container["resources"] = dict(args.resources)

        # Empty template metadata, as the live objects were created with.
        declare_cronjob(name, ScheduledJobArgs(
            namespace=args.namespace,
            schedule=args.schedule,
            containers=[container],
            volumes=volumes,
            service_account_name=args.service_account_name or None,
            restart_policy=args.restart_policy,
            labels=args.labels,
            backoff_limit=args.backoff_limit,
            ttl_seconds_after_finished=args.ttl_seconds_after_finished,
            concurrency_policy="Forbid",
            starting_deadline_seconds=args.starting_deadline_seconds,
            successful_jobs_history_limit=args.successful_jobs_history_limit,
            failed_jobs_history_limit=args.failed_jobs_history_limit,
            job_metadata={},
            pod_metadata={},
        ), self)
        self.metric_names = pulumi.Output.from_input(list(args.metrics))
        self.cronjob_name = pulumi.Output.from_input(name)
        self.register_outputs({"metric_names": self.metric_names, "cronjob_name": self.cronjob_name})
