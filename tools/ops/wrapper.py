"""`scripts/pu <op> <stack> [pulumi args...]`: run pulumi on one stack the way CI does.

Selects backend and secrets provider, attaches the policy pack, waits on a contended stack
lock (never force-unlocks), refuses human-only stacks in CI, checks the CLI version first.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import exitcodes
from .backend import BackendConfigError, backend_url, pulumi_env, secrets_provider
from .locks import (LOCKED_MESSAGE, LockError, LockReadError, LockStore, StaleLock, WaitPolicy, describe_locks,
                    stale_reason, clear_instructions, store_for, wait_for_release)
from .pulumi_cli import (OPS, RunResult, build_args, declared_secrets_provider, find_pulumi, is_ci,
                         missing_secrets_keys, run, stack_exists)
from .repo import (STACK_NAME, StackError, StackMeta, list_stacks, load_all_meta, load_stack_meta, repo_root,
                   stack_dir)
from .version import CliVersionError, check_cli

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class OpResult:
    stack: str
    outcome: str          # ok | failed | locked | stale | refused | config | uninitialised
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
        # CI sets this to the base branch's pack (see ci.base_policy_pack); None = ./policies
        self.policy_pack: Path | None = None
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


INIT_OP = "init"


def not_initialised(stack: str, what: str) -> str:
    return (f"stack {stack}/{STACK_NAME} is not initialised: {what}. Nothing was run (a preview never creates "
            f"a stack, and CI never initialises one). From the dev VM, once: scripts/pu init {stack}, then "
            f"commit stacks/{stack}/Pulumi.{STACK_NAME}.yaml (it records the secrets provider and its key).")


def check_secrets_settings(ctx: Context, stack: str) -> str | None:
    """An error text when Pulumi.prod.yaml would make the CLI pick the wrong secrets manager."""
    expected = secrets_provider(stack, ctx.metas())
    declared = declared_secrets_provider(ctx.root, stack)
    if declared and declared != expected:
        return (f"stacks/{stack}/Pulumi.{STACK_NAME}.yaml uses secrets provider {declared!r} but this stack "
                f"must use {expected!r} (docs/state.md). Fix it with: cd stacks/{stack} && "
                f"pulumi stack change-secrets-provider --stack {STACK_NAME} {expected}")
    missing = missing_secrets_keys(ctx.root, stack, expected)
    if missing:
        return not_initialised(stack, f"stacks/{stack}/Pulumi.{STACK_NAME}.yaml has no {missing}, so the CLI "
                                      f"would silently create a new passphrase secrets manager")
    return None


def ensure_stack(ctx: Context, stack: str, op: str, env: Mapping[str, str]) -> str | None:
    """Check the stack exists in the backend with its secrets settings recorded; never creates it."""
    problem = check_secrets_settings(ctx, stack)
    if problem:
        return problem
    cwd = str(stack_dir(ctx.root, stack).resolve())
    listing = ctx.runner([ctx.pulumi, "stack", "ls", "--json", "--cwd", cwd], env=env, echo=False)
    if listing.exit_code != 0:
        return f"`pulumi stack ls` failed for {stack} (backend unreachable?):\n{listing.stderr.strip()}"
    if not stack_exists(listing.stdout):
        return not_initialised(stack, "the state backend has no such stack")
    return None


def init_stack(ctx: Context, stack: str) -> OpResult:
    """`pu init <stack>`: create the prod stack with the provider docs/state.md assigns it.

    The CLI writes the provider and its key (or salt) into Pulumi.prod.yaml; commit that file.
    Humans only: CI never holds the state write access needed to create a stack.
    """
    if ctx.ci:
        return OpResult(stack, "refused", exitcodes.REFUSED,
                        message=f"[{stack}] CI never initialises a stack: run scripts/pu init {stack} from the dev VM")
    try:
        load_stack_meta(ctx.root, stack)
        env = pulumi_env(stack, ctx.metas(), ctx.env)
    except (StackError, BackendConfigError) as exc:
        return OpResult(stack, "config", exitcodes.CONFIG, message=f"[{stack}] {exc}")
    expected = secrets_provider(stack, ctx.metas())
    declared = declared_secrets_provider(ctx.root, stack)
    if declared and declared != expected:
        return OpResult(stack, "config", exitcodes.CONFIG, message=check_secrets_settings(ctx, stack) or "")
    cwd = str(stack_dir(ctx.root, stack).resolve())
    ctx.log(f"[{stack}] creating stack {STACK_NAME} with secrets provider {expected}")
    init = ctx.runner([ctx.pulumi, "stack", "init", STACK_NAME, "--secrets-provider", expected,
                       "--non-interactive", "--cwd", cwd], env=env, echo=False)
    if init.exit_code != 0:
        return OpResult(stack, "failed", init.exit_code, init,
                        message=f"`pulumi stack init {STACK_NAME}` failed for {stack}:\n{init.stderr.strip()}")
    return OpResult(stack, "ok", 0, init,
                    message=f"[{stack}] initialised; commit stacks/{stack}/Pulumi.{STACK_NAME}.yaml")


def run_stack_op(ctx: Context, op: str, stack: str, extra: Sequence[str] = (), *, echo: bool = True,
                 json_output: bool = False, timeout: float | None = None, ensure: bool = True,
                 extra_env: Mapping[str, str] | None = None, passthrough: bool = False) -> OpResult:
    """Run one pulumi operation on one stack with lock waiting. Never raises for stack problems.

    ensure=False skips the stack-exists look-up (drift: a missing stack simply fails to
    measure); the secrets-settings check always runs. passthrough=True hands the CLI our
    terminal (people at the wrapper); CI captures everything.
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
    env.update(extra_env or {})
    problem = ensure_stack(ctx, stack, op, env) if ensure else check_secrets_settings(ctx, stack)
    if problem:
        outcome = "uninitialised" if "is not initialised" in problem else "config"
        return OpResult(stack, outcome, exitcodes.CONFIG, message=problem)

    inv = build_args(op, stack, ctx.root, extra, ci=ctx.ci, pulumi=ctx.pulumi, json_output=json_output,
                     pack=ctx.policy_pack)
    policy = WaitPolicy.from_env(ctx.env)
    deadline: float | None = None
    try:
        store = ctx.lock_store(env["PULUMI_BACKEND_URL"]) if inv.takes_lock else None
        while True:
            if store is not None:
                try:
                    deadline = wait_for_release(store, stack, STACK_NAME, policy, log=ctx.log, sleep=ctx.sleep,
                                                monotonic=ctx.monotonic, deadline=deadline)
                except StaleLock as exc:
                    return OpResult(stack, "stale", exitcodes.LOCKED, message=str(exc))
                except LockError as exc:
                    return OpResult(stack, "locked", exitcodes.LOCKED, message=str(exc))
            result = ctx.runner(inv.argv, env=env, echo=echo, timeout=timeout,
                                **({"passthrough": True} if passthrough else {}))
            if result.exit_code == 0:
                return OpResult(stack, "ok", 0, result)
            lost_race = inv.takes_lock and LOCKED_MESSAGE in result.output
            if not lost_race:
                hint = no_terminal_hint(op, stack, result) if passthrough else ""
                return OpResult(stack, "failed", result.exit_code, result, message=hint)
            # Another run took the lock between our check and the CLI's own: nothing ran, wait again.
            if deadline is None:
                deadline = ctx.monotonic() + policy.timeout.total_seconds()
            if store is None or ctx.monotonic() >= deadline:
                return OpResult(stack, "locked", exitcodes.LOCKED, result,
                                message=f"[{stack}] stack is locked by another run (see output above)")
            ctx.log(f"[{stack}] lock taken by another run just before ours; waiting again")
            ctx.sleep(policy.poll_seconds)
    except LockReadError as exc:
        return OpResult(stack, "config", exitcodes.CONFIG, message=f"[{stack}] {exc}")


