"""metallb: the release and the address pool every LoadBalancer Service draws from."""

import pytest

NS = "metallb-system"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("metallb")


def test_release_is_pinned(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == ("metallb", NS, "metallb", "0.15.3")
    assert inputs["repositoryOpts"]["repo"] == "https://metallb.github.io/metallb"
    assert inputs["atomic"] and inputs["timeout"] == 600
    speaker = inputs["values"]["speaker"]
    assert speaker["frr"] == {"enabled": False}
    assert speaker["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]


def test_pool_covers_the_traefik_address_and_is_advertised(stack):
    pool = stack.k8s("IPAddressPool", "default", NS)
    assert pool["inputs"]["apiVersion"] == "metallb.io/v1beta1"
    assert pool["inputs"]["spec"] == {"addresses": ["10.0.20.200-10.0.20.220"]}
    l2 = stack.k8s("L2Advertisement", "default", NS)
    assert l2["inputs"]["spec"] == {"ipAddressPools": ["default"]}
    for obj in (pool, l2):
        assert any("HelmRelease" in d for d in obj["options"]["dependsOn"]), obj["urn"]


def test_namespace_labels_are_upstreams_without_a_tier(stack):
    # Upstream (stacks/metallb/modules/metallb/main.tf) sets exactly these two labels; a tier
    # label would opt the namespace into Kyverno's LimitRange/quota/priority generation.
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"app": "metallb", "keel.sh/enrolled": "true"}
