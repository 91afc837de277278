"""Import plans for wave-1 ports against hand-written Terraform-state fixtures.

The fixtures (tests/stacks/fixtures/tfstate/) hold the upstream objects of a GPU stack
(ebook2audiobook) and a stack with a vault-database credential (recruiter-responder),
values written from the upstream HCL. Only identity is asserted: every object in the
state is adopted, nothing is replaced, nothing is created beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_plan

FIXTURES = Path(__file__).parent / "fixtures" / "tfstate"


def _plan(fleet_dir: Path, stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=FIXTURES / f"{stack}.tfstate", synth_dir=fleet_dir))


def _state_addresses(stack: str) -> set[str]:
    state = json.loads((FIXTURES / f"{stack}.tfstate").read_text())
    out = set()
    for res in state["resources"]:
        prefix = f"{res['module']}." if res.get("module") else ""
        for inst in res["instances"]:
            key = inst.get("index_key")
            suffix = "" if key is None else (f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            out.add(f"{prefix}{res['type']}.{res['name']}{suffix}")
    return out


@pytest.mark.parametrize("stack", ["ebook2audiobook", "recruiter-responder"])
def test_every_fixture_object_is_adopted_without_replacement(synth_stack, fleet_dir, stack):
    synth_stack(stack)  # fails with the synth error if the stack did not render
    plan = _plan(fleet_dir, stack)
    assert plan.orphans == [] and plan.created == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert {m.tf.address for m in plan.matches} == _state_addresses(stack)
    assert plan.ok()


def test_gpu_deployments_and_database_credentials_keep_their_ids(fleet_dir):
    ids = {m.tf.address: m.import_id for m in _plan(fleet_dir, "ebook2audiobook").matches}
    assert ids["kubernetes_deployment.audiblez-web"] == "ebook2audiobook/audiblez-web"
    assert ids["module.nfs_data_host.kubernetes_persistent_volume.this"] == "ebook2audiobook-data-host"
    ids = {m.tf.address: m.import_id for m in _plan(fleet_dir, "recruiter-responder").matches}
    assert ids["kubernetes_manifest.db_external_secret"] == "recruiter-responder/recruiter-responder-db-creds"
