"""The cluster services every workload stands on are applied by a person, never by CI.

Checked through the wrapper's refusal and the CI apply loop (tools.ops), so the test fails
when a stack.yaml flips its flag or when CI stops honouring it.
"""

from pathlib import Path

import pytest

from tools.ops.ci import apply_stacks
from tools.ops.repo import load_stack_meta
from tools.ops.wrapper import Context, refuse_reason

REPO = Path(__file__).resolve().parents[2]
CLUSTER_SERVICES = ("reloader", "sealed-secrets", "keel", "metrics-server", "pvc-autoresizer",
                    "descheduler", "vpa", "sablier", "nfs-csi", "local-path", "kured")


@pytest.mark.parametrize("stack", CLUSTER_SERVICES)
def test_wrapper_refuses_it_in_ci_and_runs_it_for_a_person(stack):
    meta = load_stack_meta(REPO, stack)
    reason = refuse_reason(meta, True)
    assert reason and stack in reason and "human-only" in reason
    assert refuse_reason(meta, False) is None


def test_ci_apply_skips_every_one_without_calling_pulumi():
    calls: list = []

    def runner(argv, **_):
        calls.append(argv)
        raise AssertionError(f"CI ran {argv}")

    ctx = Context(REPO, {"CI": "woodpecker"}, runner=runner, log=lambda _: None,
                  sleep=lambda _: None, monotonic=lambda: 0.0)
    outcomes = apply_stacks(ctx, list(CLUSTER_SERVICES))
    assert [(o.stack, o.status) for o in outcomes] == [(s, "skipped") for s in CLUSTER_SERVICES]
    assert all("human-only" in o.detail for o in outcomes), outcomes
    assert calls == []
