"""WorkloadRbac: account, role and binding in both scopes, the token Secret, rejected rules."""

import pytest

from components.errors import ArgumentError
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

PODS = Rule(api_groups=[""], resources=["pods"], verbs=["get", "list"])
EXEC = Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"])


def rbac_args(**overrides) -> WorkloadRbacArgs:
    return WorkloadRbacArgs(**{"namespace": "ops", "rules": [PODS, EXEC], **overrides})



def test_namespaced_role_bound_to_a_new_account(run_mocked, registered_outputs):
    recorded = run_mocked(lambda: WorkloadRbac("importer", rbac_args()))
    parent = "urn:pulumi:prod::test::homelab:k8s:WorkloadRbac::importer"
    account = recorded.k8s("ServiceAccount", "importer")
    assert account.inputs["metadata"] == {"name": "importer", "namespace": "ops"}
    role = recorded.k8s("Role", "importer")
    assert role.inputs["metadata"] == {"name": "importer", "namespace": "ops"}
    assert role.inputs["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
        {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]},
    ]
    binding = recorded.k8s("RoleBinding", "importer")
    assert binding.inputs["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "importer"}
    assert binding.inputs["subjects"] == [{"kind": "ServiceAccount", "name": "importer", "namespace": "ops"}]
    assert {(r.name, r.parent) for r in (account, role, binding)} == {
        ("importer-service-account", parent), ("importer-role", parent), ("importer-binding", parent)}
    assert not recorded.of_type("kubernetes:core/v1:Secret")
    assert registered_outputs[("WorkloadRbac", "importer")] == ["role_name", "service_account_name"]


def test_cluster_role_names_labels_token_and_resource_names(run_mocked):
    recorded = run_mocked(lambda: WorkloadRbac("upgrade", rbac_args(
        role_kind="ClusterRole", role_name="k8s-upgrade-job", binding_name="k8s-upgrade-job-binding",
        token_secret="upgrade-token", labels={"app": "upgrade"},
        rules=[Rule(api_groups=[""], resources=["configmaps"], resource_names=["killswitch"], verbs=["get"])])))
    role = recorded.k8s("ClusterRole", "k8s-upgrade-job")
    assert role.inputs["metadata"] == {"name": "k8s-upgrade-job", "labels": {"app": "upgrade"}}
    assert role.inputs["rules"] == [{"apiGroups": [""], "resources": ["configmaps"],
                                     "resourceNames": ["killswitch"], "verbs": ["get"]}]
    binding = recorded.k8s("ClusterRoleBinding", "k8s-upgrade-job-binding")
    assert "namespace" not in binding.inputs["metadata"]
    assert binding.inputs["roleRef"]["kind"] == "ClusterRole" and binding.inputs["roleRef"]["name"] == "k8s-upgrade-job"
    token = recorded.k8s("Secret", "upgrade-token")
    assert token.inputs["type"] == "kubernetes.io/service-account-token"
    assert token.inputs["metadata"]["annotations"] == {"kubernetes.io/service-account.name": "upgrade"}
    assert token.name == "upgrade-token" and token.parent.endswith("WorkloadRbac::upgrade")


def test_account_without_a_mounted_token(run_mocked):
    recorded = run_mocked(lambda: WorkloadRbac("provisioner", rbac_args(automount_service_account_token=False)))
    account = recorded.k8s("ServiceAccount", "provisioner")
    assert account.inputs["automountServiceAccountToken"] is False
    assert "automountServiceAccountToken" not in recorded.k8s("ServiceAccount", "provisioner").inputs["metadata"]


def test_existing_account_is_bound_not_created(run_mocked):
    seen = {}

    def program():
        rbac = WorkloadRbac("cleanup", rbac_args(service_account="kyverno-cleanup-controller"))
        rbac.service_account_name.apply(lambda v: seen.setdefault("sa", v))

    recorded = run_mocked(program)
    assert not recorded.of_type("kubernetes:core/v1:ServiceAccount")
    binding = recorded.k8s("RoleBinding", "cleanup")
    assert binding.inputs["subjects"] == [{"kind": "ServiceAccount", "name": "kyverno-cleanup-controller", "namespace": "ops"}]
    assert seen["sa"] == "kyverno-cleanup-controller"


def test_grant_to_an_account_of_another_namespace(run_mocked):
    recorded = run_mocked(lambda: WorkloadRbac("n8n-openclaw-exec", WorkloadRbacArgs(
        namespace="openclaw", rules=[PODS, EXEC], service_account="n8n", service_account_namespace="n8n")))
    assert not recorded.of_type("kubernetes:core/v1:ServiceAccount")
    role = recorded.k8s("Role", "n8n-openclaw-exec")
    assert role.inputs["metadata"]["namespace"] == "openclaw"
    binding = recorded.k8s("RoleBinding", "n8n-openclaw-exec")
    assert binding.inputs["metadata"]["namespace"] == "openclaw"
    assert binding.inputs["subjects"] == [{"kind": "ServiceAccount", "name": "n8n", "namespace": "n8n"}]


def test_existing_cluster_role_is_bound_not_created(run_mocked):
    seen = {}

    def program():
        rbac = WorkloadRbac("emo-browser-readonly", WorkloadRbacArgs(
            namespace="chrome-service", role_kind="ClusterRole", existing_role="oidc-power-user-readonly", rules=[]))
        rbac.role_name.apply(lambda v: seen.setdefault("role", v))

    recorded = run_mocked(program)
    assert not recorded.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")
    binding = recorded.k8s("ClusterRoleBinding", "emo-browser-readonly")
    assert binding.inputs["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                         "name": "oidc-power-user-readonly"}
    assert binding.inputs["subjects"] == [{"kind": "ServiceAccount", "name": "emo-browser-readonly",
                                           "namespace": "chrome-service"}]
    assert seen["role"] == "oidc-power-user-readonly"


def test_moved_children_keep_their_old_names_as_aliases(run_mocked):
    recorded = run_mocked(lambda: WorkloadRbac("reconcile", rbac_args(
        moved_from={"service_account": "post-boot-reconcile", "role": "post-boot-reconcile-role"})))
    assert {"name": "post-boot-reconcile", "noParent": True} in recorded.k8s("ServiceAccount", "reconcile").options["aliases"]
    assert {"name": "post-boot-reconcile-role", "noParent": True} in recorded.k8s("Role", "reconcile").options["aliases"]
    assert not any(isinstance(a, dict) and a.get("noParent")
                   for a in recorded.k8s("RoleBinding", "reconcile").options["aliases"])


BAD = [
    (dict(namespace=""), "namespace"),
    (dict(role_kind="Group"), "role_kind"),
    (dict(rules=[]), "rules"),
    (dict(existing_role="view"), "rules"),
    (dict(rules=[], existing_role="view", role_name="mine"), "role_name"),
    (dict(rules=[], existing_role="a/b"), "existing_role"),
    (dict(rules=[], existing_role="view", moved_from={"role": "x"}), "moved_from"),
    (dict(rules=PODS), "rules"),
    (dict(rules=[{"api_groups": [""], "resources": ["pods"], "verbs": ["get"]}]), "rules[0]"),
    (dict(rules=[Rule(api_groups=[], resources=["pods"], verbs=["get"])]), "rules[0].api_groups"),
    (dict(rules=[Rule(api_groups=[""], resources=[], verbs=["get"])]), "rules[0].resources"),
    (dict(rules=[PODS, Rule(api_groups=[""], resources=["pods"], verbs=[])]), "rules[1].verbs"),
    (dict(rules=[Rule(api_groups=[""], resources=["pods"], verbs=["read"])]), "rules[0].verbs"),
    (dict(rules=[Rule(api_groups=[""], resources="pods", verbs=["get"])]), "rules[0].resources"),
    (dict(service_account="Bad Name"), "service_account"),
    (dict(role_name="a/b"), "role_name"),
    (dict(token_secret="t", service_account="existing"), "token_secret"),
    (dict(automount_service_account_token="no"), "automount_service_account_token"),
    (dict(automount_service_account_token=True, service_account="existing"), "automount_service_account_token"),
    (dict(moved_from={"deployment": "x"}), "moved_from"),
    (dict(moved_from={"token": "x"}), "moved_from"),
    (dict(moved_from={"service_account": "x"}, service_account="existing"), "moved_from"),
    (dict(service_account_namespace="n8n"), "service_account_namespace"),
    (dict(service_account="n8n", service_account_namespace="Bad_NS"), "service_account_namespace"),
]


@pytest.mark.parametrize("overrides,argument", BAD)
def test_rejects(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        rbac_args(**overrides)
    assert err.value.component == "WorkloadRbac" and err.value.argument == argument
