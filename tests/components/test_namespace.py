"""Namespace: own quota / limit range with Kyverno's opt-out labels, and tier=None with a reason."""

import pytest

from components import constants as c
from components.errors import ArgumentError
from components.namespace import LimitRange, Namespace, NamespaceArgs, Quota

HARD = {"requests.cpu": "4", "requests.memory": "8Gi", "limits.memory": "16Gi", "pods": "30"}
LIMITS = [{"type": "Container", "default": {"memory": "128Mi"},
           "default_request": {"cpu": "50m", "memory": "128Mi"}, "max": {"memory": "16Gi"}}]


def test_quota_and_limit_range_are_children_and_opt_out_of_kyverno(run_mocked):
    recorded = run_mocked(lambda: Namespace("nvidia", NamespaceArgs(
        tier=c.TIER_GPU, labels={"istio-injection": "disabled"},
        quota=Quota(hard=HARD, name="tier-quota"), limit_range=LimitRange(limits=LIMITS, name="tier-defaults"))))
    ns = recorded.k8s("Namespace", "nvidia")
    assert ns.inputs["metadata"]["labels"] == {
        "istio-injection": "disabled", "tier": "2-gpu",
        "resource-governance/custom-quota": "true", "resource-governance/custom-limitrange": "true"}
    quota = recorded.k8s("ResourceQuota", "tier-quota")
    assert quota.inputs["metadata"] == {"name": "tier-quota", "namespace": "nvidia"}
    assert quota.inputs["spec"] == {"hard": HARD}
    assert quota.name == "nvidia-quota" and quota.parent.endswith("homelab:k8s:Namespace::nvidia")
    assert quota.options["dependsOn"] == [ns.urn]
    limit_range = recorded.k8s("LimitRange", "tier-defaults")
    assert limit_range.inputs["spec"] == {"limits": [{"type": "Container", "default": {"memory": "128Mi"},
                                                      "defaultRequest": {"cpu": "50m", "memory": "128Mi"},
                                                      "max": {"memory": "16Gi"}}]}
    assert limit_range.name == "nvidia-limit-range"


def test_default_names_and_nothing_extra_without_them(run_mocked):
    recorded = run_mocked(lambda: Namespace("crowdsec", NamespaceArgs(tier=c.TIER_CLUSTER, quota=Quota(hard=HARD))))
    assert recorded.k8s("ResourceQuota", "crowdsec-quota")
    assert not recorded.of_type("kubernetes:core/v1:LimitRange")
    assert "resource-governance/custom-limitrange" not in recorded.k8s("Namespace", "crowdsec").inputs["metadata"]["labels"]
    plain = run_mocked(lambda: Namespace("app", NamespaceArgs(tier=c.TIER_AUX)))
    assert plain.k8s("Namespace", "app").inputs["metadata"]["labels"] == {"tier": "4-aux"}
    assert not plain.of_type("kubernetes:core/v1:ResourceQuota")


def test_no_tier_namespace_has_no_tier_label(run_mocked):
    recorded = run_mocked(lambda: Namespace("kyverno", NamespaceArgs(
        tier=None, no_tier_reason="Kyverno must not generate its own quota", labels={"a": "b"})))
    assert recorded.k8s("Namespace", "kyverno").inputs["metadata"]["labels"] == {"a": "b"}


@pytest.mark.parametrize("make, argument", [
    (lambda: NamespaceArgs(tier=None), "no_tier_reason"),
    (lambda: NamespaceArgs(tier=None, no_tier_reason="  "), "no_tier_reason"),
    (lambda: NamespaceArgs(tier=c.TIER_AUX, no_tier_reason="why"), "no_tier_reason"),
    (lambda: NamespaceArgs(tier=c.TIER_AUX, quota=Quota(hard=HARD),
                           labels={"resource-governance/custom-quota": "true"}), "labels"),
    (lambda: NamespaceArgs(tier=c.TIER_AUX, quota={"pods": "3"}), "quota"),
    (lambda: NamespaceArgs(tier=c.TIER_AUX, limit_range=LIMITS), "limit_range"),
    (lambda: Quota(hard={}), "hard"),
    (lambda: Quota(hard={"pods": 30}), "hard"),
    (lambda: Quota(hard=HARD, name="Bad"), "name"),
    (lambda: LimitRange(limits=[]), "limits"),
    (lambda: LimitRange(limits=[{"default": {"memory": "1Gi"}}]), "limits[0]"),
])
def test_bad_arguments_name_the_argument(make, argument):
    with pytest.raises(ArgumentError) as err:
        make()
    assert err.value.argument == argument
