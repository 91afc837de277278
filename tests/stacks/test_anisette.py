"""anisette: the objects an outage would be about."""



def test_ingress_is_lan_only_on_the_lan_domain(synth_stack):
    stack = synth_stack("anisette")
    ingress = stack.k8s("Ingress", "anisette", "anisette")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-local-only@kubernetescrd" in chain and "traefik-authentik-forward-auth@kubernetescrd" not in chain
    assert annotations["gethomepage.dev/enabled"] == "false"
    assert "cloudflare.viktorbarzin.me/dns-type" not in annotations
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "anisette.viktorbarzin.lan"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "anisette", "port": {"number": 80}}
    assert stack.of_type("cloudflare:index/dnsRecord:DnsRecord") == []


def test_deployment_is_digest_pinned_with_writable_cache(synth_stack):
    stack = synth_stack("anisette")
    deployment = stack.k8s("Deployment", "anisette", "anisette")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"].startswith("docker.io/dadoum/anisette-v3-server@sha256:1e20384985d3")
    assert container["resources"]["limits"] == {"memory": "512Mi"}
    assert pod["volumes"] == [{"name": "provisioning-cache", "emptyDir": {}}]
    assert deployment["inputs"]["metadata"]["annotations"]["pulumi.com/skipAwait"] == "true"
    assert stack.k8s("Service", "anisette", "anisette")["inputs"]["spec"]["ports"][0]["targetPort"] == 6969
