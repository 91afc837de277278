"""Adoption of the wave-6 node and CNI stacks from hand-made Terraform states.

calico, nvidia and proxmox-csi back every pod's network, every GPU pod and every Proxmox
claim: adoption must replace nothing and orphan nothing. Their `null_resource` steps hold no
object (dropped by the plan); the port re-expresses them as patches and re-runnable commands,
created on the first `up`. Same pattern as test_import_plan_adoption.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"
# What the first `up` creates because Terraform had no object for it: (type, logical name).
CREATED: dict[str, set[tuple[str, str]]] = {
    "calico": set(),
    "proxmox-csi": {("kubernetes:core/v1:NodePatch", f"{node}-csi-topology")
                    for node in ("k8s-master", "k8s-node1", "k8s-node2", "k8s-node3", "k8s-node4", "k8s-node5")},
}


def _plan(fleet_dir: Path, stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=FIXTURES / stack / "terraform.tfstate", synth_dir=fleet_dir))


def _match(plan, address: str):
    [match] = [m for m in plan.matches if m.tf.address == address]
    return match


@pytest.mark.parametrize("stack", sorted(CREATED))
def test_every_terraform_object_is_adopted_without_replacement(fleet_dir, synth_stack, stack):
    synth_stack(stack)  # fails with the synth errors if the stack did not synthesize
    plan = _plan(fleet_dir, stack)
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert {(r.type, r.name) for r in plan.created} == CREATED[stack]
    assert plan.ok()
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len([m for m in plan.matches if m.imported])


def test_calico_operator_release_and_crs_change_nothing(fleet_dir):
    plan = _plan(fleet_dir, "calico")
    release = _match(plan, "helm_release.tigera_operator")
    assert release.import_id == "tigera-operator/calico" and release.diffs == ()
    for address in ("kubectl_manifest.goldmane", "kubectl_manifest.whisker",
                    "kubectl_manifest.wave1_egress_observe_tier34"):
        assert _match(plan, address).diffs == (), address
    # Only the watchdog's job template changes (own-words script, pinned kubectl): no pod restarts.
    first = plan.first_up()
    assert first.restarts == []
    assert sorted(m.tf.address for m, _ in first.updates) == [
        "kubernetes_cron_job_v1.whisker_watchdog", "module.ingress_whisker.kubernetes_ingress_v1.proxied-ingress"]


def test_proxmox_csi_node_label_steps_become_patches(fleet_dir):
    plan = _plan(fleet_dir, "proxmox-csi")
    assert sorted(i.address for i in plan.dropped) == sorted(
        f'module.proxmox-csi.null_resource.node_labels["{n}"]'
        for n in ("k8s-master", "k8s-node1", "k8s-node2", "k8s-node3", "k8s-node4", "k8s-node5"))
    release = _match(plan, "module.proxmox-csi.helm_release.proxmox_csi")
    # Same chart, repository, version and values: the StorageClasses do not change.
    assert release.diffs == ()
    assert release.import_id == "proxmox-csi/proxmox-csi-plugin"
