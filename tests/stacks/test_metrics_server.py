"""metrics-server: metrics.k8s.io, read by the descheduler and `kubectl top`."""

import pytest

NS = "metrics-server"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("metrics-server")


def test_release_is_pinned_and_trusts_self_signed_kubelets(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "metrics-server", NS, "metrics-server", "3.13.1")
    assert inputs["repositoryOpts"]["repo"] == "https://kubernetes-sigs.github.io/metrics-server/"
    assert inputs["atomic"]
    assert inputs["values"] == {
        "args": ["--kubelet-insecure-tls"],
        "resources": {"requests": {"cpu": "50m", "memory": "200Mi"}, "limits": {"memory": "200Mi"}},
    }


def test_namespace_and_tls_secret(stack):
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "1-cluster", "keel.sh/enrolled": "true"}
    secret = stack.k8s("Secret", "tls-secret", NS)
    assert secret["inputs"]["type"] == "kubernetes.io/tls"
