"""ntfy: the objects an outage would be about."""



def test_ingress_is_app_auth(synth_stack):
    stack = synth_stack("ntfy")
    ingress = stack.k8s("Ingress", "ntfy", "ntfy")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain and "traefik-rate-limit@kubernetescrd" in chain
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "ntfy.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "ntfy", "port": {"number": 80}}


def test_deployment_denies_by_default_and_keeps_user_db_on_the_claim(synth_stack):
    stack = synth_stack("ntfy")
    deployment = stack.k8s("Deployment", "ntfy", "ntfy")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "binwiederhier/ntfy" and container["args"] == ["serve"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["NTFY_AUTH_DEFAULT_ACCESS"] == "deny-all"
    assert env["NTFY_AUTH_FILE"] == "/var/lib/ntfy/user.db"
    assert env["NTFY_BASE_URL"] == "https://ntfy.viktorbarzin.me"
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "ntfy-data-proxmox"}}]
    assert deployment["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/image-policy"] == "keel"


def test_claim_is_autoresized_and_protected(synth_stack):
    stack = synth_stack("ntfy")
    pvc = stack.k8s("PersistentVolumeClaim", "ntfy-data-proxmox", "ntfy")
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert pvc["options"]["ignoreChanges"] == ["spec.resources.requests"]
    assert pvc["options"]["protect"]
