"""Reviewed exceptions and the security register (docs/security.md) agree, and the exception
mechanics (subject, until) behave as documented."""

from __future__ import annotations

import datetime
import re

import pytest

from policies import pack_config
from policies.registry import BY_NAME
from tools.policy_check.analyzer import REPO

REGISTER = (REPO / "docs" / "security.md").read_text()
HEADINGS = re.findall(r"^## (SEC-\d{3}) — (\S+) — (\S+)/(\S+)$", REGISTER, re.M)


def test_register_ids_are_unique_and_sequential():
    ids = [h[0] for h in HEADINGS]
    assert ids and len(ids) == len(set(ids))
    assert ids == [f"SEC-{i:03d}" for i in range(1, len(ids) + 1)]


def test_every_register_entry_has_every_field():
    for block in REGISTER.split("\n## SEC-")[1:]:
        for field in ("Severity", "Where", "Policy", "Evidence", "Fix", "Status"):
            assert f"- **{field}:** " in block, (block.splitlines()[0], field)
        sev = re.search(r"- \*\*Severity:\*\* (\w+)", block).group(1)
        assert sev in ("high", "medium", "low")
        status = re.search(r"- \*\*Status:\*\* (.+)", block).group(1)
        assert status.startswith(("open", "exception until", "operator decision needed", "fixed")), status


def test_every_mandatory_exception_names_its_register_entry():
    by_id = {h[0]: h[1:] for h in HEADINGS}
    for e in pack_config.file_exceptions():
        assert e["policy"] in BY_NAME, e
        if BY_NAME[e["policy"]].level.value != "mandatory":
            continue
        assert e.get("register") in by_id, f"{e['policy']} {e['stack']}/{e['resource']}: no register entry"
        policy, stack, resource = by_id[e["register"]]
        assert (policy, stack, resource) == (e["policy"], e["stack"], e["resource"]), e


def test_review_entries_name_no_pack_policy():
    for _, policy, *_ in HEADINGS:
        assert policy in BY_NAME or policy == "review", policy


def test_every_register_entry_with_an_exception_status_is_used():
    used = {e.get("register") for e in pack_config.file_exceptions()}
    for sec_id, policy, *_ in HEADINGS:
        if policy not in BY_NAME:
            continue  # a review finding (policy "review"): no pack policy, so no pack exception
        block = REGISTER.split(f"## {sec_id} ")[1].split("\n## ")[0]
        if "exception until" in block or "operator decision needed" in block:
            assert sec_id in used, sec_id


def test_expired_exception_no_longer_applies():
    cfg = {"exceptions": [{"policy": "p", "stack": "s", "resource": "r", "reason": "x", "until": "2000-01-01"}]}
    assert not pack_config.is_excepted("p", "s", "r", cfg)
    cfg["exceptions"][0]["until"] = "9999-12-31"
    assert pack_config.is_excepted("p", "s", "r", cfg)
    entry = {"until": "2026-05-01"}
    assert not pack_config.expired(entry, today=datetime.date(2026, 5, 1))
    assert pack_config.expired(entry, today=datetime.date(2026, 5, 2))


def test_invalid_until_is_rejected():
    with pytest.raises(pack_config.ConfigError, match="until"):
        pack_config._check_exceptions([{"stack": "s", "resource": "r", "reason": "x", "until": "soon"}], "t")


def test_subject_exception_covers_only_its_subject():
    cfg = {"exceptions": [{"policy": "p", "stack": "s", "resource": "r", "reason": "x", "subject": "data.a"}]}
    assert pack_config.is_excepted("p", "s", "r", cfg, "data.a")
    assert not pack_config.is_excepted("p", "s", "r", cfg, "data.b")
    assert not pack_config.is_excepted("p", "s", "r", cfg, None)


def test_the_by_stack_index_is_current():
    from tools.security_index import main
    assert main(["--check"]) == 0, "run `python -m tools.security_index`"


def test_index_anchors_are_githubs():
    from tools.security_index import anchor
    assert anchor("SEC-001 — exposed-workload-rbac — webhook_handler/webhook-handler-deployment") == \
        "sec-001--exposed-workload-rbac--webhook_handlerwebhook-handler-deployment"
