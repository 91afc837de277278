"""tandoor: the objects an outage would be about."""



def test_ingress_is_app_auth_with_sablier_after_the_gates(synth_stack):
    stack = synth_stack("tandoor")
    ingress = stack.k8s("Ingress", "tandoor", "tandoor")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert "authentik.viktorbarzin.me/allowed-groups" not in annotations
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-1] == "tandoor-sablier-tandoor@kubernetescrd"
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain
    assert ingress["spec"]["rules"][0]["host"] == "tandoor.viktorbarzin.me"


def test_deployment_keeps_image_keel_and_sablier_managed_fields(synth_stack):
    stack = synth_stack("tandoor")
    deployment = stack.k8s("Deployment", "tandoor", "tandoor")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "vabene1111/recipes:1.5.27"
    assert [e["name"] for e in container["env"]][:3] == ["SECRET_KEY", "DB_ENGINE", "POSTGRES_HOST"]
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.replicas" in ignored and "spec.template.spec.containers[0].image" in ignored
    labels = deployment["inputs"]["metadata"]["labels"]
    assert labels["sablier.group"] == "tandoor" and labels["tier"] == "4-aux"


def test_secrets_come_from_vault_and_random_password(synth_stack):
    stack = synth_stack("tandoor")
    es = stack.k8s("ExternalSecret", "tandoor-secrets", "tandoor")["inputs"]
    assert es["apiVersion"] == "external-secrets.io/v1"
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "tandoor"}}]
    assert es["metadata"]["annotations"]["pulumi.com/patchForce"] == "true"
    password = stack.of_type("random:index/randomPassword:RandomPassword")
    assert [p["inputs"]["length"] for p in password] == [128]


def test_media_volume_is_nfs_and_retained(synth_stack):
    stack = synth_stack("tandoor")
    pv = stack.k8s("PersistentVolume", "tandoor-data-nfs")
    assert pv["inputs"]["spec"]["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/tandoor"}
    assert pv["options"]["retainOnDelete"]
    assert stack.k8s("PersistentVolumeClaim", "tandoor-data-nfs", "tandoor")["options"]["retainOnDelete"]
