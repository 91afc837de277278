"""ebook2audiobook: the objects an outage would be about (all parked, but their GPU claims matter)."""

import pytest

from components import constants as c

DEPLOYMENTS = {
    "ebook2audiobook": ("docker.io/athomasson2/ebook2audiobook:v25.12.30-cu128", "ebook2audiobook-data-host"),
    "audiblez": ("viktorbarzin/audiblez:latest", "ebook2audiobook-audiblez-data-host"),
    "audiblez-web": ("docker.io/viktorbarzin/audiblez-web:latest", "ebook2audiobook-audiblez-data-host"),
}


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_parked_on_the_gpu_node_with_one_device(synth_stack, name):
    image, claim = DEPLOYMENTS[name]
    deployment = synth_stack("ebook2audiobook").k8s("Deployment", name, "ebook2audiobook")["inputs"]
    assert deployment["spec"]["replicas"] == 0
    assert deployment["metadata"]["labels"] == {"app": name, "tier": "2-gpu"}
    pod = deployment["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
    [container] = pod["containers"]
    assert container["image"] == image
    assert container["resources"] == {"limits": {"nvidia.com/gpu": "1"}}
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]


def test_ingresses_are_behind_authentik_with_grey_cloud_records(synth_stack):
    stack = synth_stack("ebook2audiobook")
    hosts = {}
    for name in ("ebook2audiobook", "audiblez-web"):
        ingress = stack.k8s("Ingress", name, "ebook2audiobook")["inputs"]
        annotations = ingress["metadata"]["annotations"]
        assert annotations[c.AUTH_ANNOTATION] == "required", name
        hosts[name] = ingress["spec"]["rules"][0]["host"]
    assert hosts == {"ebook2audiobook": "ebook2audiobook.viktorbarzin.me", "audiblez-web": "audiblez.viktorbarzin.me"}
    buffering = stack.k8s("Middleware", "buffering-audiblez-web", "ebook2audiobook")["inputs"]["spec"]
    assert buffering["buffering"]["maxRequestBodyBytes"] == 500 * 1024**2
    records = {r["inputs"]["name"] for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")}
    assert records == {"ebook2audiobook.viktorbarzin.me", "audiblez.viktorbarzin.me"}
