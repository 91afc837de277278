"""Every fixture stack's port adopts 100 % of its Terraform objects: nothing replaced,
nothing orphaned, and each import id is in the Pulumi provider's documented format."""

from __future__ import annotations

import stat

import pytest

from ip_support import FAKE_PASSWORD, FIXTURES, STACKS, state_file
from tools.import_plan import PlanInputs, build_import_file, build_plan

EXPECTED_IDS = {
    # Kubernetes objects: namespace/name, cluster-scoped objects by name.
    ("tandoor", "kubernetes_namespace.tandoor"): "tandoor",
    ("tandoor", "module.nfs_tandoor.kubernetes_persistent_volume.this"): "tandoor-data-nfs",
    ("tandoor", "module.nfs_tandoor.kubernetes_persistent_volume_claim.this"): "tandoor/tandoor-data-nfs",
    ("tandoor", "kubernetes_manifest.external_secret"): "tandoor/tandoor-secrets",
    ("tandoor", "module.ingress.kubectl_manifest.sablier[0]"): "tandoor/sablier-tandoor",
    ("external-secrets", "kubernetes_manifest.css_vault_kv"): "vault-kv",
    ("webapp", "kubernetes_cron_job_v1.backup"): "webapp/webapp-backup",
    ("webapp", "kubernetes_config_map.shard[1]"): "webapp/webapp-shard-1",
    # helm.sh/v3 Release: namespace/name.
    ("external-secrets", "helm_release.external_secrets"): "external-secrets/external-secrets",
    # cloudflare 6.x DnsRecord: zone_id/record_id.
    ("webapp", "module.ingress.cloudflare_record.non_proxied_a[0]"):
        "00000000000000000000000000000001/00000000000000000000000000000a01",
    ("webapp", 'cloudflare_record.verification["keybase"]'):
        "00000000000000000000000000000001/00000000000000000000000000000c02",
    # vault: policy name, mount path, role path, backend/static-roles/name, backend/config/name.
    ("vault", "vault_policy.eso_reader"): "eso-reader",
    ("vault", "vault_mount.database"): "database",
    ("vault", "vault_auth_backend.kubernetes"): "kubernetes",
    ("vault", "vault_kubernetes_auth_backend_role.eso"): "auth/kubernetes/role/eso",
    ("vault", 'vault_database_secret_backend_static_role.pg["health"]'): "database/static-roles/pg_health",
    ("vault", "vault_database_secret_backend_connection.postgresql"): "database/config/postgresql",
    # proxmoxve VmLegacy: node/vmid.
    ("infra-vms", "proxmox_vm_qemu.k8s_node[2]"): "pve/202",
    # random: the current value itself (only in the private import file).
    ("tandoor", "random_password.secret_key"): FAKE_PASSWORD,
}


def _plan(stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=state_file(FIXTURES / stack), synth_dir=FIXTURES))


@pytest.mark.parametrize("stack", STACKS)
def test_fixture_stack_is_fully_adopted(stack: str) -> None:
    plan = _plan(stack)
    assert plan.orphans == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert plan.created == []
    assert plan.ok()


@pytest.mark.parametrize("stack", STACKS)
def test_cli_exits_zero_and_reports_full_match(stack: str, workspace, capsys) -> None:
    ws = workspace(stack)
    code, out, err = ws.run(capsys=capsys)
    assert (code, err) == (0, "")
    summary = ws.report()["summary"]
    assert summary["matched_pct"] == 100.0
    assert (summary["replaced"], summary["orphaned"]) == (0, 0)
    assert "RESULT: OK" in out


@pytest.mark.parametrize(("stack", "address"), sorted(EXPECTED_IDS))
def test_import_id_uses_provider_format(stack: str, address: str) -> None:
    plan = _plan(stack)
    ids = {m.tf.address: m.import_id for m in plan.matches}
    assert ids[address] == EXPECTED_IDS[(stack, address)]


def test_every_instance_kind_of_the_issue_is_covered() -> None:
    """count, for_each, module instances, kubernetes_manifest and kubectl_manifest all
    appear among the matched addresses of the fixtures."""
    addresses = [m.tf.address for stack in STACKS for m in _plan(stack).matches]
    assert any(a.startswith("module.") for a in addresses)
    assert any(a.endswith("[0]") for a in addresses)
    assert any('["' in a for a in addresses)
    types = {m.tf.type for stack in STACKS for m in _plan(stack).matches}
    assert {"kubernetes_manifest", "kubectl_manifest", "helm_release", "cloudflare_record", "random_password",
            "vault_policy", "vault_database_secret_backend_static_role", "kubernetes_cron_job_v1",
            "kubernetes_deployment", "kubernetes_service", "kubernetes_persistent_volume_claim"} <= types


def test_state_only_resources_are_dropped_not_orphaned() -> None:
    plan = _plan("webapp")
    assert [i.address for i in plan.dropped] == ["null_resource.redeploy_trigger"]


def test_data_sources_are_ignored() -> None:
    plan = _plan("tandoor")
    assert all(not m.tf.address.startswith("data.") for m in plan.matches)
    assert len(plan.matches) == 10


@pytest.mark.parametrize("stack", STACKS)
def test_import_file_reproduces_every_synth_urn(stack: str) -> None:
    """Walk the parent chain of each import entry the way the engine does and rebuild
    its URN: it must be the URN the program registers, or `pulumi up` would not see
    the imported resource as its own."""
    plan = _plan(stack)
    doc = build_import_file(plan)
    entries = {e["name"]: e for e in doc["resources"]}

    def qualified(entry):
        parent = entries.get(entry.get("parent", ""))
        return entry["type"] if parent is None else f"{qualified(parent)}${entry['type']}"

    rebuilt = {
        f"urn:pulumi:prod::{stack}::{qualified(e)}::{e['logicalName']}" for e in doc["resources"] if "id" in e
    }
    assert rebuilt == {m.pulumi.urn for m in plan.matches}
    for entry in doc["resources"]:
        assert ("id" in entry) != entry.get("component", False)
        if "id" in entry:
            assert entry["version"]


def test_components_are_declared_before_their_children() -> None:
    doc = build_import_file(_plan("tandoor"))
    names = [e["name"] for e in doc["resources"]]
    for index, entry in enumerate(doc["resources"]):
        if "parent" in entry:
            assert names.index(entry["parent"]) < index


def test_import_file_is_private_and_report_never_holds_the_password(workspace, capsys) -> None:
    ws = workspace("tandoor")
    code, out, err = ws.run(capsys=capsys)
    assert code == 0
    target = ws.out_dir / "tandoor"
    assert stat.S_IMODE((target / "import.json").stat().st_mode) == 0o600
    assert FAKE_PASSWORD in (target / "import.json").read_text()
    for text in (out, err, (target / "report.txt").read_text(), (target / "report.json").read_text()):
        assert FAKE_PASSWORD not in text
        assert "fakeFAKEfake" not in text
    assert "id=[redacted]" in out
