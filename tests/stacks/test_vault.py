"""vault (Tier 0): the release, the engines other stacks read from, and the rotation contract."""

import json
import re
from pathlib import Path

import pytest
import yaml


STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "vault"
MOUNT = "vault:index/mount:Mount"
STATIC_ROLE = "vault:database/secretBackendStaticRole:SecretBackendStaticRole"
POLICY = "vault:index/policy:Policy"


def _by_name(stack, rtype):
    return {r["name"]: r for r in stack.of_type(rtype)}


def test_release_is_pinned_and_not_atomic(synth_stack):
    [release] = synth_stack("vault").of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "vault", "vault", "vault", "0.29.1")
    assert inputs["repositoryOpts"]["repo"] == "https://helm.releases.hashicorp.com"
    assert inputs["atomic"] is False and inputs["timeout"] == 600
    server = inputs["values"]["server"]
    assert server["ha"]["replicas"] == 3 and server["ha"]["raft"]["enabled"]
    assert 'storage "raft"' in server["ha"]["raft"]["config"]
    assert server["dataStorage"]["storageClass"] == "proxmox-lvm-encrypted"
    assert [s["name"] for s in server["extraContainers"]] == ["auto-unseal", "audit-tail"]
    assert server["extraContainers"][0]["image"] == "hashicorp/vault:1.18.1"


@pytest.mark.parametrize("path", ["database", "transit"])
def test_secret_engine_mounts_exist_and_are_protected(synth_stack, path):
    mounts = _by_name(synth_stack("vault"), MOUNT)
    assert mounts[path]["inputs"] == {"path": path, "type": path}
    assert mounts[path]["options"]["protect"], f"{mounts[path]['urn']} must be protected"


def test_auth_backends_and_k8s_secrets_engine_are_protected(synth_stack):
    stack = synth_stack("vault")
    for rtype in ("vault:index/authBackend:AuthBackend", "vault:jwt/authBackend:AuthBackend",
                  "vault:kubernetes/secretBackend:SecretBackend"):
        [backend] = stack.of_type(rtype)
        assert backend["options"]["protect"], backend["urn"]


def test_static_roles_rotate_weekly(synth_stack):
    roles = _by_name(synth_stack("vault"), STATIC_ROLE)
    assert len(roles) == 29
    assert {r["inputs"]["rotationPeriod"] for r in roles.values()} == {604800}
    assert roles["pg-terraform-state"]["inputs"]["username"] == "terraform_state"
    assert roles["pg-terraform-state"]["inputs"]["dbName"] == "postgresql"
    assert roles["mysql-nextcloud"]["inputs"]["dbName"] == "mysql"


def test_connections_allow_exactly_their_roles(synth_stack):
    stack = synth_stack("vault")
    roles = _by_name(stack, STATIC_ROLE)
    connections = _by_name(stack, "vault:database/secretBackendConnection:SecretBackendConnection")
    for db in ("mysql", "postgresql"):
        allowed = set(connections[db]["inputs"]["allowedRoles"])
        assert allowed == {n for n, r in roles.items() if r["inputs"]["dbName"] == db}
    assert connections["postgresql"]["inputs"]["postgresql"]["password"] == "[secret]"


def test_policies_by_name(synth_stack):
    policies = {r["inputs"]["name"]: r["inputs"]["policy"] for r in synth_stack("vault").of_type(POLICY)}
    assert set(policies) == {
        "vault-admin", "sops-admin", "ci", "eso-reader", "woodpecker-sync", "openclaw-k8s",
        "terraform-state", "hermes-agent", "vpn-portal", "personal-emo", "projects-emo", "ci-preview", "raft-backup",
        "workstation-claude-wizard", "workstation-claude-emo",
    }
    assert 'path "secret/data/vault"' in policies["eso-reader"]
    assert 'path "secret/data/claude-breakglass/*"' in policies["hermes-agent"]
    assert "database/" not in policies["hermes-agent"]
    for name, text in policies.items():
        assert not text.lstrip().startswith("PLACEHOLDER"), name


