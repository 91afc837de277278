"""`scripts/pu <op> <stack> [pulumi args...]`: run pulumi on one stack the way CI does.

Selects backend and secrets provider, attaches the policy pack, waits on a contended stack
lock (never force-unlocks), refuses human-only stacks in CI, checks the CLI version first.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import exitcodes
from .backend import BackendConfigError, backend_url, pulumi_env, secrets_provider
from .locks import (LOCKED_MESSAGE, LockError, LockStore, StaleLock, WaitPolicy, describe_locks,
                    stale_reason, clear_instructions, store_for, wait_for_release)
from .pulumi_cli import (OPS, RunResult, build_args, declared_secrets_provider, find_pulumi, is_ci, run,
                         stack_exists)
from .repo import STACK_NAME, StackError, StackMeta, load_all_meta, load_stack_meta, repo_root
from .version import CliVersionError, check_cli

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class OpResult:
    stack: str
    outcome: str          # ok | failed | locked | stale | refused | config
    exit_code: int
    result: RunResult | None = None
    message: str = ""


class Context:
    """Everything an operation needs; tests swap the pieces that touch the world."""

    def __init__(self, root: Path, env: Mapping[str, str], *, log: Log = _stderr,
                 runner: Callable[..., RunResult] = run,
                 lock_store: Callable[[str], LockStore | None] = store_for,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic):
        self.root = root
        self.env = dict(env)
        self.log = log
        self.runner = runner
        self.lock_store = lock_store
        self.sleep = sleep
        self.monotonic = monotonic
        self.pulumi = find_pulumi(env)
        self.ci = is_ci(env)
        self._cli_checked = False
        self._metas: dict[str, StackMeta] | None = None

    def check_cli(self) -> None:
        if not self._cli_checked:
            check_cli(self.pulumi, run=lambda argv: _completed(self.runner(argv, env=self.env, echo=False)))
            self._cli_checked = True

    def metas(self) -> dict[str, StackMeta]:
        if self._metas is None:
            self._metas = load_all_meta(self.root)
        return self._metas


def _completed(res: RunResult):
    import subprocess

    return subprocess.CompletedProcess([], res.exit_code, res.stdout, res.stderr)


def refuse_reason(meta: StackMeta, ci: bool) -> str | None:
    if meta.human_only and ci:
        return (f"stack '{meta.name}' is human-only (stack.yaml: human_only: true): CI never runs it. "
                f"Run it from the dev VM with your own credentials: scripts/pu <op> {meta.name}")
    return None


def ensure_stack(ctx: Context, stack: str, op: str, env: Mapping[str, str]) -> str | None:
    """Create the prod stack with the right secrets provider on first use; returns an error text."""
    expected = secrets_provider(stack, ctx.metas())
    declared = declared_secrets_provider(ctx.root, stack)
    if declared and declared != expected:
        return (f"stacks/{stack}/Pulumi.{STACK_NAME}.yaml uses secrets provider {declared!r} but this stack "
                f"must use {expected!r} (docs/state.md). Fix it with: cd stacks/{stack} && "
                f"pulumi stack change-secrets-provider --stack {STACK_NAME} {expected}")
    cwd = str(ctx.root / "stacks" / stack)
    listing = ctx.runner([ctx.pulumi, "stack", "ls", "--json", "--cwd", cwd], env=env, echo=False)
    if listing.exit_code != 0:
        return f"`pulumi stack ls` failed for {stack} (backend unreachable?):\n{listing.stderr.strip()}"
    if stack_exists(listing.stdout):
        return None
    if op not in ("up", "preview", "import"):
        return f"stack {stack}/{STACK_NAME} does not exist in the backend yet; nothing to {op}"
    ctx.log(f"[{stack}] creating stack {STACK_NAME} with secrets provider {expected}")
    init = ctx.runner([ctx.pulumi, "stack", "init", STACK_NAME, "--secrets-provider", expected,
                       "--non-interactive", "--cwd", cwd], env=env, echo=False)
    if init.exit_code != 0:
        return f"`pulumi stack init {STACK_NAME}` failed for {stack}:\n{init.stderr.strip()}"
    return None


def run_stack_op(ctx: Context, op: str, stack: str, extra: Sequence[str] = (), *, echo: bool = True,
                 json_output: bool = False, timeout: float | None = None, ensure: bool = True) -> OpResult:
    """Run one pulumi operation on one stack with lock waiting. Never raises for stack problems.

    ensure=False skips the stack-exists check (drift: a missing stack simply fails to measure).
    """
    try:
        ctx.check_cli()
    except CliVersionError as exc:
        return OpResult(stack, "config", exitcodes.CLI_TOO_OLD, message=str(exc))
    try:
        meta = load_stack_meta(ctx.root, stack)
        reason = refuse_reason(meta, ctx.ci)
        if reason:
            return OpResult(stack, "refused", exitcodes.REFUSED, message=reason)
        env = pulumi_env(stack, ctx.metas(), ctx.env)
    except (StackError, BackendConfigError) as exc:
        return OpResult(stack, "config", exitcodes.CONFIG, message=f"[{stack}] {exc}")
    problem = ensure_stack(ctx, stack, op, env) if ensure else None
    if problem:
        return OpResult(stack, "config", exitcodes.CONFIG, message=problem)

    inv = build_args(op, stack, ctx.root, extra, ci=ctx.ci, pulumi=ctx.pulumi, json_output=json_output)
    store = ctx.lock_store(env["PULUMI_BACKEND_URL"]) if inv.takes_lock else None
    policy = WaitPolicy.from_env(ctx.env)
    deadline: float | None = None
    while True:
        if store is not None:
            try:
                deadline = wait_for_release(store, stack, STACK_NAME, policy, log=ctx.log, sleep=ctx.sleep,
                                            monotonic=ctx.monotonic, deadline=deadline)
            except StaleLock as exc:
                return OpResult(stack, "stale", exitcodes.LOCKED, message=str(exc))
            except LockError as exc:
                return OpResult(stack, "locked", exitcodes.LOCKED, message=str(exc))
        result = ctx.runner(inv.argv, env=env, echo=echo, timeout=timeout)
        if result.exit_code == 0:
            return OpResult(stack, "ok", 0, result)
        lost_race = inv.takes_lock and LOCKED_MESSAGE in result.output
        if not lost_race:
            return OpResult(stack, "failed", result.exit_code, result)
        # Another run took the lock between our check and the CLI's own: nothing ran, wait again.
        if deadline is None:
            deadline = ctx.monotonic() + policy.timeout.total_seconds()
        if store is None or ctx.monotonic() >= deadline:
            return OpResult(stack, "locked", exitcodes.LOCKED, result,
                            message=f"[{stack}] stack is locked by another run (see output above)")
        ctx.log(f"[{stack}] lock taken by another run just before ours; waiting again")
        ctx.sleep(policy.poll_seconds)


def show_locks(ctx: Context, stack: str) -> int:
    """`pu locks <stack>`: read-only view of who holds the lock, with the clear commands."""
    env = dict(ctx.env)
    try:
        url = backend_url(env)
    except BackendConfigError as exc:
        ctx.log(str(exc))
        return exitcodes.CONFIG
    store = ctx.lock_store(url)
    if store is None:
        ctx.log(f"cannot list locks for backend {url.split('?')[0]}")
        return exitcodes.CONFIG
    locks = store.list_locks(stack, STACK_NAME)
    if not locks:
        print(f"{stack}: not locked")
        return exitcodes.OK
    now = datetime.now(timezone.utc)
    policy = WaitPolicy.from_env(env)
    print(f"{stack}: {len(locks)} lock(s)")
    print(describe_locks(store, locks, now))
    import socket

    for lk in locks:
        why = stale_reason(lk, now, policy.stale_after, socket.gethostname())
        print(f"  {lk.lock_id}: {'STALE - ' + why if why else 'may be live (do not clear)'}")
    print(clear_instructions(store, stack, locks))
    return exitcodes.OK


def parse_argv(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pu", description="Run pulumi on one homelab stack (prod) with the repo's backend, "
        "secrets provider and policy pack. Extra arguments go to pulumi unchanged.")
    parser.add_argument("op", choices=[*OPS, "locks"])
    parser.add_argument("stack")
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="passed to pulumi (use -- first for flags)")
    args = parser.parse_args(argv)
    if args.extra and args.extra[0] == "--":
        args.extra = args.extra[1:]
    return args


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    import os

    args = parse_argv(sys.argv[1:] if argv is None else argv)
    env = os.environ if env is None else env
    ctx = Context(repo_root(env), env)
    if args.op == "locks":
        return show_locks(ctx, args.stack)
    res = run_stack_op(ctx, args.op, args.stack, args.extra)
    if res.message:
        ctx.log(res.message)
    return res.exit_code


if __name__ == "__main__":
    sys.exit(main())
