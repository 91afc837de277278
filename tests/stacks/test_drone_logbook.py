"""drone-logbook: the encrypted DuckDB claim, the drop folder, the backup job and the gated ingress."""

from components import constants as c

NS = "drone-logbook"


def _pod(stack):
    return stack.k8s("Deployment", "drone-logbook", NS)["inputs"]["spec"]["template"]["spec"]


def test_data_claim_is_encrypted_autoresized_and_kept(synth_stack):
    stack = synth_stack(NS)
    claim = stack.k8s("PersistentVolumeClaim", "drone-logbook-data-encrypted", NS)
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["inputs"]["spec"]["resources"]["requests"]["storage"] == "2Gi"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "10Gi"
    assert claim["options"]["protect"] and claim["options"].get("retainOnDelete", claim["options"].get("retain_on_delete"))


def test_single_writer_app_with_the_drop_folder_read_only(synth_stack):
    stack = synth_stack(NS)
    deployment = stack.k8s("Deployment", "drone-logbook", NS)["inputs"]
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    assert deployment["metadata"]["labels"]["sablier.group"] == "drone-logbook"
    container = _pod(stack)["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["SYNC_INTERVAL"]["value"] == "0 0 */8 * * *"
    assert env["PROFILE_CREATION_PASS"]["valueFrom"]["secretKeyRef"] == {"name": "drone-logbook-secrets",
                                                                         "key": "profile_creation_pass"}
    assert {"name": "sync-logs", "mountPath": "/sync-logs", "readOnly": True} in container["volumeMounts"]
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in _pod(stack)["volumes"]}
    assert claims == {"data": "drone-logbook-data-encrypted", "sync-logs": "drone-logbook-sync-logs"}


def test_nightly_backup_copies_the_volume_to_nfs(synth_stack):
    spec = synth_stack(NS).k8s("CronJob", "drone-logbook-backup", NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"], spec["startingDeadlineSeconds"]) == ("30 1 * * *", "Replace", 300)
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 5)
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    assert claims == {"data": "drone-logbook-data-encrypted", "backup": "drone-logbook-backup-host"}
    # Preferred, not required: the app is usually parked when the backup runs.
    assert "requiredDuringSchedulingIgnoredDuringExecution" not in pod["affinity"]["podAffinity"]
    script = pod["containers"][0]["command"][2]
    assert "-mtime +30" in script and "metrics/job/drone-logbook-backup" in script


def test_ingress_requires_forward_auth(synth_stack):
    ingress = synth_stack(NS).k8s("Ingress", "dronelog", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert ingress["spec"]["rules"][0]["host"] == "dronelog.viktorbarzin.me"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "drone-logbook"
