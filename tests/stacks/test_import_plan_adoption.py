"""Adoption of two ported stacks from hand-made Terraform states (tests/stacks/import_fixtures).

frigate is the GPU workload, url the stack with a database credential. The states hold what
the Terraform provider records for the objects the upstream HCL declares; the plan runs
against the session's real synth of the port.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"


def _plan(fleet_dir: Path, stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=FIXTURES / stack / "terraform.tfstate", synth_dir=fleet_dir))


def _match(plan, address: str):
    [match] = [m for m in plan.matches if m.tf.address == address]
    return match


@pytest.mark.parametrize("stack", ["frigate", "url"])
def test_every_terraform_object_is_adopted_without_replacement(fleet_dir, synth_stack, stack):
    synth_stack(stack)  # fails with the synth errors if the stack did not synthesize
    plan = _plan(fleet_dir, stack)
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert plan.created == [] and plan.ok()
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


def test_gpu_deployment_is_adopted_without_a_restart(fleet_dir):
    match = _match(_plan(fleet_dir, "frigate"), "kubernetes_deployment.frigate")
    assert match.import_id == "frigate/frigate"
    # Limits (nvidia.com/gpu 1, gpumem 2300) and privileged /dev/dri are in the state: nothing
    # under the pod template may change. The liveness script is operator content not brought
    # over here, so the plan names it as a placeholder instead of predicting a restart.
    template = [(d.field, d.effect) for d in match.diffs if d.field.startswith("spec.template")]
    assert template == [("spec.template.spec.containers[0].livenessProbe.exec.command", "placeholder")]
    rtsp = _match(_plan(fleet_dir, "frigate"), "kubernetes_service.frigate-rtsp")
    assert [(d.field, d.effect) for d in rtsp.diffs] == [
        ('metadata.annotations["metallb.io/ip-allocated-from-pool"]', "ignored")]


def test_database_credentials_external_secret_keeps_its_template(fleet_dir):
    match = _match(_plan(fleet_dir, "url"), "kubernetes_manifest.db_external_secret")
    assert match.import_id == "url/url-db-creds"
    # Only the server-side-apply takeover annotation is new; store, path and template stay.
    assert [d.field for d in match.diffs] == ['metadata.annotations["pulumi.com/patchForce"]']
