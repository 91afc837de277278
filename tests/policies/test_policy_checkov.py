"""Differential check against checkov (independent analyzer) on the overlapping rules.

checkov lives in its own venv (.venv-checkov), installed by `make venv` from the pinned
requirements-checkov.txt (its pins conflict with the SDKs')."""

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
    # Installed by `make venv` from requirements-checkov.txt, like every other test dependency;
    # never fetched from the network here, and its absence is a broken set-up, not a skip.
    pins = (differential.REPO / "requirements-checkov.txt").read_text().split()
    assert f"checkov=={differential.CHECKOV_VERSION}" in pins, "requirements-checkov.txt pins another checkov"
    exe = differential.ensure_checkov(create=False)
    assert exe is not None, (f"checkov is not installed in {differential.CHECKOV_VENV}: run `make venv` "
                             f"(installs requirements-checkov.txt)")
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
