"""monitoring part: the daily digests, share-link analytics, image flip-flop detection, helm-unstick.

Five small CronJobs, each a script shipped from ``files/`` in its own ConfigMap (mounted
read-only at ``/scripts``):

- alert-digest (08:00 London): the board of firing alerts, posted to #alerts through the
  Alertmanager's Slack webhook (Secret ``alert-digest``).
- proxy-visit-digest (08:00 London): per-user site counts of the browser proxy, same
  webhook, the operator's own account excluded.
- share-link-geo (06:45 UTC): unique visitors per Immich share link and country, from
  Traefik's access logs in Loki, pushed to the Pushgateway.
- image-flipflop-detect (every 6 h): Deployments whose image two owners keep rewriting;
  reads ReplicaSets cluster-wide (a read-only ClusterRole).
- helm-unstick (every 15 min): deletes a Helm release record wedged in pending-upgrade,
  only in the namespaces of ``HELM_UNSTICK_NAMESPACES`` (one Role per namespace).

The python jobs run the stock image with no packages installed at runtime: a daily run
must not write a package cache to the node's disk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.kubectl_job import KubectlJob, KubectlJobArgs
from components.namespace import Namespace
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.workload import env, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

NS = "monitoring"
HERE = Path(__file__).resolve().parent
PYTHON_IMAGE = "docker.io/library/python:3.12-alpine"
SCRIPT_DIR = "/scripts"
LONDON = "Europe/London"

SLACK_SECRET = "alert-digest"
SLACK_KEY = "SLACK_WEBHOOK_URL"
SLACK_CHANNEL = "#alerts"

# Namespaces whose Helm releases keep wedging in pending-upgrade, in the order the script
# walks them. Each gets a Role and RoleBinding named helm-unstick for the monitoring account;
# no wider Secret access than these (SEC-130).
HELM_UNSTICK = "helm-unstick"
HELM_UNSTICK_NAMESPACES = ("monitoring", "crowdsec", "nextcloud")

# Kyverno rewrites dnsConfig anyway (ignored by ScheduledJob); set for a fresh create.
NDOTS = {"dns_config": {"options": [{"name": "ndots", "value": "2"}]}}


def _script(config_map: str, key: str, opts: pulumi.ResourceOptions) -> PayloadConfigMap:
    """ConfigMap ``config_map`` holding ``files/<key>`` under key ``key``."""
    return PayloadConfigMap(config_map, PayloadConfigMapArgs(
        namespace=NS, stack_dir=HERE, files={key: key}), opts=opts)


def _job_args(name: str, *, tier: str, schedule: str, container: Mapping, script: PayloadConfigMap,
              time_zone: str | None = None, starting_deadline_seconds: int = 600, backoff_limit: int = 2,
              active_deadline_seconds: int | None = None,
              service_account_name: pulumi.Input[str] | None = None) -> ScheduledJobArgs:
    """The shape every job here shares: Forbid, 3/3 history, a day's TTL, OnFailure."""
    mount = {"name": "script", "mount_path": SCRIPT_DIR, "read_only": True}
    return ScheduledJobArgs(
        namespace=NS,
        schedule=schedule,
        time_zone=time_zone,
        concurrency_policy="Forbid",
        successful_jobs_history_limit=3,
        failed_jobs_history_limit=3,
        starting_deadline_seconds=starting_deadline_seconds,
        backoff_limit=backoff_limit,
        active_deadline_seconds=active_deadline_seconds,
        ttl_seconds_after_finished=86400,
        labels={"app": name, "tier": tier},
        pod_metadata={"labels": {"app": name}},
        restart_policy="OnFailure",
        service_account_name=service_account_name,
        containers=[{"name": name, **container, "volume_mounts": [mount]}],
        volumes=[script.volume("script")],
        pod_spec=NDOTS,
    )


def _python(key: str, environment: Sequence[Mapping], requests: Mapping[str, str],
            limits: Mapping[str, str]) -> dict:
    """The stock-python container running ``/scripts/<key>`` (name, mount: see _job_args)."""
    container: dict = {
        "image": PYTHON_IMAGE,
        "image_pull_policy": "IfNotPresent",
        "command": ["python3", f"{SCRIPT_DIR}/{key}"],
        "resources": {"requests": dict(requests), "limits": dict(limits)},
    }
    if environment:
        container["env"] = list(environment)
    return container


def _slack_env() -> list[dict]:
    return secret_env(SLACK_SECRET, {SLACK_KEY: SLACK_KEY}) + env({"SLACK_CHANNEL": SLACK_CHANNEL})


