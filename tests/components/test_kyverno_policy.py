"""KyvernoPolicy: metadata annotations, spec layout, rule builders, argument validation."""

import pulumi
import pulumi_kubernetes as k8s
import pytest
import yaml

from components.errors import ArgumentError
from components.kyverno_policy import (
    KyvernoPolicy, KyvernoPolicyArgs, any_of, clone_secret_rule, exclude_namespaces, json6902, match_kinds,
    pod_validate_rule, resource_filter,
)

MUTATE = {"name": "m", "match": match_kinds(["Pod"]), "mutate": {"patchStrategicMerge": {"spec": {}}}}
VALIDATE = pod_validate_rule("v", message="no", pattern={"spec": {"=(hostPID)": False}})


def test_resource_filter_omits_empty_fields_and_keeps_order_of_lists():
    assert resource_filter(["Pod"], operations=["CREATE"]) == {"resources": {"kinds": ["Pod"], "operations": ["CREATE"]}}
    assert resource_filter(namespaces=("a", "b")) == {"resources": {"namespaces": ["a", "b"]}}
    assert resource_filter(annotations={"k": "v"}) == {"resources": {"annotations": {"k": "v"}}}
    assert match_kinds(["Namespace"], names=["x"]) == {"any": [{"resources": {"kinds": ["Namespace"], "names": ["x"]}}]}
    assert exclude_namespaces(["kube-system"]) == {"any": [{"resources": {"namespaces": ["kube-system"]}}]}
    assert any_of(resource_filter(["A"]), resource_filter(["B"]))["any"][1] == {"resources": {"kinds": ["B"]}}


def test_pod_validate_rule_shape():
    rule = pod_validate_rule("r", message="m", exclude=["ns"], deny={"conditions": {}})
    assert rule == {"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "exclude": {"any": [{"resources": {"namespaces": ["ns"]}}]},
                    "validate": {"message": "m", "deny": {"conditions": {}}}}
    assert "exclude" not in VALIDATE


def test_clone_secret_rule_shape():
    rule = clone_secret_rule("s", secret_name="tls-secret", source_namespace="kyverno",
                             match=match_kinds(["Namespace"]), generate_existing=True)
    assert rule["generate"] == {"generateExisting": True, "apiVersion": "v1", "kind": "Secret", "name": "tls-secret",
                                "namespace": "{{request.object.metadata.name}}", "synchronize": True,
                                "clone": {"namespace": "kyverno", "name": "tls-secret"}}
    assert "exclude" not in rule


def test_json6902_is_yaml_in_terraform_style():
    text = json6902([{"path": "/spec/priority", "op": "remove"}, {"op": "add", "path": "/p", "value": 12}])
    assert text == '- "op": "remove"\n  "path": "/spec/priority"\n- "op": "add"\n  "path": "/p"\n  "value": 12\n'
    assert yaml.safe_load(text)[1] == {"op": "add", "path": "/p", "value": 12}


# Outputs of terraform 1.x `yamlencode`: upstream's tier patch (tier-0-core) and GPU patch,
# and a patch with a map, a list and HTML-special text (block style, nothing escaped).
TERRAFORM_TIER_PATCH = ('- "op": "remove"\n  "path": "/spec/priority"\n- "op": "remove"\n'
                        '  "path": "/spec/preemptionPolicy"\n- "op": "add"\n  "path": "/spec/priorityClassName"\n'
                        '  "value": "tier-0-core"\n')
TERRAFORM_GPU_PATCH = ('- "op": "add"\n  "path": "/spec/priorityClassName"\n  "value": "gpu-workload"\n'
                       '- "op": "add"\n  "path": "/spec/priority"\n  "value": 1200000\n'
                       '- "op": "add"\n  "path": "/spec/preemptionPolicy"\n  "value": "PreemptLowerPriority"\n')
TERRAFORM_MIXED_PATCH = ('- "op": "add"\n  "path": "/metadata/annotations"\n  "value":\n    "n": 2\n'
                         '    "x/y": "a&b <c>"\n- "op": "add"\n  "path": "/spec/args"\n  "value":\n'
                         '  - "--one"\n  - "--two"\n')


def test_json6902_is_terraforms_yamlencode():
    assert json6902([{"op": "remove", "path": "/spec/priority"}, {"op": "remove", "path": "/spec/preemptionPolicy"},
                     {"op": "add", "path": "/spec/priorityClassName", "value": "tier-0-core"}]) == TERRAFORM_TIER_PATCH
    assert json6902([{"op": "add", "path": "/spec/priorityClassName", "value": "gpu-workload"},
                     {"op": "add", "path": "/spec/priority", "value": 1200000},
                     {"op": "add", "path": "/spec/preemptionPolicy", "value": "PreemptLowerPriority"}]) == TERRAFORM_GPU_PATCH
    assert json6902([{"op": "add", "path": "/metadata/annotations", "value": {"x/y": "a&b <c>", "n": 2}},
                     {"op": "add", "path": "/spec/args", "value": ["--one", "--two"]}]) == TERRAFORM_MIXED_PATCH


