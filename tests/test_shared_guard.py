"""CI turns a skip for want of ../shared into a failure where ../shared exists (conftest hook)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import upstream_inventory

TESTS = Path(__file__).resolve().parent

SAMPLE = '''
import pytest

@pytest.mark.skipif(True, reason="needs ../shared/upstream/inventory.json (beside the workspace)")
def test_reads_shared():
    pass

@pytest.mark.skipif(True, reason="bash not installed")
def test_unrelated_skip():
    pass
'''


def run_sample(tmp_path: Path, require: str | None) -> str:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != upstream_inventory.REQUIRE_ENV}
    if require is not None:
        env[upstream_inventory.REQUIRE_ENV] = require
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    return f"rc={proc.returncode} " + proc.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(not upstream_inventory.SHARED.is_dir(), reason="no shared/ directory beside this clone")
def test_shared_skip_fails_under_ci_flag_and_other_skips_stay(tmp_path):
    # The skip is decided at set-up, so pytest counts the converted report as an error.
    out = run_sample(tmp_path, "1")
    assert out.startswith("rc=1 ") and "1 skipped, 1 error" in out


def test_without_the_flag_a_shared_skip_is_a_skip(tmp_path):
    assert run_sample(tmp_path, None).startswith("rc=0 2 skipped")
    assert run_sample(tmp_path, "0").startswith("rc=0 2 skipped")


def test_every_reader_of_shared_uses_the_recognised_skip():
    # A test that reads ../shared with its own skip condition would escape the CI guard.
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name in ("upstream_inventory.py", "test_shared_guard.py"):
            continue
        if re.search(r"/\s*[\"']shared[\"']", path.read_text()):  # a path built through ../shared
            offenders.append(str(path.relative_to(TESTS)))
    assert offenders == []
