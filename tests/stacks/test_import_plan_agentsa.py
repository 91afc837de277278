"""Adoption of tripit (with its Authentik OIDC client) from a hand-made Terraform state.

The state (tests/stacks/import_fixtures/tripit) holds the objects upstream's HCL declares,
with their identities and the fields that decide a replacement (selectors, claim storage
classes and access modes, PV sources, provider and application keys); pod templates are
abridged, so the plan's in-place updates there are the fixture's gaps, not the port's. The
assertions are about identity: every object adopted, nothing replaced, nothing created.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"


def _plan(fleet_dir: Path, stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=FIXTURES / stack / "terraform.tfstate", synth_dir=fleet_dir))


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


@pytest.mark.parametrize("stack", ["tripit"])
def test_every_terraform_object_is_adopted_without_replacement(fleet_dir, synth_stack, stack):
    synth_stack(stack)  # fails with the synth errors if the stack did not synthesize
    plan = _plan(fleet_dir, stack)
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert plan.created == [] and plan.ok()
    assert {m.tf.address for m in plan.matches} == _state_addresses(stack)
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


def test_tripit_oidc_client_and_workers_keep_their_ids(fleet_dir):
    ids = {m.tf.address: m.import_id for m in _plan(fleet_dir, "tripit").matches}
    # Provider matched by name, application by slug; imported by Authentik's own ids.
    assert ids["authentik_provider_oauth2.tripit_app"] == "42"
    assert ids["authentik_application.tripit_app"] == "tripit-app"
    assert ids['kubernetes_cron_job_v1.tripit_worker["fill-tour-audio-retry"]'] == "tripit/tripit-fill-tour-audio-retry"
    assert ids["module.documents_nfs.kubernetes_persistent_volume.this"] == "tripit-documents-host"
    assert ids["kubernetes_persistent_volume_claim.personal_documents"] == "tripit/tripit-personal-documents"
