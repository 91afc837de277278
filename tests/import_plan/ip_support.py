"""Helpers for import-plan tests: fixture stacks and deliberately broken copies."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.import_plan.cli import main  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
STACKS = ("tandoor", "external-secrets", "webapp", "vault", "infra-vms")
FAKE_PASSWORD = "fakeFAKE" * 16


def state_file(stack_dir: Path) -> Path:
    for name in ("terraform.tfstate", "terraform.show.json"):
        if (stack_dir / name).exists():
            return stack_dir / name
    raise FileNotFoundError(stack_dir)


@dataclass
class Workspace:
    """A private copy of one fixture stack that a test may break."""

    stack: str
    root: Path

    @property
    def synth_dir(self) -> Path:
        return self.root / "synth"

    @property
    def resources_path(self) -> Path:
        return self.synth_dir / self.stack / "resources.json"

    @property
    def tfstate(self) -> Path:
        return state_file(self.synth_dir / self.stack)

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    def edit_synth(self, change: Callable[[dict[str, Any]], None]) -> None:
        _edit(self.resources_path, change)

    def edit_state(self, change: Callable[[dict[str, Any]], None]) -> None:
        _edit(self.tfstate, change)

    def resource(self, doc: dict[str, Any], name: str) -> dict[str, Any]:
        return next(r for r in doc["resources"] if r["name"] == name)

    def run(self, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
        code = main([
            "--stack", self.stack, "--tfstate", str(self.tfstate),
            "--synth-dir", str(self.synth_dir), "--out-dir", str(self.out_dir), *extra,
        ])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    def report(self) -> dict[str, Any]:
        return json.loads((self.out_dir / self.stack / "report.json").read_text())

    def import_file(self) -> dict[str, Any]:
        return json.loads((self.out_dir / self.stack / "import.json").read_text())


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=2))


def tf_resource(state: dict[str, Any], rtype: str, name: str) -> dict[str, Any]:
    """The raw-state resource block (v4 shape)."""
    return next(r for r in state["resources"] if r["type"] == rtype and r["name"] == name)


@pytest.fixture
def workspace(tmp_path: Path) -> Callable[[str], Workspace]:
    def make(stack: str) -> Workspace:
        shutil.copytree(FIXTURES / stack, tmp_path / "synth" / stack)
        return Workspace(stack, tmp_path)

    return make
