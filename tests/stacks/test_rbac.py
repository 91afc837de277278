"""rbac: the OIDC roles and per-user bindings, the portal's role map, the control-plane scripts."""

from __future__ import annotations

import hashlib
import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "rbac"
sys.path.insert(0, str(STACK_DIR))

import rbac_control_plane as cp  # noqa: E402
import rbac_users  # noqa: E402

KV = "vault:kv/getSecretV2:getSecretV2"
COMMAND = "command:remote:Command"
USERS = {
    "viktor": {"role": "admin", "email": "admin@example.org"},
    "pat": {"role": "power-user", "email": "pat@example.org"},
    "ana": {"role": "namespace-owner", "email": "ana@example.org", "namespaces": ["ana-apps", "ana-lab"],
            "domains": ["ana"], "quota": {"cpu_requests": "4", "pods": 30}},
    "bo": {"role": "namespace-owner", "email": "bo@example.org", "namespaces": ["bo"]},
    "guest": {"role": "viewer", "email": "guest@example.org"},
}


def run_stack(run_mocked, users: dict | None = USERS, **kwargs):
    """The real __main__.py under mocks; Vault answers with ``users`` (None: no field)."""
    data = {} if users is None else {"k8s_users": json.dumps(users)}

    def program():
        old_cwd = os.getcwd()
        try:
            os.chdir(STACK_DIR)
            runpy.run_path(str(STACK_DIR / "__main__.py"), run_name="__main__")
        finally:
            os.chdir(old_cwd)

    return run_mocked(program, project="rbac", invokes={KV: {"data": data}}, **kwargs)


@pytest.fixture
def with_users(run_mocked):
    return run_stack(run_mocked)


def _subjects(reg) -> list[dict]:
    return reg.inputs["subjects"]


# --- the fleet synth (offline: no users) ------------------------------------------------------

@pytest.mark.parametrize("name", ["oidc-power-user", "oidc-power-user-readonly", "oidc-namespace-owner-readonly",
                                  "dashboard-nav-readonly"])
def test_cluster_roles_exist_by_name(synth_stack, name):
    synth_stack("rbac").k8s("ClusterRole", name)


def test_power_user_readonly_grants_no_secrets_and_no_exec(synth_stack):
    role = synth_stack("rbac").k8s("ClusterRole", "oidc-power-user-readonly")["inputs"]
    for rule in role["rules"]:
        assert rule["verbs"] == ["get", "list", "watch"], rule
        assert "secrets" not in rule["resources"] and "pods/exec" not in rule["resources"], rule


def test_offline_synth_declares_no_per_user_objects(synth_stack):
    stack = synth_stack("rbac")
    assert not stack.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
    assert not stack.of_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
    assert len(stack.of_type(COMMAND)) == 3


# --- the per-user path under a canned Vault answer --------------------------------------------

