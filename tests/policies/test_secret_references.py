"""Paths and image references are not mistaken for high-entropy secrets; real-looking keys still are."""

import pytest

from policies.pack_config import defaults
from policies.secret_material import Heuristics, Scanner

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


# Scored as one string this is well above every threshold in use (about 4.4 bits/char).
COMPACT_JSON = '{"nodePathMap":[{"node":"worker","paths":["/opt/local-path-provisioner"]}]}'


def test_a_compact_json_document_is_scored_by_its_leaves_not_as_one_string():
    assert Heuristics(CFG).classify("config.json", COMPACT_JSON) == ""
    assert Scanner(Heuristics(CFG)).value("config.json", COMPACT_JSON) == []


def test_a_random_leaf_inside_json_is_still_flagged():
    document = '{"nodePathMap":[],"token_b":"q8Zr2LkP0vX9mWn4Tb7YcHs1JdEa6Uf3"}'
    assert Scanner(Heuristics(CFG)).value("config.json", document) == [
        "json.token_b is a literal (its value is a high-entropy literal)"]


def test_a_regexp_key_holds_a_pattern_not_a_secret():
    pattern = "^(Watchdog|RebootRequired|KuredNodeWasNotDrained|InfoInhibitor|KernelOOMKiller)$"
    assert Heuristics(defaults()).classify("alertFilterRegexp", pattern) == ""
    assert Heuristics(defaults()).classify("alertFilter", pattern) == "its value is a high-entropy literal"


MIDDLEWARES = ("traefik-retry@kubernetescrd,traefik-error-pages@kubernetescrd,traefik-rate-limit@kubernetescrd,"
               "traefik-csp-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd,"
               "grampsweb-sablier-family@kubernetescrd,grampsweb-buffering-family@kubernetescrd")


def test_a_middleware_reference_list_is_not_a_secret():
    annotation = "traefik.ingress.kubernetes.io/router.middlewares"
    assert Heuristics(CFG).classify(annotation, MIDDLEWARES) == ""
    assert Scanner(Heuristics(CFG)).value(annotation, MIDDLEWARES) == []


@pytest.mark.parametrize("value", [
    MIDDLEWARES + ",q8Zr2LkP0vX9mWn4Tb7YcHs1JdEa6Uf3",        # a random item among references
    "q8Zr2LkP0vX9mWn4Tb7YcHs1JdEa6Uf3@kubernetescrd",          # reference-shaped, but upper case/random
])
def test_a_random_item_disguised_among_references_is_still_flagged(value):
    assert Heuristics(CFG).classify("SETTING", value) == "its value is a high-entropy literal"
