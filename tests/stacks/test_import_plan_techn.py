"""Adoption of technitium (the LAN and cluster DNS) from a hand-made Terraform state.

The state (tests/stacks/import_fixtures/technitium) holds what the hashicorp/kubernetes
provider records for the 31 upstream resources of `module.technitium` (plus the TLS Secret
and Ingress of its two module calls): three Deployments on encrypted claims, six Services
(the MetalLB DNS address and the pinned 10.96.0.53 ClusterIP among them), kube-system's
CoreDNS ConfigMap and PDB, the adopted db-init Job, six CronJobs and the sync RBAC. The two
`null_resource`s are state-only: their Commands are created and run on the first `up`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"
MODULE = "module.technitium"


@pytest.fixture(scope="module")
def plan(fleet_dir, synth_stack):
    synth_stack("technitium")  # fails with the synth errors if the stack did not synthesize
    return build_plan(PlanInputs(stack="technitium", tfstate=FIXTURES / "technitium" / "terraform.tfstate",
                                 synth_dir=fleet_dir))


def _match(plan, address: str):
    [match] = [m for m in plan.matches if m.tf.address == address]
    return match


def test_every_terraform_object_is_adopted_without_replacement(plan):
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert plan.ok()
    assert len(plan.matches) == 31
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


def test_only_the_two_commands_are_new(plan):
    created = sorted(getattr(r, "name", None) or r.urn.rsplit("::", 1)[-1] for r in plan.created)
    assert created == ["coredns-scale", "technitium-readiness-gate"]


@pytest.mark.parametrize("address,import_id", [
    (f"{MODULE}.kubernetes_config_map.coredns", "kube-system/coredns"),
    (f"{MODULE}.kubernetes_pod_disruption_budget_v1.coredns", "kube-system/coredns"),
    (f"{MODULE}.kubernetes_service.technitium-dns", "technitium/technitium-dns"),
    (f"{MODULE}.kubernetes_service.technitium_dns_internal", "technitium/technitium-dns-internal"),
    (f"{MODULE}.kubernetes_job.pg_db_init", "technitium/technitium-pg-db-init"),
    (f"{MODULE}.kubernetes_cluster_role.ingress_dns_sync", "ingress-dns-sync"),
    (f"{MODULE}.kubernetes_config_map.grafana_technitium_dashboard", "monitoring/grafana-technitium-dashboard"),
])
def test_dns_objects_keep_their_identity(plan, address, import_id):
    assert _match(plan, address).import_id == import_id


@pytest.mark.parametrize("name", ["technitium", "technitium_secondary", "technitium_tertiary"])
def test_dns_servers_do_not_restart(plan, name):
    match = _match(plan, f"{MODULE}.kubernetes_deployment.{name}")
    assert [d.field for d in match.diffs if d.field.startswith("spec.template") and d.effect != "ignored"] == []


def test_the_init_job_is_not_rerun(plan):
    match = _match(plan, f"{MODULE}.kubernetes_job.pg_db_init")
    # The template (immutable) matches; only the await annotation of wait_for_completion=false is new.
    assert [d.field for d in match.diffs] == ['metadata.annotations["pulumi.com/skipAwait"]']
