"""Adoption of the DNS/mail ports from hand-made Terraform states (tests/stacks/import_fixtures).

backup-mx is the Oracle Cloud relay: its objects are matched by compartment and display name,
so the stack is synthesized the way an operator runs the import plan, with
``backup-mx:tenancyOcid`` set to the fixture's tenancy. The states hold what the Terraform
providers record for the objects the upstream HCL declares.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools.import_plan import PlanInputs, build_import_file, build_plan

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "import_fixtures"
# Stack config the operator sets before the import plan; the fixture's values.
OPERATOR_CONFIG = {
    "backup-mx": {"backup-mx:tenancyOcid": "ocid1.tenancy.oc1..aaaaaaaafixturebackupmx"},
}


def _state(stack: str) -> Path:
    return FIXTURES / stack / "terraform.tfstate"


@pytest.fixture(scope="module")
def synth_with_config(tmp_path_factory):
    """Synthesize one stack (in a subprocess: the runtime is global) with OPERATOR_CONFIG
    added to a copy of its Pulumi.prod.yaml; returns the synth output directory."""
    done: dict[str, Path] = {}

    def _synth(stack: str) -> Path:
        if stack in done:
            return done[stack]
        root = tmp_path_factory.mktemp(f"synth-{stack}")
        stacks_dir = root / "stacks"
        shutil.copytree(REPO_ROOT / "stacks" / stack, stacks_dir / stack,
                        ignore=shutil.ignore_patterns("__pycache__"))
        prod = stacks_dir / stack / "Pulumi.prod.yaml"
        document = yaml.safe_load(prod.read_text()) or {}
        document["config"] = {**(document.get("config") or {}), **OPERATOR_CONFIG.get(stack, {})}
        prod.write_text(yaml.safe_dump(document))
        out = root / "out"
        proc = subprocess.run(
            [sys.executable, "-m", "tools.synth", "--stacks", stack, "--stacks-dir", str(stacks_dir),
             "--out", str(out), "--no-cache", "--jobs", "1"],
            cwd=REPO_ROOT, capture_output=True, text=True,
        )
        summary = json.loads((out / "summary.json").read_text())
        errors = summary["per_stack"].get(stack, {}).get("errors", ["not synthesized"])
        assert proc.returncode == 0 and not errors, f"{stack}: synth failed: {errors}\n{proc.stdout}{proc.stderr}"
        done[stack] = out
        return out

    return _synth


def _plan(synth_dir: Path, stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=_state(stack), synth_dir=synth_dir))


def _state_addresses(stack: str) -> set[str]:
    state = json.loads(_state(stack).read_text())
    return {f"{r['type']}.{r['name']}" for r in state["resources"] if r["mode"] == "managed"}


@pytest.mark.parametrize("stack", ["backup-mx"])
def test_every_terraform_object_is_adopted_without_replacement(synth_with_config, stack):
    plan = _plan(synth_with_config(stack), stack)
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert {m.tf.address for m in plan.matches} == _state_addresses(stack)
    assert plan.created == [] and plan.ok()
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


def test_backup_mx_objects_import_by_their_ocids(synth_with_config):
    plan = _plan(synth_with_config("backup-mx"), "backup-mx")
    ids = {m.tf.address: m.import_id for m in plan.matches}
    assert ids["oci_core_instance.mx2"] == "ocid1.instance.oc1.eu-frankfurt-1.fixturemx2"
    assert ids["oci_core_public_ip.mx2"] == "ocid1.publicip.oc1.eu-frankfurt-1.fixturepip"
    # The default route table is found through the VCN it belongs to.
    assert ids["oci_core_default_route_table.backup_mx"] == "ocid1.routetable.oc1.eu-frankfurt-1.fixturert"


def test_backup_mx_availability_domain_is_left_to_the_real_preview(synth_with_config):
    plan = _plan(synth_with_config("backup-mx"), "backup-mx")
    diffs = {m.tf.address: [(d.field, d.effect) for d in m.diffs] for m in plan.matches}
    assert diffs["oci_core_instance.mx2"] == [("availabilityDomain", "placeholder")]
    assert all(d == [] for address, d in diffs.items() if address != "oci_core_instance.mx2")


def test_a_changed_force_new_oci_field_is_a_replacement(synth_with_config, tmp_path):
    state = json.loads(_state("backup-mx").read_text())
    [subnet] = [r for r in state["resources"] if r["type"] == "oci_core_subnet"]
    subnet["instances"][0]["attributes"]["dns_label"] = "other"
    changed = tmp_path / "terraform.tfstate"
    changed.write_text(json.dumps(state))
    plan = build_plan(PlanInputs(stack="backup-mx", tfstate=changed, synth_dir=synth_with_config("backup-mx")))
    assert [m.tf.address for m in plan.matches if m.replaces] == ["oci_core_subnet.backup_mx"]
