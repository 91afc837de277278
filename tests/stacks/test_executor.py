"""executor: the encrypted credential store, who may reach the pod, and the LAN-only UI."""

from components import constants as c

NS = "executor"


def test_data_claim_is_encrypted_and_kept(synth_stack):
    claim = synth_stack(NS).k8s("PersistentVolumeClaim", "executor-data-encrypted", NS)
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
    assert claim["options"]["protect"]


def test_pinned_image_on_patch_only_keel(synth_stack):
    deployment = synth_stack(NS).k8s("Deployment", "executor", NS)["inputs"]
    assert deployment["metadata"]["annotations"]["keel.sh/policy"] == "patch"
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/rhyssullivan/executor-selfhost:v1.5.33"
    env = {e["name"]: e for e in container["env"]}
    assert env["EXECUTOR_WEB_BASE_URL"]["value"] == "https://executor.viktorbarzin.me"
    assert env["EXECUTOR_BOOTSTRAP_ADMIN_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "executor-secrets"
    assert pod["securityContext"] == {"fsGroup": 1000}


def test_only_traefik_and_hermes_reach_the_pod(synth_stack):
    policy = synth_stack(NS).k8s("NetworkPolicy", "executor-allow-traefik-and-hermes", NS)["inputs"]["spec"]
    assert policy["podSelector"] == {"matchLabels": {"app": "executor"}}
    rule = policy["ingress"][0]
    assert [p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for p in rule["from"]] == [
        "traefik", "hermes-agent"]
    assert rule["ports"] == [{"port": "4788", "protocol": "TCP"}]


def test_ui_is_home_lan_only_with_its_own_rate_limit(synth_stack):
    ingress = synth_stack(NS).k8s("Ingress", "executor", NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "app"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-home-lans-only@kubernetescrd" in chain and "traefik-executor-rate-limit@kubernetescrd" in chain
    assert not any("traefik-rate-limit@" in m for m in chain)
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"]["number"] == 4788


def test_backup_runs_next_to_the_app(synth_stack):
    spec = synth_stack(NS).k8s("CronJob", "executor-backup", NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"]) == ("30 4 * * *", "Forbid")
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    term = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["labelSelector"]["matchLabels"] == {"app": "executor"}
    assert {"name": "backup", "nfs": {"server": "192.168.1.127", "path": "/srv/nfs/executor-backup"}} in pod["volumes"]
