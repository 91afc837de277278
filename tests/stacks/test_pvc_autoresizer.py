"""pvc-autoresizer: every ProxmoxVolume claim grows only while this reads Prometheus."""

import pytest

NS = "pvc-autoresizer"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("pvc-autoresizer")


@pytest.fixture(scope="module")
def release(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]


def test_release_is_pinned(release):
    assert (release["name"], release["namespace"], release["chart"], release["version"]) == (
        "pvc-autoresizer", NS, "pvc-autoresizer", "0.19.0")
    assert release["repositoryOpts"]["repo"] == "https://topolvm.github.io/pvc-autoresizer"
    assert release["atomic"] and release["timeout"] == 300


def test_controller_reads_the_cluster_prometheus_every_ten_minutes(release):
    controller = release["values"]["controller"]
    assert controller["args"] == {"prometheusURL": "http://prometheus-server.monitoring.svc.cluster.local:80",
                                  "interval": "10m"}
    assert controller["resources"] == {"requests": {"memory": "64Mi", "cpu": "10m"}, "limits": {"memory": "128Mi"}}


def test_webhook_self_signs_and_does_not_mutate_claims(release):
    assert release["values"]["webhook"] == {"certificate": {"generate": True}, "pvcMutatingWebhook": {"enabled": False}}


def test_namespace_keeps_its_keel_enrolment(stack):
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "1-cluster", "keel.sh/enrolled": "true"}
