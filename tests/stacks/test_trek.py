"""trek: the objects an outage would be about."""



def test_ingress_is_behind_authentik_and_sablier_after_the_gate(synth_stack):
    stack = synth_stack("trek")
    ingress = stack.k8s("Ingress", "trek", "trek")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert annotations["gethomepage.dev/group"] == "Productivity"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain.index("traefik-authentik-forward-auth@kubernetescrd") < chain.index("trek-sablier-trek@kubernetescrd")
    assert ingress["spec"]["rules"][0]["host"] == "trek.viktorbarzin.me"


def test_deployment_image_probes_and_sablier(synth_stack):
    stack = synth_stack("trek")
    deployment = stack.k8s("Deployment", "trek", "trek")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "mauriceboe/trek:3.0.22"
    assert container["startupProbe"] == {"tcpSocket": {"port": 3000}, "periodSeconds": 5, "failureThreshold": 30}
    assert deployment["inputs"]["metadata"]["labels"]["sablier.group"] == "trek"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.replicas" in ignored and "spec.template.spec.containers[0].image" in ignored


def test_data_lives_on_encrypted_protected_claims(synth_stack):
    stack = synth_stack("trek")
    for name, size in (("trek-data-encrypted", "2Gi"), ("trek-uploads-encrypted", "5Gi")):
        claim = stack.k8s("PersistentVolumeClaim", name, "trek")
        assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
        assert claim["inputs"]["spec"]["resources"]["requests"]["storage"] == size
        assert claim["options"]["protect"]
        assert claim["options"]["ignoreChanges"] == ["spec.resources.requests"]
