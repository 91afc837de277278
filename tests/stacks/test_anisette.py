"""anisette: the objects an outage would be about."""

from components import constants as c


def test_ingress_is_lan_only_on_the_lan_domain(synth_stack):
    stack = synth_stack("anisette")
    ingress = stack.k8s("Ingress", "anisette", "anisette")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert c.MW_LOCAL_ONLY in chain and c.MW_FORWARD_AUTH not in chain
    assert annotations["gethomepage.dev/enabled"] == "false"
    assert c.DNS_TYPE_ANNOTATION not in annotations
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
