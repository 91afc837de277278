"""Kept schemas of the Calico custom resources: the calico stack's objects pass, misspelt keys do not."""

from tools.synth.schema import validate_manifest

GNP = {
    "apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy",
    "metadata": {"name": "wave1-egress-observe-tier34"},
    "spec": {"order": 2000, "selector": "all()", "namespaceSelector": 'tier in {"3-edge", "4-aux"}',
             "types": ["Egress"], "egress": [{"action": "Log"}, {"action": "Allow"}]},
}


def test_goldmane_and_whisker_without_or_with_spec():
    assert validate_manifest({"apiVersion": "operator.tigera.io/v1", "kind": "Goldmane",
                              "metadata": {"name": "default"}}) == []
    assert validate_manifest({"apiVersion": "operator.tigera.io/v1", "kind": "Whisker", "metadata": {"name": "default"},
                              "spec": {"notifications": "Disabled"}}) == []
    assert validate_manifest({"apiVersion": "operator.tigera.io/v1", "kind": "Whisker", "metadata": {"name": "default"},
                              "spec": {"notification": "Disabled"}})


def test_global_network_policy():
    assert validate_manifest(GNP) == []
    bad = {**GNP, "spec": {**GNP["spec"], "egress": [{"action": "Observe"}]}}
    assert any("egress.0.action" in e for e in validate_manifest(bad))
    assert validate_manifest({**GNP, "spec": {**GNP["spec"], "type": ["Egress"]}})
