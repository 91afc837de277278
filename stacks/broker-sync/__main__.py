"""broker-sync: CronJobs that pull brokerage activity into Wealthfolio.

Every job shares one encrypted claim (SQLite watermarks, FX cache, CSV archive, the
Wealthfolio session), so all of them are pinned to one node: moving the RWO volume
between nodes every night wedged the jobs on a flaky disk hot-plug.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.workload import env, secret_env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "broker-sync"
SECRETS = "broker-sync-secrets"
IMAGE = f"ghcr.io/viktorbarzin/wealthfolio-sync:{pulumi.Config().get('image_tag') or 'latest'}"
NODE = {"kubernetes.io/hostname": "k8s-node4"}
# The app user (uid 10001, gid 999) must be able to write SQLite journals next to /data/sync.db.
APP_USER_FS = {"security_context": {"fs_group": 10001}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["broker-sync"]), opts=ns_opts)

data = ProxmoxVolume("broker-sync-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
DATA_VOLUME = {"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}
DATA_MOUNT = {"name": "data", "mount_path": "/data"}


WF_LOGIN = {"WF_BASE_URL": "wf_base_url", "WF_USERNAME": "wf_username", "WF_PASSWORD": "wf_password"}


def wealthfolio_env(*, secrets: dict | None = None) -> list[dict]:
    """The data-dir/session env every sync job has, the Wealthfolio login, then its own keys."""
    return [
        *env({"BROKER_SYNC_DATA_DIR": "/data", "WF_SESSION_PATH": "/data/wealthfolio_session.json"}),
        *secret_env(SECRETS, WF_LOGIN),
        *secret_env(SECRETS, secrets or {}),
    ]


def resources(cpu: str, memory: str, limit: str) -> dict:
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": limit}}


def broker_job(component: str, schedule: str, *, containers: list[dict], backoff: int = 1, history=(3, 5),
               deadline: int | None = None, suspend: bool | None = None, pod_spec: dict | None = None,
               volumes: list[dict] | None = None, init_containers: list[dict] = (), name: str | None = None,
               node_pinned: bool = True) -> ScheduledJob:
    labels = {"app": "broker-sync", "component": component}
    job = name or f"broker-sync-{component}"
    return ScheduledJob(job, ScheduledJobArgs(
        namespace=NS, schedule=schedule, concurrency_policy="Forbid", suspend=suspend,
        starting_deadline_seconds=deadline,
        successful_jobs_history_limit=history[0], failed_jobs_history_limit=history[1],
        backoff_limit=backoff, ttl_seconds_after_finished=86400, restart_policy="OnFailure",
        labels=labels, job_metadata={}, pod_metadata={"labels": labels},
        image_pull_secrets=["ghcr-credentials"],
        pod_spec={**({"node_selector": NODE} if node_pinned else {}), **(pod_spec or {})},
        init_containers=list(init_containers), containers=containers,
        volumes=volumes if volumes is not None else [DATA_VOLUME],
    ), opts=ns_opts)


def sync_container(command: list[str], env_list: list[dict] | None, res: dict) -> dict:
    container = {"name": "broker-sync", "image": IMAGE, "command": command}
    if env_list is not None:
        container["env"] = env_list
        container["volume_mounts"] = [DATA_MOUNT]
    container["resources"] = res
    return container


# Wiring check (image, namespace, pull secret): prints the version, nothing else.
broker_job("version-probe", "0 1 * * *", name="broker-sync-version", history=(1, 3), node_pinned=False,
           volumes=[], containers=[sync_container(["broker-sync", "version"], None, resources("10m", "32Mi", "128Mi"))])

broker_job("trading212", "0 2 * * *", backoff=2, deadline=300, pod_spec=APP_USER_FS, containers=[sync_container(
    ["broker-sync", "trading212", "--mode", "steady"],
    wealthfolio_env(secrets={"T212_API_KEYS_JSON": "trading212_api_keys"}), resources("20m", "128Mi", "256Mi"))])

broker_job("ibkr", "0 2 * * *", backoff=2, deadline=300, pod_spec=APP_USER_FS, containers=[sync_container(
    ["broker-sync", "ibkr"],
    wealthfolio_env(secrets={"IBKR_FLEX_TOKEN": "ibkr_flex_token", "IBKR_FLEX_QUERY_ID": "ibkr_flex_query_id",
                             "IBKR_ACCOUNT_ID_UPSTREAM": "ibkr_account_id_upstream"}),
    resources("20m", "128Mi", "256Mi"))])

# InvestEngine and Schwab statement e-mails.
broker_job("imap", "30 2 * * *", backoff=2, suspend=False, pod_spec=APP_USER_FS, containers=[sync_container(
    ["broker-sync", "imap-ingest"],
    wealthfolio_env(secrets={"IMAP_HOST": "imap_host", "IMAP_USER": "imap_user", "IMAP_PASSWORD": "imap_password",
                             "IMAP_DIRECTORY": "imap_directory"}),
    resources("10m", "64Mi", "256Mi"))])

# Suspended upstream: run on demand.
broker_job("csv", "0 3 * * *", suspend=True, containers=[sync_container(
    ["broker-sync", "csv-drop"], wealthfolio_env(), resources("10m", "64Mi", "128Mi"))])
broker_job("fx-reconcile", "5 5 7 * *", suspend=True, containers=[sync_container(
    ["broker-sync", "fx-reconcile"], wealthfolio_env(), resources("10m", "64Mi", "128Mi"))])

# After every sync has finished. The script pushes no metrics; the CronJob was a
# ScheduledJob (broker_job) of the same name before.
BACKUP_LABELS = {"app": "broker-sync", "component": "backup"}
AppBackup("broker-sync-backup", AppBackupArgs(
    namespace=NS, schedule="15 4 * * *", image="alpine:3.20", container_name="backup",
    script=load_payload(HERE, "backup.sh"),
    concurrency_policy="Forbid", starting_deadline_seconds=None, restart_policy="OnFailure",
    successful_jobs_history_limit=3, failed_jobs_history_limit=5, backoff_limit=1, ttl_seconds_after_finished=86400,
    labels=BACKUP_LABELS, pod_labels=BACKUP_LABELS, image_pull_secrets=["ghcr-credentials"],
    pod_spec={"node_selector": NODE},
    sources=[BackupSource(volume_name="data", claim_name=data.claim_name, mount_path="/data")],
    claim_name=None, nfs_target={"server": settings.nfs_server, "path": "/srv/nfs/broker-sync-backup"},
    resources=resources("5m", "16Mi", "64Mi"),
    moved_from_component="ScheduledJob",
), opts=ns_opts)

# Fidelity's saved browser session arrives through the Secret; an init container stages it.
broker_job("fidelity", "0 5 20 * *", suspend=False, init_containers=[{
    "name": "stage-storage-state", "image": "busybox:1.36",
    "command": ["/bin/sh", "-c", load_payload(HERE, "stage-storage-state.sh")],
    "volume_mounts": [{"name": "secrets", "mount_path": "/secrets", "read_only": True}, DATA_MOUNT],
    "resources": resources("5m", "8Mi", "32Mi"),
}], containers=[sync_container(
    ["broker-sync", "fidelity-ingest"],
    [*env({"BROKER_SYNC_DATA_DIR": "/data", "WF_SESSION_PATH": "/data/wealthfolio_session.json",
           "FIDELITY_STORAGE_STATE_PATH": "/data/fidelity_storage_state.json"}),
     *secret_env(SECRETS, {"FIDELITY_PLAN_ID": "fidelity_plan_id"}),
     *secret_env(SECRETS, WF_LOGIN)],
    resources("50m", "512Mi", "1280Mi"))],
    volumes=[{"name": "secrets", "secret": {"secret_name": SECRETS, "items": [
        {"key": "fidelity_storage_state", "path": "fidelity_storage_state"}]}}, DATA_VOLUME])
