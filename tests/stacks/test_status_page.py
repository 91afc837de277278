"""status-page: the parked pusher's template and its cluster-wide ingress read."""

import pytest

NS = "status-page"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("status-page")


def test_only_the_five_live_objects(stack):
    kinds = sorted(r["inputs"]["kind"] for r in stack.resources if "kind" in r["inputs"])
    assert kinds == ["ClusterRole", "ClusterRoleBinding", "ConfigMap", "Namespace", "ServiceAccount"]
    assert stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"] == {"tier": "4-aux"}


def test_template_holds_the_page_and_the_pages_cname(stack):
    data = stack.k8s("ConfigMap", "status-page-template", NS)["inputs"]["data"]
    assert sorted(data) == ["CNAME", "index.html"]
    assert data["CNAME"] == "status.viktorbarzin.me"


def test_pusher_account_may_only_list_ingresses(stack):
    stack.k8s("ServiceAccount", "status-page-pusher", NS)
    role = stack.k8s("ClusterRole", "status-page-ingress-reader")["inputs"]
    assert role["rules"] == [{"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": ["list"]}]
    binding = stack.k8s("ClusterRoleBinding", "status-page-ingress-reader")["inputs"]
    assert binding["roleRef"]["name"] == "status-page-ingress-reader"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "status-page-pusher", "namespace": NS}]
