"""WebApp's GPU and PodDisruptionBudget options."""

import pytest

from components.errors import ArgumentError
from components.web_app import Pdb, WebApp, WebAppArgs
from components.workload import Gpu

CONTAINERS = [{"name": "sidecar", "image": "busybox:1.36"},
              {"name": "asr", "image": "asr:1.0", "resources": {"requests": {"memory": "1Gi"}, "limits": {"memory": "2Gi"}}}]


def pod_of(recorded, name="asr"):
    return recorded.k8s("Deployment", name).inputs["spec"]["template"]["spec"]


def test_gpu_claims_device_and_vram_on_the_chosen_container(run_mocked):
    recorded = run_mocked(lambda: WebApp("asr", WebAppArgs(
        namespace="ml", containers=CONTAINERS, gpu=Gpu(devices=1, memory_mib=3000, container=1),
        pod_spec={"node_selector": {"kubernetes.io/arch": "amd64"},
                  "tolerations": [{"key": "dedicated", "operator": "Exists"}]})))
    pod = pod_of(recorded)
    assert pod["nodeSelector"] == {"kubernetes.io/arch": "amd64", "nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [
        {"key": "dedicated", "operator": "Exists"},
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"},
    ]
    sidecar, asr = pod["containers"]
    assert "resources" not in sidecar
    assert asr["resources"] == {"requests": {"memory": "1Gi"},
                                "limits": {"memory": "2Gi", "nvidia.com/gpu": "1", "viktorbarzin.me/gpumem": "3000"}}


def test_gpu_node_only_with_implicit_operator(run_mocked):
    recorded = run_mocked(lambda: WebApp("asr", WebAppArgs(
        namespace="ml", containers=CONTAINERS[:1], gpu=Gpu(explicit_operator=False))))
    pod = pod_of(recorded)
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert "resources" not in pod["containers"][0]


def test_without_gpu_the_pod_spec_is_untouched(run_mocked):
    recorded = run_mocked(lambda: WebApp("asr", WebAppArgs(namespace="ml", containers=CONTAINERS[:1])))
    pod = pod_of(recorded)
    assert "tolerations" not in pod and "nodeSelector" not in pod


@pytest.mark.parametrize("kwargs, argument", [
    ({"devices": 0}, "devices"),
    ({"devices": True}, "devices"),
    ({"memory_mib": 3000}, "memory_mib"),
    ({"devices": 1, "memory_mib": "3000"}, "memory_mib"),
    ({"container": -1}, "container"),
])
def test_bad_gpu_arguments(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        Gpu(**kwargs)
    assert err.value.argument == argument and str(err.value).startswith("Gpu: argument")


def test_webapp_refuses_gpu_out_of_range_and_hand_written_limits():
    with pytest.raises(ArgumentError, match="'gpu'") as err:
        WebAppArgs(namespace="ml", containers=CONTAINERS[:1], gpu=Gpu(container=1))
    assert err.value.component == "WebApp"
    with pytest.raises(ArgumentError, match="nvidia.com/gpu"):
        WebAppArgs(namespace="ml", gpu=Gpu(devices=1),
                   containers=[{"name": "a", "image": "a:1", "resources": {"limits": {"nvidia.com/gpu": "1"}}}])
    with pytest.raises(ArgumentError, match="'gpu'"):
        WebAppArgs(namespace="ml", containers=CONTAINERS[:1], gpu={"devices": 1})


@pytest.mark.parametrize("pdb, expected", [
    (Pdb(max_unavailable=1), {"maxUnavailable": 1}),
    (Pdb(min_available="1"), {"minAvailable": "1"}),
    (Pdb(min_available="50%"), {"minAvailable": "50%"}),
])
def test_pdb_selects_the_app_pods(run_mocked, pdb, expected):
    recorded = run_mocked(lambda: WebApp("gw", WebAppArgs(
        namespace="edge", containers=CONTAINERS[:1], selector={"app": "gateway"}, pdb=pdb)))
    budget = recorded.k8s("PodDisruptionBudget", "gw")
    assert budget.type == "kubernetes:policy/v1:PodDisruptionBudget"
    assert budget.name == "gw-pdb" and budget.parent.endswith("homelab:k8s:WebApp::gw")
    assert budget.inputs["metadata"] == {"name": "gw", "namespace": "edge"}
    assert budget.inputs["spec"] == {"selector": {"matchLabels": {"app": "gateway"}}, **expected}


def test_pdb_name_override_and_none_by_default(run_mocked):
    recorded = run_mocked(lambda: WebApp("gw", WebAppArgs(
        namespace="edge", containers=CONTAINERS[:1], pdb=Pdb(max_unavailable=1, name="gateway-budget"))))
    assert recorded.k8s("PodDisruptionBudget", "gateway-budget").inputs["spec"]["selector"] == {
        "matchLabels": {"app": "gw"}}
    plain = run_mocked(lambda: WebApp("gw", WebAppArgs(namespace="edge", containers=CONTAINERS[:1])))
    assert not plain.of_type("kubernetes:policy/v1:PodDisruptionBudget")


@pytest.mark.parametrize("kwargs, argument", [
    ({}, "min_available"),
    ({"min_available": 1, "max_unavailable": 1}, "min_available"),
    ({"max_unavailable": -1}, "max_unavailable"),
    ({"max_unavailable": "one"}, "max_unavailable"),
    ({"min_available": True}, "min_available"),
    ({"max_unavailable": 1, "name": "Bad_Name"}, "name"),
])
def test_bad_pdb_arguments(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        Pdb(**kwargs)
    assert err.value.argument == argument and str(err.value).startswith("Pdb: argument")


def test_gpu_on_another_node_label(run_mocked):
    recorded = run_mocked(lambda: WebApp("asr", WebAppArgs(
        namespace="ml", containers=CONTAINERS[:1], gpu=Gpu(devices=1, node_label="gpu"))))
    assert pod_of(recorded)["nodeSelector"] == {"gpu": "true"}
    with pytest.raises(ArgumentError) as err:
        Gpu(node_label="not a label")
    assert err.value.argument == "node_label"


def test_deployment_labels_without_the_selector(run_mocked):
    recorded = run_mocked(lambda: WebApp("swap", WebAppArgs(
        namespace="ml", containers=CONTAINERS[:1], selector={"app": "ml", "component": "swap"},
        labels={"app": "ml"}, tier="2-gpu", labels_include_selector=False)))
    deployment = recorded.k8s("Deployment", "swap").inputs
    assert deployment["metadata"]["labels"] == {"app": "ml", "tier": "2-gpu"}
    assert deployment["spec"]["selector"]["matchLabels"] == {"app": "ml", "component": "swap"}
    assert deployment["spec"]["template"]["metadata"]["labels"] == {"app": "ml", "component": "swap"}
