"""Shared fixtures: the mock runtime for components and one offline synth of the fleet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tools.synth.mockrt import ProgramResult, Registration, run_callable  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import upstream_inventory  # noqa: E402


@dataclass
class Recorded:
    """What a program registered, with lookups that name the URN in failures."""

    result: ProgramResult

    @property
    def resources(self) -> list[Registration]:
        return self.result.registrations

    def of_type(self, rtype: str) -> list[Registration]:
        return [r for r in self.resources if r.type == rtype]

    def one(self, rtype: str, name: str | None = None) -> Registration:
        found = [r for r in self.of_type(rtype) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {rtype} {name or ''}, got {[r.urn for r in found]}"
        return found[0]

    def k8s(self, kind: str, name: str) -> Registration:
        found = [r for r in self.resources if r.custom and r.inputs.get("kind") == kind
                 and (r.inputs.get("metadata") or {}).get("name") == name]
        assert len(found) == 1, f"expected one {kind} named {name}, got {[r.urn for r in found]}"
        return found[0]


@pytest.fixture
def run_mocked() -> Callable[..., Recorded]:
    """Run a callable as a Pulumi program under mocks; raise if the program failed."""

    def _run(program: Callable[[], None], *, expect_error: bool = False, **kwargs) -> Recorded:
        result = run_callable(program, **kwargs)
        if not expect_error and result.error:
            raise AssertionError(f"program failed: {result.error}")
        return Recorded(result)

    return _run


@dataclass
class SynthStack:
    name: str
    document: dict
    manifests_dir: Path

    @property
    def resources(self) -> list[dict]:
        return self.document["resources"]

    def of_type(self, rtype: str) -> list[dict]:
        return [r for r in self.resources if r["type"] == rtype]

    def k8s(self, kind: str, name: str, namespace: str | None = None) -> dict:
        found = [r for r in self.resources if r["custom"] and r["inputs"].get("kind") == kind
                 and r["inputs"].get("metadata", {}).get("name") == name
                 and (namespace is None or r["inputs"].get("metadata", {}).get("namespace") == namespace)]
        assert len(found) == 1, f"{self.name}: expected one {kind} {namespace or ''}/{name}, got {[r['urn'] for r in found]}"
        return found[0]


@pytest.fixture(scope="session")
def fleet_dir(tmp_path_factory) -> Path:
    """Synthesize every stack once per test session (in a subprocess: the runtime is global)."""
    out = tmp_path_factory.mktemp("synth")
    proc = subprocess.run(
        [sys.executable, "-m", "tools.synth", "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    (out / "synth.log").write_text(proc.stdout + proc.stderr)
    return out


@pytest.fixture(scope="session")
def synth_stack(fleet_dir) -> Callable[[str], SynthStack]:
    def _load(name: str) -> SynthStack:
        summary = json.loads((fleet_dir / "summary.json").read_text())
        errors = summary["per_stack"].get(name, {}).get("errors", ["not synthesized"])
        assert not errors, f"{name}: synth errors: {errors}"
        document = json.loads((fleet_dir / name / "resources.json").read_text())
        return SynthStack(name, document, fleet_dir / name / "manifests")

    return _load


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under INFRA_REQUIRE_SHARED=1 (.ci/run), a skip for want of ../shared fails where ../shared exists."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or os.environ.get(upstream_inventory.REQUIRE_ENV) != "1":
        return
    if not upstream_inventory.SHARED.is_dir():
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if upstream_inventory.SKIP_PREFIX in reason:
        report.outcome = "failed"
        report.longrepr = (f"{upstream_inventory.SHARED} exists but this test skipped ({reason}); "
                           f"{upstream_inventory.REQUIRE_ENV}=1 makes that a failure")