def no_terminal_hint(op: str, stack: str, result: RunResult) -> str:
    """The CLI exits 2 when it must confirm but has no terminal to ask on: say how to proceed."""
    if result.exit_code == 2 and "must be passed in to proceed when running in non-interactive mode" in result.stderr:
        return (f"[{stack}] pulumi {op} needs confirmation and this shell has no terminal: review "
                f"`scripts/pu preview {stack}` first, then run `scripts/pu {op} {stack} -- --yes`")
    return ""


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
    try:
        locks = store.list_locks(stack, STACK_NAME)
    except LockReadError as exc:
        ctx.log(str(exc))
        return exitcodes.CONFIG
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


USAGE = """usage: scripts/pu <op> [<stack>] [pulumi args...]
       scripts/pu run-all <op> [--affected <base-rev>] [pulumi args...]

  op: up | preview | refresh | destroy | import | init | locks
  <stack> may be left out inside stacks/<stack>/ (cd stacks/dashy && ../../scripts/pu up).
  Everything after the stack goes to pulumi unchanged (put `--` first when it starts with -).
  run-all runs <op> on every stack (or those affected since <base-rev>) in dependency order,
  dependents first for destroy, one at a time, stopping at the first failure."""

STACK_OPS = (*OPS, INIT_OP, "locks")


