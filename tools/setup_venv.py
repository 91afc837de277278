"""`make venv`: build the repo virtualenv from requirements.lock.

Runs under the bare interpreter that creates the venv, so it uses the standard library only.
Quiet on success: a few progress lines (a live counter on a terminal). pip's full output
goes to <venv>/setup.log and is printed only when a step fails, followed by a non-zero exit.

The repo itself is put on the venv's path with a .pth file instead of `pip install -e .`:
the Pulumi language host runs `stacks/<name>/__main__.py` with this venv's interpreter, and
the programs import `components`; a .pth needs no build backend, no network and no wheel.

    python3 tools/setup_venv.py --venv .venv --lock requirements.lock
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PTH_NAME = "viktorbarzin_infra.pth"
MIN_PYTHON = (3, 11)


class SetupError(Exception):
    pass


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def pinned_count(lock: Path) -> int:
    """Packages the lock pins (requirement lines; hashes and comments are continuation lines)."""
    return sum(1 for line in lock.read_text().splitlines() if line and line[0].isalnum() and "==" in line)


class Progress:
    """One line per phase; on a terminal the current phase's line is rewritten in place."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty()
        self._open = False

    def phase(self, text: str) -> None:
        self._end_line()
        self.stream.write(f"setup: {text}\n")
        self.stream.flush()

    def tick(self, text: str) -> None:
        if not self.live:
            return
        self.stream.write(f"\r\033[Ksetup:   {text}")
        self.stream.flush()
        self._open = True

    def _end_line(self) -> None:
        if self._open:
            self.stream.write("\r\033[K")
            self._open = False

    def done(self) -> None:
        self._end_line()


def _run_logged(cmd: list[str], log, on_line=None) -> int:
    log.write(f"$ {' '.join(cmd)}\n")
    log.flush()
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        log.write(line)
        if on_line:
            on_line(line)
    return proc.wait()


def setup(venv: Path, lock: Path, progress: Progress, python: str = sys.executable) -> None:
    if sys.version_info < MIN_PYTHON:
        raise SetupError(f"Python {'.'.join(map(str, MIN_PYTHON))}+ is required, this is {sys.version.split()[0]} "
                         f"({python}); run `make venv PYTHON=python3.13` with a newer interpreter")
    if not lock.is_file():
        raise SetupError(f"{lock} is missing; run `make lock` to create it from requirements.txt")
    venv.mkdir(parents=True, exist_ok=True)
    log_path = venv / "setup.log"
    started = time.monotonic()
    with log_path.open("w") as log:
        try:
            py = venv_python(venv)
            if not py.exists():
                progress.phase(f"creating {venv} with Python {sys.version.split()[0]}")
                if _run_logged([python, "-m", "venv", str(venv)], log) != 0:
                    raise SetupError("python -m venv failed")
            total = pinned_count(lock)
            progress.phase(f"installing {total} pinned packages from {lock.name} (hash-checked; "
                           "a first run downloads about 250 MB)")
            seen = 0

            def on_line(line: str) -> None:
                nonlocal seen
                if line.startswith("Collecting ") or line.startswith("Requirement already satisfied"):
                    seen += 1
                    name = line.split()[1] if line.startswith("Collecting ") else line.split(":", 1)[1].split()[0]
                    progress.tick(f"[{seen}/{total}] {name}")
                elif line.startswith("Installing collected packages"):
                    progress.tick(f"unpacking {line.count(',') + 1} packages")

            code = _run_logged([str(py), "-m", "pip", "install", "--require-hashes", "-r", str(lock)], log, on_line)
            progress.done()
            if code != 0:
                raise SetupError(f"pip install -r {lock.name} failed (exit {code})")
            site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip()
            (Path(site) / PTH_NAME).write_text(f"{REPO}\n")
        except SetupError:
            log.flush()
            raise
    progress.phase(f"ready: {venv} in {time.monotonic() - started:.0f}s (log: {log_path})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/setup_venv.py", description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=REPO / ".venv")
    parser.add_argument("--lock", type=Path, default=REPO / "requirements.lock")
    args = parser.parse_args(argv)
    try:
        setup(args.venv, args.lock, Progress())
    except SetupError as exc:
        log_path = args.venv / "setup.log"
        if log_path.is_file():
            sys.stderr.write(f"----- {log_path} -----\n{log_path.read_text()}----- end of {log_path} -----\n")
        sys.stderr.write(f"setup FAILED: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
