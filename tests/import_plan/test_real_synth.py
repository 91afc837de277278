"""Against the real synth output of the ported stacks, when `make synth` has run.

The Terraform side is the hand-made fixture state of the same stack (no live state is
available offline), so only identity is asserted: every object that state holds must be
adopted by the port, and the import file must rebuild valid parent chains. Property
diffs are printed for the porter, not asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ip_support import FIXTURES, REPO, state_file
from tools.import_plan import PlanInputs, build_import_file, build_plan
from tools.import_plan.report import to_text

SYNTH = REPO / "build" / "synth"


@pytest.mark.parametrize("stack", ["tandoor", "external-secrets"])
def test_real_port_adopts_every_object_of_the_fixture_state(stack: str) -> None:
    if not (SYNTH / stack / "resources.json").exists():
        pytest.skip(f"build/synth/{stack}/resources.json absent (run `make synth`)")
    plan = build_plan(PlanInputs(stack=stack, tfstate=state_file(FIXTURES / stack), synth_dir=SYNTH))
    print(to_text(plan))
    assert [o.tf.address for o in plan.orphans] == []
    doc = build_import_file(plan)
    assert len([e for e in doc["resources"] if "id" in e]) == len(plan.matches)


def test_mock_runtime_urns_are_accepted(workspace, capsys) -> None:
    """The offline synth runs under Pulumi's mock runtime, whose URNs carry the root
    stack type and only the immediate parent type. Rewrite a fixture that way: the plan
    and the import file must not change."""
    ws = workspace("tandoor")
    doc = json.loads(ws.resources_path.read_text())
    by_old = {r["urn"]: r for r in doc["resources"]}
    renamed: dict[str, str] = {}
    for res in doc["resources"]:  # registration order: parents first
        parent = renamed.get(res["parent"], res["parent"]) if res["parent"] else None
        if parent:
            parent_type = parent.split("::")[2].split("$")[-1]
            renamed[res["urn"]] = f"urn:pulumi:prod::tandoor::{parent_type}${res['type']}::{res['name']}"
    for res in doc["resources"]:
        res["urn"] = renamed.get(res["urn"], res["urn"])
        res["parent"] = renamed.get(res["parent"], res["parent"]) if res["parent"] else None
    assert any("pulumi:pulumi:Stack$" in urn for urn in renamed.values())
    assert len(by_old) == len(doc["resources"])
    ws.resources_path.write_text(json.dumps(doc))
    before = build_import_file(build_plan(PlanInputs(stack="tandoor", tfstate=state_file(FIXTURES / "tandoor"), synth_dir=FIXTURES)))
    after_plan = build_plan(PlanInputs(stack="tandoor", tfstate=ws.tfstate, synth_dir=ws.synth_dir))
    assert after_plan.ok()
    assert build_import_file(after_plan) == before
