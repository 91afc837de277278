"""Paths and image references are not mistaken for high-entropy secrets; real-looking keys still are."""

import pytest

from policies.secret_material import Heuristics

CFG = {"entropyMinLength": 24, "entropyThreshold": 3.5}


@pytest.mark.parametrize("value", [
    "./chatbot/config/viktorwebservices.yaml",
    "ghcr.io/viktorbarzin/singlefile-capture:2026.08.1",
    "docker.io/library/postgres@sha256:" + "ab" * 32,
])
def test_references_are_not_secret_material(value):
    assert Heuristics(CFG).classify("SETTING", value) == ""


@pytest.mark.parametrize("value", ["q8Zr2LkP0vX9mWn4Tb7YcHs1JdEa6Uf3", "aGVsbG8vd29ybGQrc2VjcmV0LWtleS12YWx1ZQ=="])
def test_random_literals_are_flagged(value):
    assert Heuristics(CFG).classify("SETTING", value) == "its value is a high-entropy literal"
