"""calico: the CNI operator release adopted in place, the flow-observability CRs, Whisker's access."""

from pathlib import Path

import pytest
import yaml

from components import constants as c
from tools.synth.schema import validate_manifest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("calico")


def test_the_cni_depends_on_no_stack():
    """calico must never wait on another stack's apply (nor be rolled by one)."""
    meta = yaml.safe_load((REPO / "stacks" / "calico" / "stack.yaml").read_text())
    assert meta["depends_on"] == [] and meta["human_only"] is True


def test_operator_release_only_renders_the_operator(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "calico", "tigera-operator", "tigera-operator", "v3.30.7")
    assert inputs["repositoryOpts"]["repo"] == "https://docs.tigera.io/calico/charts"
    assert inputs["values"] == {
        "installation": {"enabled": False}, "apiServer": {"enabled": False},
        "goldmane": {"enabled": False}, "whisker": {"enabled": False},
        "resources": {"limits": {"memory": "512Mi"}},
    }
    assert inputs["atomic"] is False and inputs["cleanupOnFail"] is False


def test_namespaces_have_no_tier_and_ignore_operator_labels(stack):
    for name in ("calico-system", "calico-apiserver", "tigera-operator"):
        ns = stack.k8s("Namespace", name)
        assert ns["inputs"]["metadata"]["labels"] == {"name": name}
        ignored = set(ns["options"]["ignoreChanges"])
        assert c.IGNORE_GOLDILOCKS_LABEL in ignored
        psa = 'metadata.labels["pod-security.kubernetes.io/enforce"]' in ignored
        assert psa == (name != "tigera-operator")


def test_flow_observability_crs_validate_and_are_ordered(stack):
    goldmane = stack.k8s("Goldmane", "default")
    whisker = stack.k8s("Whisker", "default")
    gnp = stack.k8s("GlobalNetworkPolicy", "wave1-egress-observe-tier34")
    for cr in (goldmane, whisker, gnp):
        assert validate_manifest(cr["inputs"]) == [], cr["urn"]
    assert "spec" not in goldmane["inputs"]
    assert whisker["inputs"]["spec"] == {"notifications": "Disabled"}
    assert goldmane["urn"] in whisker["options"]["dependsOn"]
    assert gnp["inputs"]["spec"]["egress"] == [{"action": "Log"}, {"action": "Allow"}]
    assert gnp["inputs"]["spec"]["namespaceSelector"] == 'tier in {"3-edge", "4-aux"}'
    assert gnp["options"]["retainOnDelete"] is True


def test_whisker_is_behind_authentik_and_reachable(stack):
    ingress = stack.k8s("Ingress", "whisker")
    assert ingress["inputs"]["metadata"]["namespace"] == "calico-system"
    assert ingress["inputs"]["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    traefik = stack.k8s("NetworkPolicy", "whisker-allow-traefik")["inputs"]["spec"]
    assert traefik["ingress"][0]["ports"] == [{"port": "8081", "protocol": "TCP"}]
    dns = stack.k8s("NetworkPolicy", "whisker-allow-dns-clusterip")["inputs"]["spec"]
    assert dns["egress"][0]["to"] == [{"ipBlock": {"cidr": "10.96.0.10/32"}}]
    assert {p["protocol"] for p in dns["egress"][0]["ports"]} == {"UDP", "TCP"}


def test_watchdog_runs_every_ten_minutes_with_least_privilege(stack):
    cron = stack.k8s("CronJob", "whisker-watchdog")["inputs"]["spec"]
    assert cron["schedule"] == "*/10 * * * *" and cron["concurrencyPolicy"] == "Forbid"
    assert (cron["successfulJobsHistoryLimit"], cron["failedJobsHistoryLimit"]) == (1, 1)
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "whisker-watchdog" and pod["restartPolicy"] == "Never"
    assert "kubectl -n \"$NS\" delete pod -l k8s-app=whisker" in pod["containers"][0]["command"][2]
    role = stack.k8s("Role", "whisker-watchdog")["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "delete"]},
                             {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]
