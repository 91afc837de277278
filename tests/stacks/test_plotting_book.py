"""plotting-book: the SQLite claim, the private CI-set image, the CSP and the weekly backup."""

from components import constants as c

NS = "plotting-book"


def test_data_claim_waits_for_binding_and_is_kept(synth_stack):
    claim = synth_stack(NS).k8s("PersistentVolumeClaim", "plotting-book-data-proxmox", NS)
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert "pulumi.com/skipAwait" not in claim["inputs"]["metadata"].get("annotations", {})
    assert claim["options"]["protect"]


def test_private_image_whose_tag_ci_owns(synth_stack):
    deployment = synth_stack(NS).k8s("Deployment", "plotting-book", NS)
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    env = {e["name"]: e for e in pod["containers"][0]["env"]}
    assert env["DB_PATH"]["value"] == "/data/database.sqlite"
    assert env["GOOGLE_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"] == {"name": "plotting-book-secrets",
                                                                        "key": "google_client_secret"}


def test_ingress_is_gated_with_its_own_csp(synth_stack):
    ingress = synth_stack(NS).k8s("Ingress", "plotting-book", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert ingress["spec"]["rules"][0]["host"] == "plotting-book.viktorbarzin.me"


def test_weekly_backup_next_to_the_app(synth_stack):
    spec = synth_stack(NS).k8s("CronJob", "plotting-book-backup", NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["startingDeadlineSeconds"], spec["concurrencyPolicy"]) == ("0 3 * * 0", 10, "Replace")
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["labelSelector"] == {
        "matchLabels": {"app": "plotting-book"}}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    assert claims == {"data": "plotting-book-data-proxmox", "backup": "plotting-book-backup-host"}
