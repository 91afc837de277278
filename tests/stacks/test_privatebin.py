"""privatebin: the objects an outage would be about."""

from components import constants as c


def test_ingress_is_public_pb_host_with_custom_csp_and_sablier(synth_stack):
    stack = synth_stack("privatebin")
    ingress = stack.k8s("Ingress", "privatebin", "privatebin")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    assert annotations[c.DNS_TYPE_ANNOTATION] == "proxied"
    chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert c.MW_AI_BOT_BLOCK in chain and c.MW_CSP_HEADERS not in chain
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
    assert labels["tier"] == c.TIER_EDGE and labels["sablier.group"] == "privatebin"
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "privatebin/nginx-fpm-alpine"
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/srv/data", "subPath": "data"}]
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]
