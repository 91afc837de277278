"""broker-sync: the job table on the shared encrypted claim, pinned to one node."""

import pytest

NS = "broker-sync"
JOBS = {  # name: (schedule, suspend, command tail)
    "broker-sync-version": ("0 1 * * *", None, "version"),
    "broker-sync-trading212": ("0 2 * * *", None, "steady"),
    "broker-sync-ibkr": ("0 2 * * *", None, "ibkr"),
    "broker-sync-imap": ("30 2 * * *", False, "imap-ingest"),
    "broker-sync-csv": ("0 3 * * *", True, "csv-drop"),
    "broker-sync-fx-reconcile": ("5 5 7 * *", True, "fx-reconcile"),
    "broker-sync-fidelity": ("0 5 20 * *", False, "fidelity-ingest"),
}


def _spec(stack, name):
    return stack.k8s("CronJob", name, NS)["inputs"]["spec"]


@pytest.mark.parametrize("name", sorted(JOBS))
def test_job_schedule_suspension_and_command(synth_stack, name):
    spec = _spec(synth_stack(NS), name)
    schedule, suspend, tail = JOBS[name]
    assert spec["schedule"] == schedule and spec.get("suspend") == suspend
    assert spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["command"][-1] == tail
    assert pod["containers"][0]["image"] == "ghcr.io/viktorbarzin/wealthfolio-sync:latest"
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    assert pod["restartPolicy"] == "OnFailure"


@pytest.mark.parametrize("name", sorted(set(JOBS) - {"broker-sync-version"}) + ["broker-sync-backup"])
def test_every_job_on_the_claim_is_pinned_to_one_node(synth_stack, name):
    pod = _spec(synth_stack(NS), name)["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"kubernetes.io/hostname": "k8s-node4"}
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "broker-sync-data-encrypted"}} in pod["volumes"]


def test_writers_get_the_app_users_fs_group(synth_stack):
    stack = synth_stack(NS)
    for name in ("broker-sync-trading212", "broker-sync-ibkr", "broker-sync-imap"):
        assert _spec(stack, name)["jobTemplate"]["spec"]["template"]["spec"]["securityContext"] == {"fsGroup": 10001}


def test_claim_is_encrypted_and_kept(synth_stack):
    claim = synth_stack(NS).k8s("PersistentVolumeClaim", "broker-sync-data-encrypted", NS)
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["options"]["protect"]


def test_fidelity_stages_its_session_from_the_secret(synth_stack):
    pod = _spec(synth_stack(NS), "broker-sync-fidelity")["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["initContainers"][0]["name"] == "stage-storage-state"
    assert [e["name"] for e in pod["containers"][0]["env"]] == [
        "BROKER_SYNC_DATA_DIR", "WF_SESSION_PATH", "FIDELITY_STORAGE_STATE_PATH", "FIDELITY_PLAN_ID",
        "WF_BASE_URL", "WF_USERNAME", "WF_PASSWORD"]


def test_backup_to_nfs_after_the_syncs(synth_stack):
    spec = _spec(synth_stack(NS), "broker-sync-backup")
    assert spec["schedule"] == "15 4 * * *"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert {"name": "backup", "nfs": {"server": "192.168.1.127", "path": "/srv/nfs/broker-sync-backup"}} in pod["volumes"]
