"""tools/setup_venv.py: a few lines on stdout, pip's whole output only when a step fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools.setup_venv import pinned_count

REPO = Path(__file__).resolve().parent.parent


def test_counts_the_pins_of_the_real_lock():
    lock = (REPO / "requirements.lock").read_text()
    pins = [line for line in lock.splitlines() if line[:1].isalnum() and "==" in line]
    assert pinned_count(REPO / "requirements.lock") == len(pins) > 40
    for direct in ("pulumi==", "pulumi-kubernetes==", "bcrypt==", "pytest=="):
        assert any(line.startswith(direct) for line in pins), direct
    lines = lock.splitlines()
    for index, line in enumerate(lines):
        if line in pins:
            assert lines[index + 1].strip().startswith("--hash=sha256:"), f"{line} has no hash"


def test_a_failing_install_is_loud_and_names_the_log(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    lock = tmp_path / "requirements.lock"
    lock.write_text("no-such-package-for-this-test==1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "setup_venv.py"), "--venv", str(venv),
                           "--lock", str(lock)], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"setup: installing 1 pinned packages from {lock.name} (hash-checked; a first run downloads about 250 MB)"]
    assert "no-such-package-for-this-test" in proc.stderr  # pip's own error, from the log
    assert f"----- {venv / 'setup.log'} -----" in proc.stderr
    assert proc.stderr.rstrip().endswith("setup FAILED: pip install -r requirements.lock failed (exit 1)")


def test_a_missing_lock_says_how_to_make_one(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "setup_venv.py"), "--venv", str(tmp_path / "v"),
                           "--lock", str(tmp_path / "requirements.lock")], capture_output=True, text=True)
    assert proc.returncode == 1 and "run `make lock`" in proc.stderr