def test_eso_role_binds_the_operator_account(synth_stack):
    roles = {r["inputs"]["roleName"]: r["inputs"]
             for r in synth_stack("vault").of_type("vault:kubernetes/authBackendRole:AuthBackendRole")}
    assert roles["eso"]["boundServiceAccountNames"] == ["external-secrets"]
    assert roles["eso"]["tokenPeriod"] == 864000
    assert roles["ci"]["tokenPolicies"] == ["ci", "terraform-state", "pulumi-state-transit"]


def test_ci_preview_role_can_decrypt_and_read_but_never_write(synth_stack):
    vault_stack = synth_stack("vault")
    roles = {r["inputs"]["roleName"]: r["inputs"]
             for r in vault_stack.of_type("vault:kubernetes/authBackendRole:AuthBackendRole")}
    preview = roles["ci-preview"]
    assert preview["boundServiceAccountNames"] == ["ci-preview"]
    assert preview["boundServiceAccountNamespaces"] == ["woodpecker"]
    assert preview["tokenPolicies"] == ["ci-preview"]
    policy = {r["inputs"]["name"]: r["inputs"]["policy"] for r in vault_stack.of_type(POLICY)}["ci-preview"]
    grants = dict(re.findall(r'path "([^"]+)" \{\s*capabilities = \[([^\]]*)\]', policy))
    assert grants["transit/decrypt/pulumi-state"] == '"update"'
    assert grants["secret/data/vault"] == '"deny"'
    assert not any("encrypt" in p or p.startswith(("database/", "kubernetes/", "auth/token/create")) for p in grants)
    assert all(caps in ('"read"', '"read", "list"', '"deny"') for p, caps in grants.items()
               if p != "transit/decrypt/pulumi-state")
    binding = vault_stack.k8s("ClusterRoleBinding", "ci-preview-view")["inputs"]
    assert binding["roleRef"]["name"] == "view"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "ci-preview", "namespace": "woodpecker"}]


def test_ingress_is_vaults_own_auth(synth_stack):
    ingress = synth_stack("vault").k8s("Ingress", "vault", "vault")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert "traefik-authentik-forward-auth@kubernetescrd" not in annotations.get("traefik.ingress.kubernetes.io/router.middlewares", "")
    assert ingress["spec"]["rules"][0]["host"] == "vault.viktorbarzin.me"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "vault-active", "port": {"number": 8200}}


def test_raft_backup_cronjob(synth_stack):
    cronjob = synth_stack("vault").k8s("CronJob", "vault-raft-backup", "vault")
    spec = cronjob["inputs"]["spec"]
    assert spec["schedule"] == "0 2 * * 0" and spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == "hashicorp/vault:1.18.1"
    script = pod["containers"][0]["args"][0]
    assert "raft snapshot save" in script
    # SEC-031: its own service account and a snapshot-only Vault role, never the root token.
    assert pod["serviceAccountName"] == "vault-raft-backup"
    assert "vault-root-token" not in json.dumps(pod) and "vault-root-token" not in script
    assert "auth/kubernetes/login role=raft-backup" in script
    assert "spec.jobTemplate.spec.template.spec.dnsConfig" in cronjob["options"]["ignoreChanges"]


def test_raft_backup_role_may_only_take_snapshots(synth_stack):
    stack = synth_stack("vault")
    [role] = [r["inputs"] for r in stack.of_type("vault:kubernetes/authBackendRole:AuthBackendRole")
              if r["inputs"]["roleName"] == "raft-backup"]
    assert role["boundServiceAccountNames"] == ["vault-raft-backup"]
    assert role["boundServiceAccountNamespaces"] == ["vault"]
    assert role["tokenPolicies"] == ["raft-backup"]
    [policy] = [r["inputs"]["policy"] for r in stack.of_type("vault:index/policy:Policy")
                if r["inputs"]["name"] == "raft-backup"]
    paths = re.findall(r'path "([^"]+)" \{\s*capabilities = (\[[^\]]*\])', policy)
    assert paths == [("sys/storage/raft/snapshot", '["read"]')]
    stack.k8s("ServiceAccount", "vault-raft-backup", "vault")


def test_stack_is_bootstrap_and_human_only():
    meta = yaml.safe_load((STACK_DIR / "stack.yaml").read_text())
    assert meta == {"bootstrap": True, "human_only": True, "depends_on": ["platform"]}
