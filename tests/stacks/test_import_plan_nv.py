"""Adoption of nvidia (the GPU operator and the GPU node's taint and VRAM budget) from a
hand-made Terraform state.

The state (tests/stacks/import_fixtures/nvidia) holds what the hashicorp/kubernetes, helm and
null providers record for the 23 resources of upstream's `module.nvidia` at 0cd4afb6 plus the
TLS Secret and Ingress of its two module calls. Script ConfigMaps and the CronJob's script
hold a stand-in text (the real ones are operator content, brought over). The two
`null_resource`s (the taint and the gpumem status patch) hold no object: the plan drops them
and the port's two Commands are created, and run, on the first `up`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"
MODULE = "module.nvidia"
NULL_RESOURCES = {f"{MODULE}.null_resource.gpu_node_config", f"{MODULE}.null_resource.advertise_gpumem"}


@pytest.fixture(scope="module")
def plan(fleet_dir, synth_stack):
    synth_stack("nvidia")  # fails with the synth errors if the stack did not synthesize
    return build_plan(PlanInputs(stack="nvidia", tfstate=FIXTURES / "nvidia" / "terraform.tfstate",
                                 synth_dir=fleet_dir))


def _state_addresses() -> set[str]:
    state = json.loads((FIXTURES / "nvidia" / "terraform.tfstate").read_text())
    return {f"{r['module']}.{r['type']}.{r['name']}" if r.get("module") else f"{r['type']}.{r['name']}"
            for r in state["resources"]}


def _match(plan, address: str):
    [match] = [m for m in plan.matches if m.tf.address == address]
    return match


def test_every_terraform_object_is_adopted_without_replacement(plan):
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert plan.ok()
    assert {m.tf.address for m in plan.matches} == _state_addresses() - NULL_RESOURCES
    assert len(plan.matches) == 23
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


def test_the_null_resources_are_dropped_and_rerun_as_commands(plan):
    assert {i.address for i in plan.dropped} == NULL_RESOURCES
    assert sorted((r.type, r.name) for r in plan.created) == [
        ("command:local:Command", "advertise-gpumem"), ("command:local:Command", "gpu-node-taint")]


@pytest.mark.parametrize("address,import_id", [
    (f"{MODULE}.helm_release.nvidia-gpu-operator", "nvidia/nvidia-gpu-operator"),
    (f"{MODULE}.kubernetes_daemonset.gpu_pod_exporter", "nvidia/gpu-pod-exporter"),
    (f"{MODULE}.kubernetes_deployment.gpu_vram_watchdog", "nvidia/gpu-vram-watchdog"),
    (f"{MODULE}.kubernetes_cron_job_v1.gpumem_reconcile", "nvidia/gpumem-reconcile"),
    (f"{MODULE}.kubernetes_config_map.time_slicing_config", "nvidia/time-slicing-config"),
    (f"{MODULE}.kubernetes_cluster_role.gpumem_reconcile", "gpumem-reconcile"),
    (f"{MODULE}.kubernetes_limit_range.nvidia_defaults", "nvidia/tier-defaults"),
    (f"{MODULE}.kubernetes_resource_quota.nvidia_quota", "nvidia/tier-quota"),
])
def test_objects_keep_their_identity(plan, address, import_id):
    assert _match(plan, address).import_id == import_id


def test_operator_release_and_time_slicing_change_nothing(plan):
    assert _match(plan, f"{MODULE}.helm_release.nvidia-gpu-operator").diffs == ()
    assert _match(plan, f"{MODULE}.kubernetes_config_map.time_slicing_config").diffs == ()


def test_first_up_restarts_nothing(plan):
    first = plan.first_up()
    assert first.restarts == []
    # The pinned kubectl image and the own-words script shape only the CronJob's next run;
    # the Ingress gains the auth-posture annotations.
    assert sorted((m.tf.address, tuple(fields)) for m, fields in first.updates) == [
        (f"{MODULE}.kubernetes_cron_job_v1.gpumem_reconcile",
         ("spec.jobTemplate.spec.template.spec.containers[0].image",
          "spec.jobTemplate.spec.template.spec.containers[0].args")),
        (f"{MODULE}.module.ingress.kubernetes_ingress_v1.proxied-ingress",
         ('metadata.annotations["infra.viktorbarzin.me/auth"]',
          'metadata.annotations["infra.viktorbarzin.me/auth-reason"]')),
    ]
    # The two scripts are compared once brought over.
    assert sorted(m.tf.address for m, _ in first.placeholders) == [
        f"{MODULE}.kubernetes_config_map.gpu_pod_exporter_script",
        f"{MODULE}.kubernetes_config_map.gpu_vram_watchdog_script",
    ]
