"""reloader: the restarts that rotated database passwords rely on."""

import pytest

NS = "reloader"


@pytest.fixture(scope="module")
def release(synth_stack):
    [release] = synth_stack("reloader").of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]


def test_release_is_the_stakater_chart_pinned(release):
    assert (release["name"], release["namespace"], release["chart"]) == ("reloader", NS, "reloader")
    assert release["repositoryOpts"]["repo"] == "https://stakater.github.io/stakater-charts"
    assert release["version"] == "2.2.16" and release["atomic"] and not release["createNamespace"]


def test_reloads_through_pod_annotations_not_injected_env(release):
    # With the chart default ("default") Reloader edits every watched container's env list,
    # which the workload stacks own; all of them would show drift after each rotation.
    assert release["values"] == {"reloader": {"reloadStrategy": "annotations"}}


def test_namespace_is_aux_and_keel_enrolled(synth_stack):
    labels = synth_stack("reloader").k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "4-aux", "keel.sh/enrolled": "true"}