@dataclass
class Command:
    op: str
    stacks: list[str]
    extra: list[str]
    run_all: bool = False


class UsageError(Exception):
    pass


def stack_from_cwd(root: Path, cwd: Path) -> str | None:
    """The stack whose directory `cwd` is in (Terragrunt habit: run from the stack dir)."""
    try:
        rel = cwd.resolve().relative_to((root / "stacks").resolve())
    except ValueError:
        return None
    name = rel.parts[0] if rel.parts else None
    return name if name and (root / "stacks" / name / "Pulumi.yaml").is_file() else None


def _strip_dashes(extra: list[str]) -> list[str]:
    return extra[1:] if extra[:1] == ["--"] else extra


def parse_command(argv: Sequence[str], root: Path, cwd: Path, ctx: "Context | None" = None) -> Command:
    args = list(argv)
    if not args or args[0] in ("-h", "--help"):
        raise UsageError(USAGE)
    if args[0] == "run-all":
        if len(args) < 2 or args[1] not in OPS:
            raise UsageError(f"run-all needs an operation ({', '.join(OPS)})\n{USAGE}")
        op, rest = args[1], args[2:]
        base = None
        if rest[:1] == ["--affected"]:
            if len(rest) < 2:
                raise UsageError("--affected needs a base revision, e.g. origin/main")
            base, rest = rest[1], rest[2:]
        return Command(op, [] if base is None else ["affected:" + base], _strip_dashes(rest), run_all=True)
    op, rest = args[0], args[1:]
    if op not in STACK_OPS:
        raise UsageError(f"unknown operation {op!r}\n{USAGE}")
    here = stack_from_cwd(root, cwd)
    if here is not None:
        if rest[:1] == [here]:
            rest = rest[1:]
        return Command(op, [here], _strip_dashes(rest))
    if not rest or rest[0].startswith("-"):
        raise UsageError(f"which stack? name it (scripts/pu {op} <stack>) or run from stacks/<stack>/\n{USAGE}")
    return Command(op, [rest[0]], _strip_dashes(rest[1:]))


def run_all(ctx: Context, cmd: Command) -> int:
    """One operation over many stacks in dependency order; stops at the first failure."""
    from .affected import GitError, affected_stacks
    from .order import CycleError, apply_order, dependency_graph

    metas = ctx.metas()
    try:
        if cmd.stacks and cmd.stacks[0].startswith("affected:"):
            base = cmd.stacks[0].split(":", 1)[1]
            selected = affected_stacks(ctx.root, base, None, "apply" if cmd.op != "preview" else "preview").names()
        else:
            selected = sorted(metas)
        order = apply_order(dependency_graph(ctx.root, metas), selected)
    except (GitError, CycleError) as exc:
        ctx.log(f"run-all: {exc}")
        return exitcodes.CONFIG
    if cmd.op == "destroy":
        order.reverse()
    ctx.log(f"run-all {cmd.op} over {len(order)} stack(s): {' '.join(order) or '(none)'}")
    done: list[str] = []
    for stack in order:
        ctx.log(f"=== {stack} ===")
        res = run_stack_op(ctx, cmd.op, stack, cmd.extra, passthrough=not ctx.ci)
        if res.message:
            ctx.log(res.message)
        if res.exit_code != 0:
            left = order[len(done) + 1:]
            ctx.log(f"run-all stopped at {stack} (exit {res.exit_code}); done: {' '.join(done) or '-'}; "
                    f"not run: {' '.join(left) or '-'}")
            return res.exit_code
        done.append(stack)
    return exitcodes.OK


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
         cwd: Path | None = None) -> int:
    import os

    env = os.environ if env is None else env
    ctx = Context(repo_root(env), env)
    try:
        cmd = parse_command(sys.argv[1:] if argv is None else argv, ctx.root, cwd or Path.cwd())
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return exitcodes.USAGE
    if cmd.run_all:
        return run_all(ctx, cmd)
    stack = cmd.stacks[0]
    if cmd.op == "locks":
        return show_locks(ctx, stack)
    if cmd.op == INIT_OP:
        res = init_stack(ctx, stack)
    else:
        res = run_stack_op(ctx, cmd.op, stack, cmd.extra, passthrough=not ctx.ci)
    if res.message:
        ctx.log(res.message)
    return res.exit_code


if __name__ == "__main__":
    sys.exit(main())
