"""privatebin: the objects an outage would be about."""



def test_ingress_is_public_pb_host_with_custom_csp_and_sablier(synth_stack):
    stack = synth_stack("privatebin")
    ingress = stack.k8s("Ingress", "privatebin", "privatebin")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-ai-bot-block@kubernetescrd" in chain and "traefik-csp-headers@kubernetescrd" not in chain
    assert chain[-3:] == ["privatebin-sablier-privatebin@kubernetescrd",
                          "privatebin-custom-csp-privatebin@kubernetescrd", "traefik-x402@kubernetescrd"]
    assert ingress["spec"]["rules"][0]["host"] == "pb.viktorbarzin.me"
    csp = stack.k8s("Middleware", "custom-csp-privatebin", "privatebin")["inputs"]
    assert "'wasm-unsafe-eval'" in csp["spec"]["headers"]["contentSecurityPolicy"]


def test_paste_claim_is_autoresized_and_protected(synth_stack):
    stack = synth_stack("privatebin")
    pvc = stack.k8s("PersistentVolumeClaim", "privatebin-data-proxmox", "privatebin")
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert pvc["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
    assert pvc["options"]["ignoreChanges"] == ["spec.resources.requests"]
    assert pvc["options"]["protect"]


def test_deployment_sablier_enrolled_on_edge_tier(synth_stack):
    stack = synth_stack("privatebin")
    deployment = stack.k8s("Deployment", "privatebin", "privatebin")
    labels = deployment["inputs"]["metadata"]["labels"]
    assert labels["tier"] == "3-edge" and labels["sablier.group"] == "privatebin"
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "privatebin/nginx-fpm-alpine"
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/srv/data", "subPath": "data"}]
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]
