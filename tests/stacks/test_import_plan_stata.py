"""Adoption of lane stata's stacks from hand-made Terraform states (tests/stacks/import_fixtures).

redis holds the shared cache/queue data behind a StatefulSet claim template; immich and
woodpecker are the larger app stacks. The states hold what the Terraform provider records
for the objects the upstream HCL declares; the plan runs against the session's synth.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"
STACKS = ["redis", "immich", "woodpecker"]
# New objects the first `up` creates: woodpecker's re-runnable hostAliases patch (a command,
# upstream's null_resource is state-only bookkeeping and is dropped).
CREATED = {"woodpecker": ["woodpecker-server-host-alias"]}
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lane_synth(tmp_path_factory) -> Path:
    """Synthesize only these stacks (cheaper than the whole fleet); fail on synth errors."""
    out = tmp_path_factory.mktemp("stata-synth")
    proc = subprocess.run([sys.executable, "-m", "tools.synth", "--out", str(out), "--stacks", *STACKS],
                          cwd=REPO, capture_output=True, text=True)
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    errors = {s: summary.get("per_stack", {}).get(s, {}).get("errors", ["not synthesized"]) for s in STACKS}
    assert not any(errors.values()), f"synth errors: {errors}\n{proc.stdout}{proc.stderr}"
    return out


def _plan(lane_synth: Path, stack: str):
    return build_plan(PlanInputs(stack=stack, tfstate=FIXTURES / stack / "terraform.tfstate", synth_dir=lane_synth))


def _match(plan, address: str):
    [match] = [m for m in plan.matches if m.tf.address == address]
    return match


@pytest.mark.parametrize("stack", STACKS)
def test_every_terraform_object_is_adopted_without_replacement(lane_synth, stack):
    plan = _plan(lane_synth, stack)
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert [getattr(c, "name", c) for c in plan.created] == CREATED.get(stack, [])
    assert plan.ok()
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


def test_redis_statefulset_keeps_its_claim_template(lane_synth):
    match = _match(_plan(lane_synth, "redis"), "module.redis.kubernetes_stateful_set_v1.redis_v2")
    assert match.import_id == "redis/redis-v2"
    # Claim template, service name and pod management policy are immutable: none may differ.
    # The one template change is the conf checksum, which matches once redis.conf is brought over.
    assert [(d.field, d.effect) for d in match.diffs] == [
        ("spec.template.metadata.annotations.checksum/conf", "update")]


def test_redis_backup_claim_and_cronjob_are_adopted(lane_synth):
    plan = _plan(lane_synth, "redis")
    claim = _match(plan, "module.redis.module.nfs_backup_host.kubernetes_persistent_volume_claim.this")
    assert claim.import_id == "redis/redis-backup-host" and claim.diffs == ()
    cron = _match(plan, "module.redis.kubernetes_cron_job_v1.redis-backup")
    assert [(d.field, d.effect) for d in cron.diffs] == [
        ("spec.jobTemplate.spec.template.spec.containers[0].command", "placeholder")]


def test_immich_database_and_gpu_workers_keep_their_pods(lane_synth):
    plan = _plan(lane_synth, "immich")
    # The database's hook and init script are operator content: placeholders, never a predicted restart.
    database = _match(plan, "kubernetes_deployment.immich-postgres")
    assert {d.effect for d in database.diffs} == {"placeholder"}
    for address in ("kubernetes_deployment.immich_server", "kubernetes_deployment.immich_api",
                    "kubernetes_deployment.immich-machine-learning"):
        assert _match(plan, address).diffs == (), address
    claim = _match(plan, "kubernetes_persistent_volume_claim.immich_postgresql_encrypted")
    assert claim.import_id == "immich/immich-postgresql-data-encrypted"
    assert [d.field for d in claim.diffs] == ['metadata.annotations["pulumi.com/skipAwait"]']


def test_woodpecker_release_keeps_its_chart_and_values(lane_synth):
    plan = _plan(lane_synth, "woodpecker")
    release = _match(plan, "helm_release.woodpecker")
    assert release.import_id == "woodpecker/woodpecker"
    # Only the operator's forge URL (stack config, unset offline) is unknown; nothing else moves.
    assert [(d.field, d.effect) for d in release.diffs] == [
        ("values.server.env.WOODPECKER_FORGEJO_URL", "placeholder")]
    assert _match(plan, "kubernetes_cluster_role_binding.woodpecker").diffs == ()
