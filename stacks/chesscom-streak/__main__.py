"""chesscom-streak: solve the unrated Chess.com daily puzzle once a day to keep the streak.

The job drives the shared cluster Chrome over CDP, attached to its persistent profile
where the chess.com session already lives (no login, so no Turnstile), and takes the
answer from the public puzzle API. The namespace must be on the ghcr-credentials
allowlist in the kyverno stack, or the private image pull fails.
"""

import pulumi

from components.constants import TIER_AUX
from components.namespace import Namespace, NamespaceArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.workload import env

NAME = "chesscom-streak"
LABELS = {"app": NAME}

# chrome-service's CDP NetworkPolicy admits only namespaces carrying the client label.
namespace = Namespace(NAME, NamespaceArgs(
    tier=TIER_AUX, labels={"name": NAME, "chrome-service.viktorbarzin.me/client": "true"}))

# Hourly through a midday Sofia window: whatever timezone the streak day ends in, one of
# the runs lands well inside it. The first run solves; later runs see it solved and exit.
ScheduledJob(NAME, ScheduledJobArgs(
    namespace=NAME,
    schedule="0 12-16 * * *",
    time_zone="Europe/Sofia",
    successful_jobs_history_limit=3,
    failed_jobs_history_limit=3,
    starting_deadline_seconds=600,
    backoff_limit=2,
    active_deadline_seconds=2700,
    ttl_seconds_after_finished=86400,
    labels=LABELS,
    job_metadata={"labels": LABELS},
    pod_metadata={"labels": LABELS},
    image_pull_secrets=["ghcr-credentials"],
    containers=[{
        "name": "solve",
        "image": "ghcr.io/viktorbarzin/chesscom-streak:latest",
        "image_pull_policy": "Always",
        "env": env({
            "CDP_URL": "http://chrome-service.chrome-service.svc.cluster.local:9222",
            "CHESSCOM_USERNAME": "viktorbarzin",
            # Off-switch: any value but "true" turns every run into a no-op.
            "ENABLED": "true",
            # Start somewhere in the first 25 minutes rather than on the hour.
            "JITTER_SECONDS": 1500,
        }),
        "resources": {"requests": {"cpu": "25m", "memory": "96Mi"}, "limits": {"memory": "256Mi"}},
        # A numeric UID: the image names its user, which the kubelet cannot check as non-root.
        "security_context": {
            "allow_privilege_escalation": False,
            "run_as_non_root": True,
            "run_as_user": 10001,
            "capabilities": {"drop": ["ALL"]},
        },
    }],
    moved_from={"cronjob": NAME},
), opts=pulumi.ResourceOptions(depends_on=[namespace]))
