"""keel: the image roller every enrolled workload depends on, and what keeps it quiet."""

import pytest

NS = "keel"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("keel")


@pytest.fixture(scope="module")
def release(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]


def test_release_is_pinned(release):
    assert (release["name"], release["namespace"], release["chart"], release["version"]) == ("keel", NS, "keel", "1.2.0")
    assert release["repositoryOpts"]["repo"] == "https://charts.keel.sh"
    assert release["atomic"]


def test_polls_hourly_through_annotations_with_one_replica(release):
    values = release["values"]
    assert values["replicaCount"] == 1
    assert values["polling"] == {"enabled": True, "defaultSchedule": "@every 1h"}
    assert values["helmProvider"] == {"enabled": False}
    assert values["rbac"] == {"enabled": True} and values["persistence"] == {"enabled": False}
    assert values["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}}


def test_notifications_stay_off_slack_and_metrics_are_scraped(release):
    values = release["values"]
    assert values["slack"] == {"enabled": False} and values["notificationLevel"] == "info"
    assert values["podAnnotations"] == {"prometheus.io/scrape": "true", "prometheus.io/port": "9300",
                                        "prometheus.io/path": "/metrics"}


def test_keel_does_not_enrol_its_own_namespace(stack):
    # Keel is never rolled by Keel (kyverno also excludes the namespace): it changes only on apply.
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "1-cluster"}
