"""sablier: the service every parked app waits on to wake, and the rights it scales with."""

from urllib.parse import urlsplit

import pytest

from components import constants as c
from components.ingress import SABLIER_URL

NS = "sablier"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("sablier")


@pytest.fixture(scope="module")
def container(stack):
    [container] = stack.k8s("Deployment", "sablier", NS)["inputs"]["spec"]["template"]["spec"]["containers"]
    return container


def test_service_answers_at_the_url_every_enrolled_middleware_calls(stack, container):
    url = urlsplit(SABLIER_URL)
    name, namespace, *_ = url.hostname.split(".")
    service = stack.k8s("Service", name, namespace)["inputs"]
    [port] = service["spec"]["ports"]
    assert (port["port"], port["name"], port["protocol"]) == (url.port, "api", "TCP")
    assert service["spec"]["selector"] == {"app": "sablier"}
    assert port["targetPort"] in [p["containerPort"] for p in container["ports"]]
    assert service["metadata"]["annotations"] == {"prometheus.io/scrape": "true", "prometheus.io/port": "10000"}


def test_server_is_the_release_paired_with_the_plugin(container):
    assert container["image"] == "sablierapp/sablier:1.15.0"
    assert container["args"] == [
        "start",
        "--provider.name=kubernetes",
        "--logging.level=info",
        "--sessions.default-duration=3h",
        "--server.metrics.enabled=true",
    ]


def test_health_probes(container):
    for probe, delay, period in (("livenessProbe", 10, 30), ("readinessProbe", 5, 10)):
        assert container[probe] == {"httpGet": {"path": "/health", "port": 10000}, "initialDelaySeconds": delay,
                                    "periodSeconds": period, "timeoutSeconds": 5}, probe


def test_role_scales_workloads_and_only_reads_databases(stack):
    rules = stack.k8s("ClusterRole", "sablier")["inputs"]["rules"]
    granted = {(group, resource): set(rule["verbs"]) for rule in rules
               for group in rule["apiGroups"] for resource in rule["resources"]}
    for resource in ("deployments/scale", "statefulsets/scale"):
        assert {"get", "patch", "update"} <= granted[("apps", resource)], resource
    for resource in ("deployments", "statefulsets"):
        assert granted[("apps", resource)] == {"get", "list", "watch"}, resource
    assert granted[("postgresql.cnpg.io", "clusters")] == {"get", "list", "watch"}
    binding = stack.k8s("ClusterRoleBinding", "sablier")["inputs"]
    assert binding["roleRef"]["name"] == "sablier"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "sablier", "namespace": NS}]


def test_sablier_runs_one_replica_and_never_parks_itself(stack):
    deployment = stack.k8s("Deployment", "sablier", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 1 and spec["template"]["spec"]["serviceAccountName"] == "sablier"
    assert "sablier.enable" not in deployment["inputs"]["metadata"]["labels"]
    assert "spec.replicas" not in deployment["options"]["ignoreChanges"]
    assert deployment["inputs"]["metadata"]["labels"] == {"app": "sablier", "tier": c.TIER_CLUSTER}
    assert 'spec.template.spec.containers[0].image' in deployment["options"]["ignoreChanges"]
