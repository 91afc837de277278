"""Adoption of openclaw from a hand-made Terraform state.

The state (tests/stacks/import_fixtures/openclaw) holds every object upstream's HCL declares
(stacks/openclaw/main.tf and ha_tokens.tf at 0cd4afb6), with their identities and the fields
that decide a replacement (selectors, claim storage classes and access modes, PV sources,
role refs); pod templates are abridged, as the tripit fixture's are, so the plan's in-place
updates there are the fixture's gaps, not the port's. All secret values are fake. The
assertions are about identity: every object adopted and nothing replaced. The one deliberate
exception is the git-crypt key: upstream's ConfigMap is retired (accepted as an orphan) and
the port's Secret of the same name is the one object created (SEC-063).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"


GIT_CRYPT_CONFIG_MAP = "kubernetes_config_map.git_crypt_key"


def _plan(fleet_dir: Path, stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=FIXTURES / stack / "terraform.tfstate", synth_dir=fleet_dir,
                                 accept=(GIT_CRYPT_CONFIG_MAP,)))


def _state_addresses(stack: str) -> set[str]:
    state = json.loads((FIXTURES / stack / "terraform.tfstate").read_text())
    out = set()
    for res in state["resources"]:
        prefix = f"{res['module']}." if res.get("module") else ""
        for inst in res["instances"]:
            key = inst.get("index_key")
            suffix = "" if key is None else (f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            out.add(f"{prefix}{res['type']}.{res['name']}{suffix}")
    return out


@pytest.mark.parametrize("stack", ["openclaw"])
def test_every_terraform_object_is_adopted_without_replacement(fleet_dir, synth_stack, stack):
    synth_stack(stack)  # fails with the synth errors if the stack did not synthesize
    plan = _plan(fleet_dir, stack)
    assert [o.tf.address for o in plan.orphans] == [GIT_CRYPT_CONFIG_MAP]
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert [c.urn.rsplit("::", 1)[-1] for c in plan.created] == ["git-crypt-key-secret"]
    assert plan.ok()
    assert {m.tf.address for m in plan.matches} == _state_addresses(stack) - {GIT_CRYPT_CONFIG_MAP}
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


def test_openclaw_gateway_deployment_keeps_its_id(fleet_dir):
    ids = {m.tf.address: m.import_id for m in _plan(fleet_dir, "openclaw").matches}
    assert ids["kubernetes_deployment.openclaw"] == "openclaw/openclaw"
