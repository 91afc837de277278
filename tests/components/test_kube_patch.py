"""kube_patch: server-side-apply patches (forced, one field manager, retained) and re-runnable kubectl steps."""

import pytest

from components import kube_patch as kp
from components.errors import ArgumentError

GPU_TAINT = {"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}


def test_node_patch_labels_and_taints(run_mocked):
    def program():
        kp.node_patch("k8s-node1-gpu", node="k8s-node1", labels={"gpu": "true"}, taints=[GPU_TAINT],
                      owns_all_taints=True)

    node = run_mocked(program).one("kubernetes:core/v1:NodePatch", "k8s-node1-gpu")
    meta = node.inputs["metadata"]
    assert meta["name"] == "k8s-node1" and meta["labels"] == {"gpu": "true"}
    assert meta["annotations"] == {"pulumi.com/patchForce": "true", "pulumi.com/patchFieldManager": "pulumi-homelab"}
    assert node.inputs["spec"]["taints"] == [GPU_TAINT]
    assert node.options.get("retainOnDelete") is True


def test_node_patch_taints_need_the_acknowledgement():
    with pytest.raises(ArgumentError, match="owns_all_taints"):
        kp.node_patch("n", node="k8s-node1", taints=[GPU_TAINT])
    with pytest.raises(ArgumentError, match="effect"):
        kp.node_patch("n", node="k8s-node1", taints=[{**GPU_TAINT, "effect": "Sometimes"}], owns_all_taints=True)
    with pytest.raises(ArgumentError, match="change nothing"):
        kp.node_patch("n", node="k8s-node1")


def test_workload_patch_host_aliases(run_mocked):
    def program():
        kp.workload_patch("woodpecker-hosts", kind="StatefulSet", namespace="woodpecker", workload="woodpecker-server",
                          host_aliases=[{"ip": "10.0.20.1", "hostnames": ["forgejo.viktorbarzin.me"]}])

    sts = run_mocked(program).one("kubernetes:apps/v1:StatefulSetPatch", "woodpecker-hosts")
    assert sts.inputs["metadata"]["namespace"] == "woodpecker"
    assert sts.inputs["spec"]["template"]["spec"]["hostAliases"] == [
        {"ip": "10.0.20.1", "hostnames": ["forgejo.viktorbarzin.me"]}]
    with pytest.raises(ArgumentError, match="kind"):
        kp.workload_patch("x", kind="Job", namespace="a", workload="b", labels={"a": "b"})


def test_config_map_patch_sets_only_given_keys(run_mocked):
    def program():
        kp.config_map_patch("coredns-corefile", namespace="kube-system", config_map="coredns", data={"Corefile": ".:53 {}\n"})

    cm = run_mocked(program).one("kubernetes:core/v1:ConfigMapPatch", "coredns-corefile")
    assert cm.inputs["data"] == {"Corefile": ".:53 {}\n"} and cm.inputs["metadata"]["name"] == "coredns"


def test_kubectl_command_is_explicit_about_reruns(run_mocked):
    def program():
        kp.kubectl_command("advertise-gpumem", script="kubectl patch node n --subresource=status --type=json -p '[]'",
                           triggers={"resource": "viktorbarzin.me/gpumem", "gpumem_total": 14000},
                           rerun_safe="a JSON-patch add on an existing key overwrites it with the same value")

    cmd = run_mocked(program).one("command:local:Command", "advertise-gpumem")
    assert cmd.inputs["create"].startswith("set -euo pipefail\nkubectl patch node")
    assert cmd.inputs["triggers"] == ["gpumem_total=14000", "resource=viktorbarzin.me/gpumem"]
    assert cmd.inputs["interpreter"] == ["/bin/bash", "-c"]
    assert "delete" not in cmd.inputs


@pytest.mark.parametrize("overrides, match", [
    ({"rerun_safe": ""}, "rerun_safe"),
    ({"triggers": {}}, "triggers"),
    ({"script": "echo hi"}, "kubectl"),
])
def test_kubectl_command_refusals(overrides, match):
    args = {"script": "kubectl get nodes", "triggers": {"v": "1"}, "rerun_safe": "only reads the node list", **overrides}
    with pytest.raises(ArgumentError, match=match):
        kp.kubectl_command("step", **args)