def declare(namespace: Namespace, settings: ClusterSettings) -> None:
    """Declare the digest, analytics and housekeeping CronJobs into ``namespace``."""
    opts = pulumi.ResourceOptions(depends_on=[namespace])
    tier = settings.tier("cluster")

    # The webhook the Alertmanager receivers post with, in a Secret so the pod spec holds no URL.
    slack = k8s.core.v1.Secret(
        "alert-digest-secret", metadata={"name": SLACK_SECRET, "namespace": NS}, type="Opaque",
        string_data={SLACK_KEY: vault_field("platform", "alertmanager_slack_api_url")}, opts=opts)
    slack_opts = pulumi.ResourceOptions(depends_on=[namespace, slack])

    key = "alert_digest.py"
    ScheduledJob("alert-digest", _job_args(
        "alert-digest", tier=tier, schedule="0 8 * * *", time_zone=LONDON,
        script=_script("alert-digest-script", key, opts),
        container=_python(key, _slack_env(), {"cpu": "10m", "memory": "48Mi"}, {"memory": "96Mi"}),
    ), opts=slack_opts)

    key = "proxy_visit_digest.py"
    ScheduledJob("proxy-visit-digest", _job_args(
        "proxy-visit-digest", tier=tier, schedule="0 8 * * *", time_zone=LONDON,
        script=_script("proxy-visit-digest-script", key, opts),
        container=_python(key, _slack_env() + env({"DIGEST_EXCLUDE_USER": "vbarzin@gmail.com"}),
                          {"cpu": "10m", "memory": "48Mi"}, {"memory": "96Mi"}),
    ), opts=slack_opts)

    # 30 days (Loki's retention), queried in 72-hour chunks: one 720-hour query times out.
    key = "share_link_geo.py"
    ScheduledJob("share-link-geo", _job_args(
        "share-link-geo", tier=tier, schedule="45 6 * * *", active_deadline_seconds=1500,
        script=_script("share-link-geo-script", key, opts),
        container=_python(key, env({
            "LOKI_URL": "http://loki.monitoring.svc.cluster.local:3100",
            "PUSHGATEWAY_URL": "http://prometheus-prometheus-pushgateway.monitoring:9091",
            "WINDOW_HOURS": "720",
            "CHUNK_HOURS": "72",
        }), {"cpu": "50m", "memory": "192Mi"}, {"memory": "512Mi"}),
    ), opts=opts)

    # Read-only and ReplicaSets only, but cluster-wide: a fight can happen in any namespace.
    flipflop = WorkloadRbac("image-flipflop-detect", WorkloadRbacArgs(
        namespace=NS, role_kind="ClusterRole",
        rules=[Rule(api_groups=["apps"], resources=["replicasets"], verbs=["get", "list"])],
    ), opts=opts)
    key = "image_flipflop_detect.py"
    # 192Mi: listing every ReplicaSet and parsing the JSON peaks near 75 MiB; an OOM-killed
    # run must not be possible at today's ReplicaSet count.
    ScheduledJob("image-flipflop-detect", _job_args(
        "image-flipflop-detect", tier=tier, schedule="0 */6 * * *",
        service_account_name=flipflop.service_account_name,
        script=_script("image-flipflop-detect-script", key, opts),
        container=_python(key, (), {"cpu": "10m", "memory": "64Mi"}, {"memory": "192Mi"}),
    ), opts=opts)

    _helm_unstick(tier, opts)


def _helm_unstick(tier: str, opts: pulumi.ResourceOptions) -> None:
    """The CronJob and its account (KubectlJob, Role in monitoring), plus the Roles elsewhere."""
    rules = [Rule(api_groups=[""], resources=["secrets"], verbs=["get", "list", "delete"])]
    key = "helm_unstick.sh"
    # 256Mi: kubectl holds every release Secret of a namespace in memory (~128 MiB peak in
    # monitoring); at less it is OOM-killed and the script sees an empty list.
    job = _job_args(
        HELM_UNSTICK, tier=tier, schedule="*/15 * * * *", starting_deadline_seconds=300, backoff_limit=1,
        script=_script("helm-unstick-script", key, opts),
        container={
            "image": c.KUBECTL_IMAGE,
            "command": ["bash", f"{SCRIPT_DIR}/{key}"],
            "env": env({
                "NAMESPACES": " ".join(HELM_UNSTICK_NAMESPACES),
                "THRESHOLD_SECONDS": "1800",
                "DRY_RUN": "false",  # "true" logs what it would delete and deletes nothing
            }),
            "resources": {"requests": {"cpu": "10m", "memory": "96Mi"}, "limits": {"memory": "256Mi"}},
        },
    )
    KubectlJob(HELM_UNSTICK, KubectlJobArgs(job=job, rules=rules), opts=opts)
    for namespace in HELM_UNSTICK_NAMESPACES:
        if namespace == NS:
            continue  # KubectlJob's own Role and RoleBinding
        # The namespace itself belongs to its own stack (crowdsec, nextcloud).
        WorkloadRbac(f"{HELM_UNSTICK}-{namespace}", WorkloadRbacArgs(
            namespace=namespace, rules=rules, role_name=HELM_UNSTICK,
            service_account=HELM_UNSTICK, service_account_namespace=NS,
        ), opts=opts)
