"""Build and run pulumi CLI invocations for one stack (shared by the wrapper, CI and drift)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Mapping, Sequence

from .repo import STACK_NAME, stack_dir

OPS = ("up", "preview", "refresh", "destroy", "import")
_MUTATING = {"up", "refresh", "destroy", "import"}  # need --yes in CI
_POLICY_OPS = {"up", "preview"}
_DIFF_OPS = {"up", "preview", "refresh"}


def is_ci(env: Mapping[str, str]) -> bool:
    """Woodpecker sets CI=woodpecker, GitHub Actions CI=true."""
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def takes_lock(op: str, extra: Sequence[str]) -> bool:
    """Operations that take the DIY stack lock (preview never does; refresh --preview-only
    does not on CLI >= 3.229, the minimum we enforce)."""
    if op == "preview":
        return False
    if op == "refresh" and "--preview-only" in extra:
        return False
    return op in _MUTATING


def policy_pack(root: Path) -> Path | None:
    pack = root / "policies"
    return pack if (pack / "PulumiPolicy.yaml").is_file() else None


@dataclass
class Invocation:
    op: str
    stack: str
    argv: list[str]
    cwd: Path
    takes_lock: bool


def build_args(op: str, stack: str, root: Path, extra: Sequence[str], *, ci: bool,
               pulumi: str = "pulumi", json_output: bool = False, policies: bool = True,
               pack: Path | None = None) -> Invocation:
    """The argv for `pulumi <op>` on stacks/<stack>, runnable from any directory.

    Every path handed to the CLI is absolute: `--cwd` makes the CLI chdir into the stack
    before it reads any other flag, so a relative path would land under stacks/<stack>/.
    `pack` replaces the checkout's own policies/ (CI judges a PR with the base branch's pack).
    """
    if op not in OPS:
        raise ValueError(f"unknown operation {op!r}; expected one of {', '.join(OPS)}")
    directory = stack_dir(root, stack).resolve()
    argv = [pulumi, op, "--stack", STACK_NAME, "--cwd", str(directory)]
    if ci:
        argv.append("--non-interactive")
        if op in _MUTATING and "--yes" not in extra and "--preview-only" not in extra:
            argv.append("--yes")
    if op in _DIFF_OPS and not json_output and "--json" not in extra:
        argv.append("--diff")
    pack = (pack or policy_pack(root)) if policies else None
    if op in _POLICY_OPS and pack is not None:
        argv += ["--policy-pack", str(Path(pack).resolve())]
    if json_output:
        argv.append("--json")
    argv += list(extra)
    return Invocation(op, stack, argv, directory, takes_lock(op, extra))


@dataclass
class RunResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr


def _pump(src: IO[str], sink: list[str], echo: IO[str] | None) -> None:
    for line in iter(src.readline, ""):
        sink.append(line)
        if echo is not None:
            echo.write(line)
            echo.flush()
    src.close()


def run(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None,
        echo: bool = True, timeout: float | None = None, passthrough: bool = False) -> RunResult:
    """Run a command, keeping its output and (optionally) streaming it to our stdout/stderr.

    passthrough=True is for a person at the wrapper: stdin and stdout stay ours, so when they
    are a terminal the CLI sees one and may prompt (`up` asks for confirmation). Only stderr
    is captured (and echoed), which is where the CLI reports a lock held by another run.
    """
    pipe = subprocess.PIPE
    proc = subprocess.Popen(list(argv), stdout=None if passthrough else pipe, stderr=pipe, text=True,
                            env=dict(env), cwd=str(cwd) if cwd else None,
                            stdin=None if passthrough else subprocess.DEVNULL)
    out: list[str] = []
    err: list[str] = []
    threads = [threading.Thread(target=_pump, args=(proc.stderr, err, sys.stderr if echo or passthrough else None),
                                daemon=True)]
    if not passthrough:
        threads.append(threading.Thread(target=_pump, args=(proc.stdout, out, sys.stdout if echo else None),
                                        daemon=True))
    for t in threads:
        t.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        for t in threads:
            t.join()
        return RunResult(124, "".join(out), "".join(err) + f"\n[timed out after {timeout:.0f}s]\n")
    for t in threads:
        t.join()
    return RunResult(code, "".join(out), "".join(err))


Runner = Callable[..., RunResult]


def stack_exists(stack_ls_json: str) -> bool:
    """Does `pulumi stack ls --json` list the prod stack? (DIY may print org/project/prod.)"""
    try:
        entries = json.loads(stack_ls_json or "[]")
    except json.JSONDecodeError:
        return False
    return any(isinstance(e, dict) and (e.get("name") == STACK_NAME or str(e.get("name", "")).endswith("/" + STACK_NAME))
               for e in entries)


def stack_file_settings(root: Path, stack: str) -> dict:
    """The top-level keys of stacks/<stack>/Pulumi.prod.yaml ({} when absent)."""
    import yaml

    path = stack_dir(root, stack) / f"Pulumi.{STACK_NAME}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    return data if isinstance(data, dict) else {}


def declared_secrets_provider(root: Path, stack: str) -> str | None:
    """`secretsprovider:` recorded in Pulumi.prod.yaml, if any."""
    value = stack_file_settings(root, stack).get("secretsprovider")
    return str(value) if value else None


def missing_secrets_keys(root: Path, stack: str, provider: str) -> str | None:
    """What the stack file lacks for the CLI to use `provider`, or None when it is complete.

    The CLI picks the secrets manager from Pulumi.prod.yaml alone: `secretsprovider` +
    `encryptedkey` for Vault transit, `encryptionsalt` for a passphrase. A file with neither
    makes it create a brand-new passphrase manager silently (and rewrite the file), which
    cannot decrypt anything the stack already holds.
    """
    settings = stack_file_settings(root, stack)
    if provider == "passphrase":
        return None if settings.get("encryptionsalt") else "encryptionsalt"
    missing = [k for k in ("secretsprovider", "encryptedkey") if not settings.get(k)]
    return " and ".join(missing) or None


def find_pulumi(env: Mapping[str, str]) -> str:
    return env.get("PU_PULUMI", "pulumi")


def default_env() -> dict[str, str]:
    return dict(os.environ)


__all__ = ["OPS", "Invocation", "RunResult", "build_args", "run", "is_ci", "takes_lock", "stack_exists",
           "declared_secrets_provider", "missing_secrets_keys", "policy_pack"]