def test_each_role_gets_its_oidc_cluster_binding(with_users):
    expected = {
        "oidc-admin-viktor": ("cluster-admin", "admin@example.org"),
        "oidc-power-user-readonly-pat": ("oidc-power-user-readonly", "pat@example.org"),
        "oidc-ns-owner-readonly-ana": ("oidc-namespace-owner-readonly", "ana@example.org"),
        "oidc-ns-owner-readonly-bo": ("oidc-namespace-owner-readonly", "bo@example.org"),
    }
    for name, (role, email) in expected.items():
        binding = with_users.k8s("ClusterRoleBinding", name)
        assert binding.inputs["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                             "name": role}, binding.urn
        assert _subjects(binding) == [{"kind": "User", "name": email,
                                       "apiGroup": "rbac.authorization.k8s.io"}], binding.urn
    oidc = {r.inputs["metadata"]["name"] for r in with_users.of_type(
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding") if r.name.startswith("oidc-")}
    assert oidc == set(expected), "an unknown role (guest: viewer) must get no binding"


def test_nobody_is_bound_to_the_read_write_power_user_role(with_users):
    for binding in with_users.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"):
        assert binding.inputs["roleRef"]["name"] != "oidc-power-user", binding.urn


@pytest.mark.parametrize("user, ns", [("ana", "ana-apps"), ("ana", "ana-lab"), ("bo", "bo")])
def test_namespace_owner_objects(with_users, user, ns):
    email = USERS[user]["email"]
    [owner] = [r for r in with_users.of_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
               if r.inputs["metadata"] == {"name": f"namespace-owner-{user}", "namespace": ns}]
    assert owner.inputs["roleRef"]["name"] == "admin" and _subjects(owner)[0]["name"] == email
    [quota] = [r for r in with_users.of_type("kubernetes:core/v1:ResourceQuota")
               if r.inputs["metadata"]["namespace"] == ns]
    assert quota.inputs["metadata"]["name"] == "user-quota"
    assert owner.urn in quota.options["dependsOn"], quota.urn

    account = {"kind": "ServiceAccount", "name": f"dashboard-{user}", "namespace": ns}
    [sa] = [r for r in with_users.of_type("kubernetes:core/v1:ServiceAccount") if r.inputs["metadata"]["namespace"] == ns]
    assert sa.inputs["metadata"]["name"] == f"dashboard-{user}"
    [dash_admin] = [r for r in with_users.of_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
                    if r.inputs["metadata"] == {"name": f"dashboard-owner-{user}", "namespace": ns}]
    assert dash_admin.inputs["roleRef"]["name"] == "admin" and _subjects(dash_admin) == [account]
    nav = with_users.k8s("ClusterRoleBinding", f"dashboard-readonly-{user}-{ns}")
    assert nav.inputs["roleRef"]["name"] == "dashboard-nav-readonly" and _subjects(nav) == [account]
    [token] = [r for r in with_users.of_type("kubernetes:core/v1:Secret")
               if (r.inputs["metadata"]["name"], r.inputs["metadata"]["namespace"]) == (f"dashboard-{user}-token", ns)]
    assert token.inputs["type"] == "kubernetes.io/service-account-token"
    assert token.inputs["metadata"]["annotations"] == {"kubernetes.io/service-account.name": f"dashboard-{user}"}
    [tls] = [r for r in with_users.of_type("kubernetes:core/v1:Secret")
             if r.inputs["metadata"] == {"name": "tls-secret", "namespace": ns}]
    assert tls.inputs["type"] == "kubernetes.io/tls"


def test_quota_values_with_defaults(with_users):
    hard = {r.inputs["metadata"]["namespace"]: r.inputs["spec"]["hard"]
            for r in with_users.of_type("kubernetes:core/v1:ResourceQuota")}
    assert hard["ana-apps"] == {"requests.cpu": "4", "requests.memory": "4Gi", "limits.memory": "8Gi", "pods": "30"}
    assert hard["bo"] == {"requests.cpu": "2", "requests.memory": "4Gi", "limits.memory": "8Gi", "pods": "20"}


def test_portal_role_map_is_upstreams_json():
    users = rbac_users.parse_users(json.dumps(USERS))
    document = rbac_users.portal_document(users)
    assert json.loads(document)["ana@example.org"] == {"role": "namespace-owner", "namespaces": ["ana-apps", "ana-lab"]}
    assert document.startswith('{"admin@example.org":{"namespaces":[],"role":"admin"},')


# terraform 1.x `jsonencode` of upstream's users.json expression over USERS.
TERRAFORM_USERS_JSON = (
    '{"admin@example.org":{"namespaces":[],"role":"admin"},"ana@example.org":{"namespaces":["ana-apps'
    '","ana-lab"],"role":"namespace-owner"},"bo@example.org":{"namespaces":["bo"],"role":"namespace-o'
    'wner"},"guest@example.org":{"namespaces":[],"role":"viewer"},"pat@example.org":{"namespaces":[],'
    '"role":"power-user"}}'
)


def test_portal_role_map_is_terraforms_jsonencode():
    assert rbac_users.portal_document(rbac_users.parse_users(json.dumps(USERS))) == TERRAFORM_USERS_JSON


def test_portal_config_map_keeps_emails_secret(with_users):
    config_map = with_users.k8s("ConfigMap", "k8s-user-roles")
    assert config_map.inputs["metadata"]["namespace"] == "k8s-portal"
    assert config_map.inputs["data"]["users.json"] == "[secret]"


@pytest.mark.parametrize("raw, message", [
    ('["not", "a", "map"]', "JSON object"),
    ('{"x": {"role": "admin"}}', "lacks email"),
    ('{"a": {"role": "namespace-owner", "email": "a@x", "namespaces": ["n"]},'
     ' "b": {"role": "namespace-owner", "email": "b@x", "namespaces": ["n"]}}', "owned by both"),
])
def test_bad_user_lists_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        rbac_users.parse_users(raw)


def test_a_real_run_without_the_user_list_fails_naming_it(run_mocked):
    recorded = run_stack(run_mocked, users=None, preview=False, expect_error=True,
                         config={"rbac:sshPrivateKey": "key"}, secret_keys=["rbac:sshPrivateKey"])
    assert "secret/platform" in recorded.result.error and "k8s_users" in recorded.result.error


# --- control-plane commands ---------------------------------------------------------------------

def _commands(recorded) -> dict[str, dict]:
    return {r.name: r for r in recorded.of_type(COMMAND)}


def test_remote_commands_and_their_triggers(with_users):
    commands = _commands(with_users)
    assert set(commands) == {"apiserver-oidc-config", "audit-policy", "etcd-tuning"}
    sha = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
    template = lambda name: (STACK_DIR / "files" / name).read_text()  # noqa: E731
    assert commands["apiserver-oidc-config"].inputs["triggers"] == [{
        "auth_config_sha256": sha(cp.auth_config()), "script_sha256": sha(template("apiserver-oidc.sh"))}]
    assert commands["audit-policy"].inputs["triggers"] == [{
        "policy_version": "v1", "policy_sha256": sha(cp.audit_policy()),
        "script_sha256": sha(template("audit-policy.sh"))}]
    assert commands["etcd-tuning"].inputs["triggers"] == [{
        "snapshot_count": "50000", "script_sha256": sha(template("etcd-tuning.sh"))}]
    assert commands["apiserver-oidc-config"].urn in commands["audit-policy"].options["dependsOn"]
    for command in commands.values():
        assert command.inputs["create"] == "bash -s", command.urn
        assert command.inputs["connection"] == "[secret]", f"{command.urn}: the SSH key must stay a secret"


def test_stdin_changes_only_with_the_triggers():
    """Rendering is deterministic and covered by the trigger hashes: same triggers, same script."""
    first, second = cp.scripts(STACK_DIR), cp.scripts(STACK_DIR)
    for name, script in first.items():
        assert (script.text, script.triggers) == (second[name].text, second[name].triggers)
        assert "@" + "AUTH_CONFIG_B64@" not in script.text and "@SNAPSHOT_COUNT@" not in script.text


def test_auth_config_trusts_both_issuers_without_prefixes():
    document = yaml.safe_load(cp.auth_config())
    assert document["kind"] == "AuthenticationConfiguration"
    assert [(j["issuer"]["url"], j["issuer"]["audiences"]) for j in document["jwt"]] == [
        ("https://authentik.viktorbarzin.me/application/o/kubernetes/", ["kubernetes"]),
        ("https://authentik.viktorbarzin.me/application/o/k8s-dashboard/", ["k8s-dashboard"]),
    ]
    for jwt in document["jwt"]:
        assert jwt["claimMappings"] == {"username": {"claim": "email", "prefix": ""},
                                        "groups": {"claim": "groups", "prefix": ""}}


def test_audit_policy_rules_in_order():
    rules = yaml.safe_load(cp.audit_policy())["rules"]
    assert [r["level"] for r in rules] == ["None", "None", "None", "Metadata", "RequestResponse", "Metadata"]
    assert rules[3]["resources"] == [{"group": "", "resources": ["secrets"]}]
    assert rules[2]["nonResourceURLs"] == ["/healthz*", "/readyz*", "/livez*"]


# Terraform 1.x `yamlencode` of upstream's audit policy (rendered with terraform), and its
# `sha256` (upstream's policy_hash trigger): the file the first run writes keeps its bytes.
TERRAFORM_AUDIT_POLICY = (
    '"apiVersion": "audit.k8s.io/v1"\n'
    '"kind": "Policy"\n'
    '"rules":\n'
    '- "level": "None"\n'
    '  "resources":\n'
    '  - "group": ""\n'
    '    "resources":\n'
    '    - "endpoints"\n'
    '    - "services"\n'
    '    - "services/status"\n'
    '  "users":\n'
    '  - "system:kube-proxy"\n'
    '- "level": "None"\n'
    '  "verbs":\n'
    '  - "watch"\n'
    '- "level": "None"\n'
    '  "nonResourceURLs":\n'
    '  - "/healthz*"\n'
    '  - "/readyz*"\n'
    '  - "/livez*"\n'
    '- "level": "Metadata"\n'
    '  "resources":\n'
    '  - "group": ""\n'
    '    "resources":\n'
    '    - "secrets"\n'
    '- "level": "RequestResponse"\n'
    '  "verbs":\n'
    '  - "create"\n'
    '  - "update"\n'
    '  - "patch"\n'
    '  - "delete"\n'
    '- "level": "Metadata"\n'
    '  "verbs":\n'
    '  - "get"\n'
    '  - "list"\n'
)


def test_audit_policy_is_terraforms_yamlencode():
    assert cp.audit_policy() == TERRAFORM_AUDIT_POLICY
    assert cp.sha256(cp.audit_policy()) == "4453f580de74f0f32bea451b9c5fa98b6d3691d4a6e62cff7dc728c07b50932a"


def test_restore_config_map_is_the_remote_script(with_users):
    config_map = with_users.k8s("ConfigMap", "apiserver-oidc-restore")
    assert config_map.inputs["metadata"]["namespace"] == "kube-system"
    assert config_map.inputs["data"]["restore.sh"] == _commands(with_users)["apiserver-oidc-config"].inputs["stdin"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize("name", ["apiserver-oidc-config", "audit-policy", "etcd-tuning"])
def test_rendered_scripts_parse(name):
    script = cp.scripts(STACK_DIR)[name].text
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_render_refuses_missing_or_unused_values():
    with pytest.raises(ValueError):
        cp.render("x=@A@", {})
    with pytest.raises(ValueError):
        cp.render("x=1", {"A": "1"})


def test_stack_metadata():
    meta = yaml.safe_load((STACK_DIR / "stack.yaml").read_text())
    assert meta == {"bootstrap": False, "human_only": False, "depends_on": ["infra"]}
