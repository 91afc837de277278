"""Differential check against checkov (independent analyzer) on the overlapping rules.

checkov lives in its own venv (.venv-checkov, pinned); the test creates it on first use and
is skipped with the reason when that is impossible (no network, no pip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.policy_check import differential

MANIFESTS = Path(__file__).resolve().parent / "checkov_manifests"

# Every intentional difference the fixtures exercise (docs/policies.md, "Differential check").
EXPECTED_DIFFERENCES = {
    ("deny-privileged-containers", "DaemonSet.frigate.excluded-namespace", "excluded-namespace"),
    ("deny-host-namespaces", "DaemonSet.frigate.excluded-namespace", "excluded-namespace"),
    ("image-pinned", "Deployment.apps.keel-latest", "keel-managed-tag"),
}


@pytest.fixture(scope="module")
def rows():
    exe = differential.ensure_checkov(create=True)
    if exe is None:
        pytest.skip(f"cannot create .venv-checkov with checkov=={differential.CHECKOV_VERSION} "
                    f"(offline or pip unavailable)")
    return differential.differential([MANIFESTS], exe)


def test_pack_and_checkov_agree_on_overlapping_rules(rows):
    unexplained = [r for r in rows if not r["agree"] and not r["difference"]]
    assert unexplained == []


def test_differences_are_exactly_the_documented_ones(rows):
    got = {(r["policy"], r["object"], r["difference"]) for r in rows if not r["agree"]}
    assert got == EXPECTED_DIFFERENCES


def test_comparison_is_not_vacuous(rows):
    for policy in list(differential.MAPPING):
        flagged = [r for r in rows if r["policy"] == policy and r["pack"] and r["checkov"]]
        clean = [r for r in rows if r["policy"] == policy and not r["pack"] and not r["checkov"]]
        assert flagged and clean, policy
    inverse = [r for r in rows if r["policy"] == "no-cpu-limits"]
    assert any(r["pack"] for r in inverse) and all(r["agree"] for r in inverse)
