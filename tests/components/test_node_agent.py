"""NodeAgent: the DaemonSet sibling of WebApp, its explicit host access, rejected inputs."""

import pytest

from components.errors import ArgumentError
from components.node_agent import NodeAgent, NodeAgentArgs

CONTAINER = {"name": "agent", "image": "registry.k8s.io/dns/k8s-dns-node-cache:1.26.4"}
GPU = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}


def agent_args(**overrides) -> NodeAgentArgs:
    return NodeAgentArgs(**{"namespace": "kube-system", "containers": [CONTAINER], **overrides})


def test_defaults_select_on_app_without_host_access(run_mocked):
    recorded = run_mocked(lambda: NodeAgent("node-cache", agent_args()))
    daemonset = recorded.k8s("DaemonSet", "node-cache")
    spec = daemonset.inputs["spec"]
    assert spec["selector"] == {"matchLabels": {"app": "node-cache"}}
    pod = spec["template"]["spec"]
    assert not {"hostNetwork", "hostPID", "tolerations", "volumes"} & set(pod)
    assert "updateStrategy" not in spec and "annotations" not in daemonset.inputs["metadata"]
    assert daemonset.options["ignoreChanges"] == ["spec.template.spec.dnsConfig"]
    assert daemonset.name == "node-cache-daemonset" and daemonset.parent.endswith("homelab:k8s:NodeAgent::node-cache")


def test_host_access_tolerations_strategy_and_keel_marker(run_mocked):
    recorded = run_mocked(lambda: NodeAgent("gate", agent_args(
        tier="1-cluster", host_network=True, host_pid=True, host_paths=True, tolerations=[GPU],
        volumes=[{"name": "run", "host_path": {"path": "/var/run", "type": "Directory"}}],
        update_strategy="RollingUpdate", rolling_update={"max_unavailable": "10%"},
        containers=[{"name": "gate", "image": "bitnami/kubectl:latest"}], keel=True,
        pod_spec={"priority_class_name": "system-node-critical"})))
    daemonset = recorded.k8s("DaemonSet", "gate")
    meta, spec = daemonset.inputs["metadata"], daemonset.inputs["spec"]
    assert meta["labels"] == {"app": "gate", "tier": "1-cluster"}
    assert meta["annotations"] == {"infra.viktorbarzin.me/image-policy": "keel"}
    pod = spec["template"]["spec"]
    assert (pod["hostNetwork"], pod["hostPID"]) == (True, True)
    assert pod["tolerations"] == [GPU] and pod["priorityClassName"] == "system-node-critical"
    assert pod["volumes"][0]["hostPath"] == {"path": "/var/run", "type": "Directory"}
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}}
    assert "spec.template.spec.containers[0].image" in daemonset.options["ignoreChanges"]


def test_moved_from_aliases_the_old_top_level_urn(run_mocked):
    recorded = run_mocked(lambda: NodeAgent("gate", agent_args(moved_from={"daemonset": "gate"})))
    assert {"name": "gate", "noParent": True} in recorded.k8s("DaemonSet", "gate").options["aliases"]


@pytest.mark.parametrize("overrides, argument", [
    ({"pod_spec": {"host_network": True}}, "pod_spec"),
    ({"pod_spec": {"hostPID": True}}, "pod_spec"),
    ({"pod_spec": {"tolerations": [GPU]}}, "pod_spec"),
    ({"volumes": [{"name": "run", "host_path": {"path": "/run"}}]}, "volumes"),
    ({"host_paths": True}, "host_paths"),
    ({"host_network": "yes"}, "host_network"),
    ({"tolerations": GPU}, "tolerations"),
    ({"tolerations": [{"effect": "NoSchedule"}]}, "tolerations"),
    ({"update_strategy": "Recreate"}, "update_strategy"),
    ({"update_strategy": "OnDelete", "rolling_update": {"max_unavailable": 1}}, "rolling_update"),
    ({"tier": "gold"}, "tier"),
    ({"keel_containers": (3,)}, "keel_containers"),
    ({"moved_from": {"deployment": "x"}}, "moved_from"),
    ({"containers": []}, "containers"),
])
def test_rejects_bad_input_naming_the_argument(overrides, argument):
    with pytest.raises(ArgumentError, match=argument):
        agent_args(**overrides)


def test_webapp_and_nodeagent_share_the_pod_workload_arguments_and_their_checks():
    from components.web_app import WebAppArgs
    from components.workload import PodWorkloadArgs

    assert issubclass(WebAppArgs, PodWorkloadArgs) and issubclass(NodeAgentArgs, PodWorkloadArgs)
    containers = [{"name": "a", "image": "busybox:1.36"}]
    for cls, component in ((WebAppArgs, "WebApp"), (NodeAgentArgs, "NodeAgent")):
        with pytest.raises(ArgumentError, match=rf"{component}.*keel_containers"):
            cls(namespace="x", containers=containers, keel_containers=(1,))
        with pytest.raises(ArgumentError, match=rf"{component}.*revision_history_limit"):
            cls(namespace="x", containers=containers, revision_history_limit=-1)
