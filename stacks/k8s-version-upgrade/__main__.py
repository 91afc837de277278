"""Automated Kubernetes version upgrades (kubeadm, kubelet, kubectl), one node at a time.

A weekly CronJob looks for a newer patch/minor release; when one passes the addon gate it
renders the first Job of a chain (preflight, control plane, each worker, postflight), each
phase running on a node other than the one it drains and starting the next from the template.
A second CronJob posts the outcome to Slack the next morning. The Jobs drain nodes, so this
stack is human-only.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
NS = "k8s-upgrade"
LABELS = {"app": "k8s-version-upgrade"}
ACCOUNT = "k8s-upgrade-job"
CREDS = "k8s-upgrade-creds"

config = pulumi.Config()
# Sunday 23:00 UTC, clear of kured's reboot window; the report follows on Monday morning.
SCHEDULE = config.get("schedule") or "0 23 * * 0"
REPORT_SCHEDULE = config.get("report_schedule") or "7 6 * * 1"
ENABLED = config.get_bool("enabled") if config.get_bool("enabled") is not None else True
DETECTION_DRY_RUN = bool(config.get_bool("detection_dry_run"))
# The claude-agent-service image carries kubectl, ssh, curl, jq and envsubst.
IMAGE = f"ghcr.io/viktorbarzin/claude-agent-service:{config.get('image_tag') or 'latest'}"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Vault secret/k8s-upgrade: the SSH key for the nodes and the Slack webhook.
creds = ExternalSecret(CREDS, ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="ssh_key", key="k8s-upgrade", property="ssh_key"),
    SecretKey(secret_key="slack_webhook", key="k8s-upgrade", property="slack_webhook"),
]), opts=ns_opts)

# One account for the detection CronJob and every phase Job: cluster-wide because the chain
# drains any node and starts the etcd snapshot Job in `default` from cronjob/backup-etcd.
cluster_rbac = WorkloadRbac(ACCOUNT, WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    rules=[
        Rule(api_groups=[""], resources=["nodes"], verbs=["get", "list", "patch", "update"]),
        Rule(api_groups=[""], resources=["pods/eviction"], verbs=["create"]),
        Rule(api_groups=[""], resources=["pods"], verbs=["get", "list", "delete"]),
        Rule(api_groups=[""], resources=["pods/log"], verbs=["get"]),
        Rule(api_groups=["policy"], resources=["poddisruptionbudgets"], verbs=["get", "list"]),
        Rule(api_groups=["apps"], resources=["daemonsets", "statefulsets", "replicasets", "deployments"],
             verbs=["get", "list"]),
        Rule(api_groups=["apps"], resources=["deployments", "deployments/scale"], verbs=["patch", "update"]),
        Rule(api_groups=["batch"], resources=["jobs"], verbs=["create", "get", "list", "delete", "patch", "watch"]),
        Rule(api_groups=["batch"], resources=["cronjobs"], verbs=["get", "list"]),
        Rule(api_groups=[""], resources=["namespaces"], resource_names=[NS], verbs=["get", "patch", "update"]),
        Rule(api_groups=[""], resources=["configmaps"], resource_names=["apiserver-oidc-restore"], verbs=["get"]),
    ],
), opts=ns_opts)

# In the namespace only: the credentials Secret and the kill-switch ConfigMap (its existence
# stops the chain), bound to the same account.
WorkloadRbac("k8s-upgrade-job-ns", WorkloadRbacArgs(
    namespace=NS, service_account=ACCOUNT,
    rules=[
        Rule(api_groups=[""], resources=["secrets"], resource_names=[CREDS], verbs=["get"]),
        Rule(api_groups=[""], resources=["configmaps"], resource_names=["k8s-upgrade-killswitch"],
             verbs=["get", "list", "watch"]),
    ],
), opts=pulumi.ResourceOptions(depends_on=[namespace, cluster_rbac]))

scripts = PayloadConfigMap("k8s-upgrade-scripts", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, labels=LABELS,
    files={name: name for name in ("upgrade-step.sh", "update_k8s.sh", "compat-gate.py",
                                   "addon-compat.json", "nightly-report.py")},
), opts=ns_opts)
job_template = PayloadConfigMap("k8s-upgrade-job-template", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, labels=LABELS, files={"job-template.yaml": "job-template.yaml"},
), opts=ns_opts)

creds_volume = {"name": "creds", "secret": {"secret_name": CREDS, "default_mode": 0o444}}
CREDS_MOUNT = {"name": "creds", "mount_path": "/secrets/k8s-upgrade", "read_only": True}
RESOURCES = {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}


def weekly(schedule: str, **kwargs) -> ScheduledJobArgs:
    """Both CronJobs: never overlapping, 3/3 history, 10 min start window, Jobs kept a day."""
    return ScheduledJobArgs(
        namespace=NS, schedule=schedule, concurrency_policy="Forbid", suspend=not ENABLED,
        successful_jobs_history_limit=3, failed_jobs_history_limit=3, starting_deadline_seconds=600,
        ttl_seconds_after_finished=86400, labels=LABELS,
        job_metadata={"labels": LABELS}, pod_metadata={"labels": LABELS},
        service_account_name=cluster_rbac.service_account_name, restart_policy="Never",
        image_pull_secrets=["registry-credentials"], **kwargs)


ScheduledJob("k8s-version-check", weekly(
    SCHEDULE, backoff_limit=0,
    containers=[{
        "name": "version-check", "image": IMAGE,
        "command": ["/bin/bash", "-c", load_payload(HERE, "version-check.sh")],
        "env": [{"name": "DRY_RUN", "value": "true" if DETECTION_DRY_RUN else "false"},
                {"name": "IMAGE", "value": IMAGE},
                {"name": "HOME", "value": "/tmp"}],
        "volume_mounts": [CREDS_MOUNT, {"name": "template", "mount_path": "/template", "read_only": True}],
        "resources": RESOURCES,
    }],
    volumes=[creds_volume, job_template.volume("template")],
), opts=pulumi.ResourceOptions(depends_on=[namespace, creds]))

ScheduledJob("k8s-upgrade-nightly-report", weekly(
    REPORT_SCHEDULE, backoff_limit=1,
    containers=[{
        "name": "report", "image": IMAGE, "command": ["python3", "/scripts/nightly-report.py"],
        "env": [{"name": "HOME", "value": "/tmp"}],
        "volume_mounts": [CREDS_MOUNT, {"name": "scripts", "mount_path": "/scripts", "read_only": True}],
        "resources": RESOURCES,
    }],
    volumes=[creds_volume, scripts.volume("scripts", default_mode=0o755)],
), opts=pulumi.ResourceOptions(depends_on=[namespace, creds]))
