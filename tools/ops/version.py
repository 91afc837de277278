"""Minimum pulumi CLI version this tooling relies on, checked at start-up.

- 3.176: Postgres DIY backend (kept as a fallback option, see docs/state.md)
- 3.227: `--expect-no-changes` exits 7 on changes, distinct from errors (drift needs this:
         on older CLIs drift and failure share one exit code and drift would be misfiled
         as "could not be measured")
- 3.229: `refresh --preview-only` no longer takes the stack lock
"""
from __future__ import annotations

import re
import subprocess
from typing import Callable, Sequence

MIN_CLI_VERSION = (3, 229, 0)
_VERSION_RE = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")


class CliVersionError(Exception):
    pass


def fmt(version: tuple[int, int, int]) -> str:
    return ".".join(str(p) for p in version)


def parse_version(text: str) -> tuple[int, int, int]:
    """Parse the output of `pulumi version` (e.g. `v3.229.0`, `v3.230.0-alpha.x1`)."""
    match = _VERSION_RE.search(text.strip())
    if not match:
        raise CliVersionError(f"cannot parse `pulumi version` output: {text.strip()!r}")
    return tuple(int(g) for g in match.groups())  # type: ignore[return-value]


Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def _run(argv: Sequence[str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(list(argv), capture_output=True, text=True, check=False)


def check_cli(pulumi: str = "pulumi", run: Runner = _run) -> tuple[int, int, int]:
    """Return the CLI version or raise CliVersionError with what to do about it."""
    try:
        proc = run([pulumi, "version"])
    except FileNotFoundError as exc:
        raise CliVersionError(
            f"pulumi CLI not found ({pulumi!r} is not on PATH). Install pulumi >= {fmt(MIN_CLI_VERSION)}."
        ) from exc
    if proc.returncode != 0:
        raise CliVersionError(f"`{pulumi} version` failed (exit {proc.returncode}): {proc.stderr.strip()}")
    version = parse_version(proc.stdout)
    if version < MIN_CLI_VERSION:
        raise CliVersionError(
            f"pulumi CLI {fmt(version)} is older than {fmt(MIN_CLI_VERSION)}, the minimum this tooling needs "
            f"(drift relies on exit code 7 from --expect-no-changes, >= 3.227; lock-free "
            f"`refresh --preview-only`, >= 3.229). Upgrade the CLI to {fmt(MIN_CLI_VERSION)} or newer "
            f"(CI pins it in the pipeline image)."
        )
    return version
