"""sealed-secrets: the controller (and its CRDs) that decrypts every SealedSecret."""

import pytest

NS = "sealed-secrets"


@pytest.fixture(scope="module")
def release(synth_stack):
    [release] = synth_stack("sealed-secrets").of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]


def test_release_is_pinned_on_the_live_repository(release):
    assert (release["name"], release["namespace"], release["chart"], release["version"]) == (
        "sealed-secrets", NS, "sealed-secrets", "2.18.3")
    # The bitnami-labs GitHub Pages repository no longer serves the chart.
    assert release["repositoryOpts"]["repo"] == "https://bitnami.github.io/sealed-secrets"
    assert release["atomic"] and release["timeout"] == 300


def test_chart_owns_the_crds_and_memory_is_capped(release):
    assert release["values"]["crds"] == {"create": True}
    assert release["values"]["resources"] == {"requests": {"cpu": "50m", "memory": "192Mi"},
                                              "limits": {"memory": "192Mi"}}


def test_namespace_labels(synth_stack):
    labels = synth_stack("sealed-secrets").k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "1-cluster", "keel.sh/enrolled": "true"}