def test_resource_shape(run_mocked):
    recorded = run_mocked(lambda: KyvernoPolicy("deny-host", KyvernoPolicyArgs(
        rules=[VALIDATE], title="T", category="Pod Security", severity="high", description="D",
        validation_failure_action="Enforce", background=True, spec_extra={"generateExisting": False})))
    policy = recorded.k8s("ClusterPolicy", "deny-host")
    assert policy.type == "kubernetes:kyverno.io/v1:ClusterPolicy"
    assert policy.name == "deny-host-cluster-policy"
    assert policy.parent.endswith("homelab:kyverno:ClusterPolicy::deny-host")
    assert policy.inputs["metadata"]["annotations"] == {
        "policies.kyverno.io/title": "T", "policies.kyverno.io/category": "Pod Security",
        "policies.kyverno.io/severity": "high", "policies.kyverno.io/description": "D"}
    assert policy.inputs["spec"] == {"validationFailureAction": "Enforce", "background": True,
                                     "generateExisting": False, "rules": [VALIDATE]}


def test_minimal_policy_has_no_annotations_and_no_optional_spec(run_mocked):
    recorded = run_mocked(lambda: KyvernoPolicy("plain", KyvernoPolicyArgs(rules=[MUTATE])))
    policy = recorded.k8s("ClusterPolicy", "plain")
    assert "annotations" not in policy.inputs["metadata"]
    assert policy.inputs["spec"] == {"rules": [MUTATE]}


@pytest.mark.parametrize("replace", [True, False])
def test_depends_on_and_replace_reach_the_resource(run_mocked, replace):
    def program():
        anchor = k8s.core.v1.ConfigMap("anchor", metadata={"name": "anchor", "namespace": "n"})
        KyvernoPolicy("p", KyvernoPolicyArgs(rules=[MUTATE], replace_on_change=replace),
                      opts=pulumi.ResourceOptions(depends_on=[anchor]))

    policy = run_mocked(program).k8s("ClusterPolicy", "p")
    assert any(d.endswith("::anchor") for d in policy.options["dependsOn"]), policy.options
    assert bool(policy.options["deleteBeforeReplace"]) is replace


BAD_ARGS = [
    (dict(rules=[]), "rules"),
    (dict(rules=MUTATE), "rules"),
    (dict(rules=["x"]), "rules"),
    (dict(rules=[{"match": {}, "mutate": {}}]), "rules[].name"),
    (dict(rules=[MUTATE, MUTATE]), "rules"),
    (dict(rules=[{"name": "n", "match": {}}]), "rules[n]"),
    (dict(rules=[{"name": "n", "mutate": {}, "validate": {}}]), "rules[n]"),
    (dict(rules=[MUTATE], severity="urgent"), "severity"),
    (dict(rules=[VALIDATE], validation_failure_action="Block"), "validation_failure_action"),
    (dict(rules=[MUTATE], validation_failure_action="Enforce"), "validation_failure_action"),
    (dict(rules=[MUTATE], spec_extra={"background": False}), "spec_extra"),
    (dict(rules=[MUTATE], title=" "), "title"),
]


@pytest.mark.parametrize("kwargs, argument", BAD_ARGS)
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        KyvernoPolicyArgs(**kwargs)
    assert err.value.argument == argument


@pytest.mark.parametrize("build", [
    lambda: resource_filter(),
    lambda: any_of(),
    lambda: exclude_namespaces([]),
    lambda: exclude_namespaces("kube-system"),
    lambda: pod_validate_rule("r", message="m"),
    lambda: pod_validate_rule("r", message="m", pattern={}, deny={}),
    lambda: clone_secret_rule("r", secret_name="Bad_Name", source_namespace="kyverno", match={}),
    lambda: json6902([]),
    lambda: json6902([{"op": "add"}]),
])
def test_builders_reject_bad_input(build):
    with pytest.raises(ArgumentError):
        build()


def test_bad_name_rejected_before_registration(run_mocked):
    recorded = run_mocked(lambda: KyvernoPolicy("Bad_Name", KyvernoPolicyArgs(rules=[MUTATE])), expect_error=True)
    assert "Bad_Name" in str(recorded.result.error)
