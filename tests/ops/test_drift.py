"""Nightly drift through `tools.ops.drift.main` with the stub CLI and fake HTTP sinks."""
from __future__ import annotations

import json

import pytest

from ops_fixtures import fixture_text
from tools.ops import drift, exitcodes
from tools.ops.http import Response


class Sink:
    def __init__(self):
        self.calls = []

    def __call__(self, method, url, body, headers):
        self.calls.append((method, url, body.decode() if body else ""))
        return Response(200, b"ok")


@pytest.fixture
def fleet(repo, stub):
    for name in ("clean-a", "drifty", "broken", "locked", "backend"):
        repo.stack(name)
    repo.stack("vault", human_only=True)
    stub.adopt(repo)
    return repo


def scenario():
    return {
        "preview:clean-a": {"stdout": fixture_text("preview_clean.json")},
        "preview:drifty": {"exit": 7, "stdout": fixture_text("preview_drift.json")},
        "preview:broken": {"exit": 255, "stdout": fixture_text("preview_error.json")},
        "preview:locked": {"exit": 255, "stderr": fixture_text("locked_stderr.txt")},
        "preview:backend": {"exit": 255, "stderr": fixture_text("backend_down_stderr.txt")},
    }


def run(fleet, stub, tmp_path, **env):
    stub.scenario(scenario())
    sink = Sink()
    e = stub.env(PU_REPO_ROOT=str(fleet.root), CI="woodpecker", SLACK_WEBHOOK="http://127.0.0.1:9/slack",
                 PUSHGATEWAY_URL="http://127.0.0.1:9/gw", **env)
    code = drift.main(["--report-dir", str(tmp_path / "drift"), "--commit", "abc123def4567890", "--concurrency", "3"],
                      env=e, http=sink)
    return code, sink, json.loads((tmp_path / "drift/report.json").read_text())


def test_drift_separates_differs_from_unmeasured(fleet, stub, tmp_path):
    code, _, report = run(fleet, stub, tmp_path)
    status = {r["stack"]: r["status"] for r in report["results"]}
    assert status == {"backend": "unmeasured", "broken": "unmeasured", "clean-a": "clean", "drifty": "drifted",
                      "locked": "unmeasured", "vault": "skipped"}
    assert code == exitcodes.PULUMI_CHANGES
    assert report["commit"] == "abc123def4567890"
    reasons = {r["stack"]: r["reason"] for r in report["results"]}
    assert reasons["locked"] == "stack lock held (another run)"
    assert reasons["backend"] == "state backend unavailable"
    assert "KeyError: 'immich:dbHost'" in reasons["broken"] or "unhandled exception" in reasons["broken"]


def test_drift_reports_resource_urns_and_property_paths(fleet, stub, tmp_path):
    _, _, report = run(fleet, stub, tmp_path)
    drifty = next(r for r in report["results"] if r["stack"] == "drifty")
    by_name = {c["urn"].split("::")[-1]: c for c in drifty["resources"]}
    assert by_name["tandoor"]["paths"] == ['spec.replicas',
                                           'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]']
    assert by_name["tandoor-tls"]["op"] == "update"
    text = (tmp_path / "drift/report.txt").read_text()
    assert "Could not be measured (state unknown, NOT drift):" in text
    assert "urn:pulumi:prod::tandoor::kubernetes:apps/v1:Deployment::tandoor: spec.replicas" in text


def test_drift_never_applies_and_skips_human_only(fleet, stub, tmp_path):
    run(fleet, stub, tmp_path)
    keys = {c["key"] for c in stub.calls()}
    assert keys <= {"version", "preview"}
    previews = stub.calls("preview")
    assert "vault" not in {c["stack"] for c in previews}
    assert all("--refresh" in c["argv"] and "--expect-no-changes" in c["argv"] and "--json" in c["argv"]
               for c in previews)
    assert len(previews) == len({c["stack"] for c in previews})  # one run per stack


def test_metrics_and_slack(fleet, stub, tmp_path):
    _, sink, _ = run(fleet, stub, tmp_path)
    [push] = [c for c in sink.calls if c[1].startswith("http://127.0.0.1:9/gw")]
    assert push[0] == "PUT" and push[1].endswith("/metrics/job/pulumi-drift")
    body = push[2]
    assert 'pulumi_drift_resources{stack="drifty"} 2' in body
    assert 'pulumi_drift_resources{stack="clean-a"} 0' in body
    assert 'pulumi_drift_unmeasured{stack="broken"} 1' in body
    assert 'pulumi_drift_resources{stack="broken"}' not in body  # unknown is not zero
    assert 'stack="vault"' not in body
    assert "pulumi_drift_run_duration_seconds" in body
    [slack] = [c for c in sink.calls if c[1].endswith("/slack")]
    text = json.loads(slack[2])["text"]
    assert text.startswith("Pulumi drift: 1 differ, 1 clean, 3 could not be measured (planned against abc123def456)")


def test_all_clean_run_is_silent_on_slack(repo, stub, tmp_path):
    repo.stack("clean-a")
    stub.adopt(repo)
    stub.scenario({"preview": {"stdout": fixture_text("preview_clean.json")}})
    sink = Sink()
    code = drift.main(["--report-dir", str(tmp_path / "d")], http=sink,
                      env=stub.env(PU_REPO_ROOT=str(repo.root), SLACK_WEBHOOK="http://127.0.0.1:9/slack",
                                   PUSHGATEWAY_URL="http://127.0.0.1:9/gw"))
    assert code == exitcodes.OK
    assert [c[1] for c in sink.calls] == ["http://127.0.0.1:9/gw/metrics/job/pulumi-drift"]


def test_stack_that_hangs_is_unmeasured_not_drift(repo, stub, tmp_path):
    repo.stack("slow")
    stub.adopt(repo)
    stub.scenario({"preview": {"hang": True}})
    code = drift.main(["--report-dir", str(tmp_path / "d"), "--timeout", "0.2"], http=Sink(),
                      env=stub.env(PU_REPO_ROOT=str(repo.root)))
    report = json.loads((tmp_path / "d/report.json").read_text())
    assert report["results"][0]["status"] == "unmeasured" and report["results"][0]["reason"] == "timed out"
    assert code == exitcodes.FAILED
