"""descheduler: what it may evict, how often, and under which account."""

import pytest

NS = "descheduler"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("descheduler")


@pytest.fixture(scope="module")
def release(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return release


def plugin_args(profile: dict, plugin: str) -> dict:
    [entry] = [p for p in profile["pluginConfig"] if p["name"] == plugin]
    return entry.get("args", {})


def test_release_is_pinned(release):
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "descheduler", NS, "descheduler", "0.36.0")
    assert inputs["repositoryOpts"]["repo"] == "https://kubernetes-sigs.github.io/descheduler/"
    assert inputs["atomic"] and inputs["cleanupOnFail"]


def test_runs_hourly_as_a_cronjob_under_the_stack_account(stack, release):
    values = release["inputs"]["values"]
    assert (values["kind"], values["schedule"], values["suspend"]) == ("CronJob", "0 * * * *", False)
    assert values["serviceAccount"]["create"] is False
    account = stack.k8s("ServiceAccount", values["serviceAccount"]["name"], NS)
    [component] = stack.of_type("homelab:k8s:HelmRelease")
    assert account["urn"] in component["options"]["dependsOn"], component["urn"]
    assert values["priorityClassName"] == "system-cluster-critical"
    assert values["image"]["repository"] == "registry.k8s.io/descheduler/descheduler"


def test_account_is_bound_to_the_role(stack):
    binding = stack.k8s("ClusterRoleBinding", "descheduler-cluster-role-binding")["inputs"]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": "descheduler-cluster-role"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "descheduler-sa", "namespace": NS}]


def test_role_can_evict_and_read_metrics(stack):
    rules = stack.k8s("ClusterRole", "descheduler-cluster-role")["inputs"]["rules"]
    granted = {(group, resource): rule["verbs"] for rule in rules
               for group in rule["apiGroups"] for resource in rule["resources"]}
    assert granted[("", "pods/eviction")] == ["create"]
    assert granted[("metrics.k8s.io", "nodes")] == ["get", "watch", "list"]
    assert granted[("metrics.k8s.io", "pods")] == ["get", "watch", "list", "delete"]
    assert granted[("policy", "poddisruptionbudgets")] == ["get", "list", "watch"]
    assert len(rules) == 8


def test_eviction_budget_and_database_exclusions(release):
    policy = release["inputs"]["values"]["deschedulerPolicy"]
    assert policy["maxNoOfPodsToEvictTotal"] == 10
    default, idrac = policy["profiles"]
    assert (default["name"], idrac["name"]) == ("default", "idrac-restart")
    assert plugin_args(default, "DefaultEvictor") == {"ignorePvcPods": True, "evictLocalStoragePods": True}
    assert plugin_args(default, "LowNodeUtilization")["evictableNamespaces"] == {"exclude": ["dbaas"]}
    lifetime = plugin_args(default, "PodLifeTime")
    assert lifetime["maxPodLifeTimeSeconds"] == 604800
    assert lifetime["namespaces"]["exclude"] == ["dbaas", "kube-system", "calico-system", "calico-apiserver",
                                                 "metallb-system", "monitoring", "authentik"]
    assert "PodLifeTime" in default["plugins"]["deschedule"]["enabled"]


def test_idrac_exporter_is_recycled_every_six_hours(release):
    [_, idrac] = release["inputs"]["values"]["deschedulerPolicy"]["profiles"]
    assert plugin_args(idrac, "PodLifeTime") == {
        "maxPodLifeTimeSeconds": 21600,
        "namespaces": {"include": ["monitoring"]},
        "labelSelector": {"matchLabels": {"app": "idrac-redfish-exporter"}},
    }
    assert idrac["plugins"] == {"deschedule": {"enabled": ["PodLifeTime"]}}


def test_namespace_labels(stack):
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "1-cluster", "keel.sh/enrolled": "true"}
