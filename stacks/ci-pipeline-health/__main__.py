"""ci-pipeline-health: a daily shell sweep of the CI chain that lives off the cluster.

It checks GitHub Actions runs across the owned repositories, Woodpecker pipelines and the
Actions free-tier minutes, then posts one quiet Slack line (or an alert plus an issue
comment). It runs in the cluster, not as a cloud routine, because Vault and the Woodpecker
API are reachable from the LAN only.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs

HERE = Path(__file__).parent
NS = "ci-pipeline-health"
LABELS = {"app": "ci-pipeline-health"}
config = pulumi.Config()
# UTC only: 07:30 is 08:30 London in summer, 07:30 in winter.
SCHEDULE = config.get("schedule") or "30 7 * * *"
# The sweep only needs curl and jq, which the claude-agent-service image carries.
IMAGE = f"ghcr.io/viktorbarzin/claude-agent-service:{config.get('imageTag') or 'latest'}"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# The full github_pat, not the pull-token alias: the sweep reads runs and billing of private
# mirrors. The blast radius is this one-CronJob namespace.
creds = ExternalSecret("ci-pipeline-health-creds", ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="GITHUB_PAT", key="viktor", property="github_pat"),
    SecretKey(secret_key="WOODPECKER_API_TOKEN", key="ci/global", property="woodpecker_api_token"),
    SecretKey(secret_key="SLACK_WEBHOOK", key="ci/global", property="slack_webhook"),
]), opts=ns_opts)
script = PayloadConfigMap("ci-pipeline-health-sweep", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"sweep.sh": "sweep.sh"}), opts=ns_opts)

ScheduledJob("ci-pipeline-health", ScheduledJobArgs(
    namespace=NS, schedule=SCHEDULE, concurrency_policy="Forbid",
    successful_jobs_history_limit=3, failed_jobs_history_limit=3,
    backoff_limit=1, active_deadline_seconds=600, ttl_seconds_after_finished=86400,
    labels=LABELS, job_metadata={"labels": LABELS}, pod_metadata={"labels": LABELS},
    image_pull_secrets=["registry-credentials"],
    containers=[{
        "name": "sweep", "image": IMAGE, "image_pull_policy": "Always",
        "command": ["/bin/sh", "/scripts/sweep.sh"],
        "env_from": [{"secret_ref": {"name": "ci-pipeline-health-creds"}}],
        "volume_mounts": [{"name": "sweep-script", "mount_path": "/scripts", "read_only": True}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[script.volume("sweep-script")],
), opts=pulumi.ResourceOptions(depends_on=[namespace, creds]))
