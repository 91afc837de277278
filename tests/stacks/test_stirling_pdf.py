"""stirling-pdf: the objects an outage would be about."""



def test_ingress_is_app_auth_with_sablier_last(synth_stack):
    stack = synth_stack("stirling-pdf")
    ingress = stack.k8s("Ingress", "stirling-pdf", "stirling-pdf")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app" and annotations["infra.viktorbarzin.me/auth-reason"]
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain and "traefik-ai-bot-block@kubernetescrd" in chain
    assert chain[-1] == "stirling-pdf-sablier-stirling-pdf@kubernetescrd"
    assert ingress["spec"]["rules"][0]["host"] == "stirling-pdf.viktorbarzin.me"
    assert stack.k8s("Middleware", "sablier-stirling-pdf", "stirling-pdf")


def test_keel_policy_is_owned_and_sablier_replicas_ignored(synth_stack):
    deployment = synth_stack("stirling-pdf").k8s("Deployment", "stirling-pdf", "stirling-pdf")
    metadata = deployment["inputs"]["metadata"]
    assert metadata["annotations"]["keel.sh/policy"] == "major"
    assert metadata["labels"]["sablier.group"] == "stirling-pdf"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.replicas" in ignored and "spec.template.spec.containers[0].image" in ignored
    assert not any("keel.sh/policy" in path or "keel.sh/trigger" in path for path in ignored)
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "stirlingtools/stirling-pdf:2.13.2"
    assert container["resources"]["limits"] == {"memory": "2Gi"}
    assert container["startupProbe"]["failureThreshold"] == 40


def test_config_claim_is_proxmox(synth_stack):
    pvc = synth_stack("stirling-pdf").k8s("PersistentVolumeClaim", "stirling-pdf-configs-proxmox", "stirling-pdf")
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert pvc["options"]["ignoreChanges"] == ["spec.resources.requests"]
    assert pvc["options"]["protect"]
