"""learning: the objects an outage would be about."""



def test_ingress_is_authentik_gated_learn_host(synth_stack):
    stack = synth_stack("learning")
    ingress = stack.k8s("Ingress", "learn", "learning")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "Home Server Admins"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "learn.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "learning", "port": {"number": 8080}}


def test_deployment_image_from_config_and_sqlite_volume(synth_stack):
    stack = synth_stack("learning")
    deployment = stack.k8s("Deployment", "learning", "learning")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/learning:v0.1.0"
    assert deployment["inputs"]["spec"]["strategy"] == {"type": "Recreate"}
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "learning-data"}}]
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]


def test_progress_claim_is_encrypted_block_and_protected(synth_stack):
    stack = synth_stack("learning")
    pvc = stack.k8s("PersistentVolumeClaim", "learning-data", "learning")
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert pvc["inputs"]["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert pvc["inputs"]["metadata"]["annotations"]["pulumi.com/skipAwait"] == "true"
    assert pvc["options"]["protect"]
