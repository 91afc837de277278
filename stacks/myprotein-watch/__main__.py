"""myprotein-watch: tell Viktor when Impact Whey reaches his buying price.

Stock python:3.12-alpine runs a pure-stdlib script from a ConfigMap: it reads the public
product page (prices are embedded JSON, no login) and posts to Slack when a flavour gets
cheap enough per kg of protein, hits its lowest recorded price, shows a deep discount, or
when plain Cookies and Cream returns. It never authenticates to MyProtein. What it has
already announced lives in a small state ConfigMap the job patches itself.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.workload import env, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
NAME = "myprotein-watch"
LABELS = {"app": NAME}
STATE = f"{NAME}-state"
IMAGE = "docker.io/library/python:3.12-alpine"
# His buying price, per kg of protein (servings hold 10-23 g depending on the line).
THRESHOLD_PER_KG_PROTEIN = 28
# Empty: every flavour is watched; a list narrows it without a code change.
WATCH_FLAVOURS = ""

namespace = Namespace(NAME, NamespaceArgs(tier=c.TIER_AUX, labels={"name": NAME}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Alertmanager's #alerts incoming webhook, reused.
slack = ExternalSecret(NAME, ExternalSecretArgs(namespace=NAME, refresh_interval="1h", data=[
    SecretKey(secret_key="SLACK_WEBHOOK_URL", key="platform", property="alertmanager_slack_api_url")]), opts=ns_opts)
script = PayloadConfigMap(f"{NAME}-script", PayloadConfigMapArgs(
    namespace=NAME, stack_dir=HERE, files={"check.py": "check.py"}), opts=ns_opts)
# Created empty; from then on the job owns its content.
state = k8s.core.v1.ConfigMap(STATE, metadata={"name": STATE, "namespace": NAME}, data={"state.json": "{}"},
                              opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=["data"]))
rbac = WorkloadRbac(NAME, WorkloadRbacArgs(
    namespace=NAME, role_name=f"{NAME}-state-writer",
    rules=[Rule(api_groups=[""], resources=["configmaps"], resource_names=[STATE], verbs=["get", "patch"])]),
    opts=ns_opts)


# Bounded and non-overlapping: a black-holed fetch must not wedge every later run.
RUN = dict(namespace=NAME, time_zone="Europe/London", concurrency_policy="Forbid",
           successful_jobs_history_limit=3, failed_jobs_history_limit=3, starting_deadline_seconds=600,
           backoff_limit=2, ttl_seconds_after_finished=86400, active_deadline_seconds=300,
           labels=LABELS, job_metadata={"labels": LABELS}, pod_metadata={"labels": LABELS},
           restart_policy="OnFailure", pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
           volumes=[script.volume("script")])
after_secret = pulumi.ResourceOptions(depends_on=[namespace, slack])


def checker(name: str, extra_env: dict) -> dict:
    """The check.py container; ``extra_env`` selects the mode."""
    return {"name": name, "image": IMAGE, "image_pull_policy": "IfNotPresent", "command": ["python3", "/scripts/check.py"],
            "env": [*secret_env(NAME, {"SLACK_WEBHOOK_URL": "SLACK_WEBHOOK_URL"}), *env(extra_env)],
            "volume_mounts": [{"name": "script", "mount_path": "/scripts", "read_only": True}],
            "resources": {"requests": {"cpu": "10m", "memory": "48Mi"}, "limits": {"memory": "128Mi"}}}


# Every six hours, off the hour: sales are often short.
ScheduledJob(NAME, ScheduledJobArgs(**RUN, schedule="23 */6 * * *", service_account_name=rbac.service_account_name,
                                    containers=[checker("check", {
                                        "STATE_BACKEND": "configmap", "STATE_TARGET": STATE,
                                        "THRESHOLD_PER_KG_PROTEIN": THRESHOLD_PER_KG_PROTEIN,
                                        "DEEP_DISCOUNT_PCT": 40,  # MyProtein's own displayed discount
                                        "NEW_LOW_MARGIN": "0.01",  # a new record low must beat the old by 1%
                                        "WATCH_FLAVOURS": WATCH_FLAVOURS})]), opts=after_secret)
# The morning heartbeat, so silence is never ambiguous. It runs on the default account with
# no state access: it cannot mark a deal announced and swallow an alert.
ScheduledJob(f"{NAME}-digest", ScheduledJobArgs(**RUN, schedule="0 8 * * *", containers=[checker("digest", {
    "DIGEST": "true", "THRESHOLD_PER_KG_PROTEIN": THRESHOLD_PER_KG_PROTEIN, "WATCH_FLAVOURS": WATCH_FLAVOURS})]),
    opts=after_secret)
