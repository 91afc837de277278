"""Every policy case, once directly against the validators and once through the real
analyzer protocol (pack started like the CLI starts it, GetAnalyzerInfo/Configure/Analyze/
AnalyzeStack over gRPC)."""

from __future__ import annotations

import pytest

from policies.common import Resource, normalize, run_resource_spec, run_stack_spec
from policies.registry import BY_NAME, SPECS
from policy_cases import CASES
from tools.policy_check.analyzer import diagnostics

IDS = [f"{c[0]}:{c[1]}" for c in CASES]


def to_resource(r: dict) -> Resource:
    return Resource(type=r["type"], props=normalize(r["inputs"]), urn=r["urn"], name=r["name"],
                    options={"protect": bool(r["options"].get("protect"))})


def direct_findings(policy: str, resources: list, config) -> list:
    spec = BY_NAME[policy]
    rs = [to_resource(r) for r in resources]
    if spec.stack_level:
        found = run_stack_spec(spec, rs, config)
    else:
        found = [f for r in rs for f in run_resource_spec(spec, r, config)]
    return [f for f in found if spec.fail_closed or not f.undecidable]


def protocol_diags(pack, policy: str, resources: list, config) -> list:
    pack.configure({policy: config} if config else {})
    out = []
    for r in resources:
        out += diagnostics(pack.analyze(r))
    out += diagnostics(pack.analyze_stack(resources))
    return [d for d in out if d["policy"] == policy]


def test_every_policy_has_every_kind_of_case():
    for spec in SPECS:
        cases = [c for c in CASES if c[0] == spec.name]
        assert any(c[4] is False and c[3] is None for c in cases), f"{spec.name}: no compliant case"
        assert sum(1 for c in cases if c[4] is True) >= 3, f"{spec.name}: fewer than 3 violating variants"
        assert any("unknown" in c[1] or "missing" in c[1] for c in cases), f"{spec.name}: no unknown/missing case"
        assert any(isinstance(c[3], dict) and c[3].get("exceptions") and c[4] is False for c in cases), \
            f"{spec.name}: no exception case"


def test_ids_are_unique():
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("policy,case,resources,config,violates", CASES, ids=IDS)
def test_direct(policy, case, resources, config, violates):
    found = direct_findings(policy, resources, config)
    assert bool(found) == (violates is True), [f.message for f in found]
    for f in found:
        assert f.message and f.fix
    if violates == "note":
        spec = BY_NAME[policy]
        rs = [to_resource(r) for r in resources]
        raw = run_stack_spec(spec, rs, config) if spec.stack_level else \
            [f for r in rs for f in run_resource_spec(spec, r, config)]
        assert raw and all(f.undecidable for f in raw)


@pytest.mark.parametrize("policy,case,resources,config,violates", CASES, ids=IDS)
def test_protocol(pack, policy, case, resources, config, violates):
    diags = protocol_diags(pack, policy, resources, config)
    notes = [d for d in diags if d["message"].startswith("can't run policy")]
    real = [d for d in diags if d not in notes]
    assert bool(real) == (violates is True), [d["message"] for d in diags]
    assert bool(notes) == (violates == "note"), [d["message"] for d in diags]
    expected_level = BY_NAME[policy].level.value
    for d in real:
        assert d["level"] == expected_level
        assert "\nFix: " in d["message"] and "Exception: " in d["message"]
