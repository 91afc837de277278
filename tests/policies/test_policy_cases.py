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


def test_every_policy_has_the_four_kinds_of_case():
    for spec in SPECS:
        cases = [c for c in CASES if c[0] == spec.name]
        assert any(not c[4] and c[3] is None for c in cases), f"{spec.name}: no compliant case"
        assert any(c[4] for c in cases), f"{spec.name}: no violating case"
        assert any(c[3] is not None for c in cases), f"{spec.name}: no config-override case"
        assert len(cases) >= 4, f"{spec.name}: fewer than 4 cases (missing-property case?)"


@pytest.mark.parametrize("policy,case,resources,config,violates", CASES, ids=IDS)
def test_direct(policy, case, resources, config, violates):
    found = direct_findings(policy, resources, config)
    assert bool(found) == violates, [f.message for f in found]
    for f in found:
        assert f.message and f.fix


@pytest.mark.parametrize("policy,case,resources,config,violates", CASES, ids=IDS)
def test_protocol(pack, policy, case, resources, config, violates):
    diags = protocol_diags(pack, policy, resources, config)
    notes = [d for d in diags if d["message"].startswith("can't run policy")]
    real = [d for d in diags if d not in notes]
    assert bool(real) == violates, [d["message"] for d in diags]
    assert not notes, "fixtures are fully known; no preview notes expected"
    expected_level = BY_NAME[policy].level.value
    for d in real:
        assert d["level"] == expected_level
        assert "\nFix: " in d["message"] and "Exception: " in d["message"]
