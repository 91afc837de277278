"""Every stack's synthesized objects equal the committed snapshot (tests/snapshots/<stack>/).

A difference is either a regression or an intended change: `make snapshots` regenerates
the files, and their diff is what the reviewer reads to see what the change does to the
cluster. Reuses the one fleet synth of the test session (conftest.fleet_dir).
"""

from __future__ import annotations

import pytest

from tools import snapshot

STACKS = snapshot.discover()


@pytest.mark.parametrize("stack", STACKS)
def test_synth_matches_committed_snapshot(stack, fleet_dir):
    try:
        rendered = snapshot.render_stack(snapshot.load_synth(fleet_dir, stack))
    except snapshot.SnapshotError as exc:
        pytest.fail(str(exc), pytrace=False)
    if not (snapshot.SNAPSHOT_DIR / stack).is_dir():
        pytest.fail(f"{stack}: no snapshot in tests/snapshots/{stack} (run `make snapshots` and commit it)",
                    pytrace=False)
    diffs = snapshot.compare_stack(stack, rendered, snapshot.SNAPSHOT_DIR)
    if diffs:
        lines = [line for d in diffs for line in d.lines()]
        shown = lines[:80] + ([f"... {len(lines) - 80} more lines"] if len(lines) > 80 else [])
        pytest.fail(f"{stack}: {len(diffs)} object(s) differ from tests/snapshots/{stack} "
                    f"(intended? run `make snapshots` and commit the diff):\n" + "\n".join(shown), pytrace=False)


def test_no_snapshot_of_a_stack_that_is_gone():
    assert snapshot.stale_stacks(STACKS, snapshot.SNAPSHOT_DIR) == []


def test_committed_snapshots_hold_no_secret_material():
    # Offline synth hands programs this placeholder for every `secure:` config value; seeing
    # it in a snapshot means a secret reached an input unmarked (and would in the cluster too).
    from tools.synth.__main__ import SECRET_PLACEHOLDER

    leaked = [str(p.relative_to(snapshot.SNAPSHOT_DIR)) for p in sorted(snapshot.SNAPSHOT_DIR.glob("*/*.yaml"))
              if SECRET_PLACEHOLDER in p.read_text()]
    assert leaked == []
