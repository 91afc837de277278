"""CI pipelines: preview affected stacks on pull requests, apply them on push.

    python -m tools.ops.ci pr --base <target-branch-rev> [--head HEAD]
    python -m tools.ops.ci apply --prev <sha-before-push> [--head HEAD]

All decisions live here so the Woodpecker/GitHub YAML stays a few lines.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import exitcodes
from .affected import GitError, affected_stacks, git
from .backend import PASSPHRASE_PROVIDER, has_passphrase, secrets_provider
from .events import program_error, read_preview
from .http import Http, urllib_http
from .order import CycleError, apply_order, dependency_graph
from .pool import run_each
from .prcomment import ForgeTarget, StackPreview, host_of, render, upsert_comment
from .repo import StackError, repo_root
from .vaultauth import VaultAuthError, ensure_vault_token
from .version import CliVersionError
from .wrapper import Context, OpResult, run_stack_op
from ..stack_graph import GraphError, affected_mermaid, load_graph

Log = Callable[[str], None]

TRANSIENT_PATTERNS = [
    re.compile(p, re.IGNORECASE) for p in (
        r"(failed|error) (to download|downloading|installing) (the )?plugin",
        r"could not (download|install) plugin",
        r"Client\.Timeout exceeded while awaiting headers",
        r"TLS handshake timeout",
        r"URL: (?:[A-Z]+ )?\S+/v1/\S+\s+Code: 5\d\d",          # Vault API 5xx as reported by the vault provider
        r"vault.{0,80}(Code|status)[: ]+5\d\d",
    )
]
MAX_ATTEMPTS = 3


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- apply on push

def classify(res: OpResult) -> str:
    """ok | locked | uninitialised (not applied, run goes on) | refused | transient (retry) | failed (stop)."""
    if res.outcome == "ok":
        return "ok"
    if res.outcome in ("locked", "stale"):
        return "locked"
    if res.outcome in ("refused", "uninitialised"):
        return res.outcome
    text = res.result.output if res.result else res.message
    if res.outcome == "failed" and any(p.search(text) for p in TRANSIENT_PATTERNS):
        return "transient"
    return "failed"


def forge_guard(env: Mapping[str, str]) -> tuple[bool, str]:
    """Apply only on the canonical forge (PU_CANONICAL_FORGE host); the mirror must never apply."""
    canonical = env.get("PU_CANONICAL_FORGE", "").strip().lower()
    current = host_of(env.get("CI_FORGE_URL", "") or env.get("GITHUB_SERVER_URL", "")) \
        or host_of(env.get("CI_REPO_URL", ""))
    if not canonical:
        return False, "PU_CANONICAL_FORGE is not set: refusing to apply (set it to the canonical forge host)"
    if not current:
        return False, ("no forge is known (CI_FORGE_URL, GITHUB_SERVER_URL and CI_REPO_URL are all unset): "
                       "refusing to apply")
    if current != canonical:
        return False, (f"forge {current or 'unknown'} is not the canonical forge {canonical}: "
                       f"apply runs only there (avoids two pipelines racing for the same stacks)")
    return True, ""


class StaleCheckout(Exception):
    pass


def choose_push_base(root: Path, prev: str, head: str) -> str | None:
    """The revision to diff against for a push; None means 'treat every stack as changed'.

    Refuses when the previous push is not an ancestor of HEAD: that is a restarted pipeline
    whose checkout is older than what was already applied, and applying it would revert.
    """
    prev = (prev or "").strip()
    if prev and set(prev) != {"0"}:
        try:
            git(root, "cat-file", "-e", f"{prev}^{{commit}}")
        except GitError:
            prev = ""
        else:
            try:
                git(root, "merge-base", "--is-ancestor", prev, head)
            except GitError as exc:
                raise StaleCheckout(
                    f"{head[:12]} does not descend from the previous push {prev[:12]}: this pipeline's checkout "
                    f"is older than master. Not applying (it would revert newer changes); re-run on current master."
                ) from exc
            return prev
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"{head}^").strip()
    except GitError:
        return None


@dataclass
class ApplyOutcome:
    stack: str
    status: str     # ok | skipped | failed | not-attempted
    detail: str = ""


# The Tier-0 vault stack is applied by a person only, whatever its stack.yaml says: CI's
# Vault role cannot manage Vault itself, and a mistake there locks every other stack out.
NEVER_FROM_CI = frozenset({"vault"})


def ci_skip_reason(ctx: Context, stack: str) -> str | None:
    """Why CI does not apply this stack by design (reported, never a failure), or None."""
    meta = ctx.metas().get(stack)
    if stack in NEVER_FROM_CI:
        return f"Tier-0 stack, applied by a person only (scripts/pu up {stack})"
    if meta and meta.human_only:
        return f"human-only; apply it from the dev VM (scripts/pu up {stack})"
    if secrets_provider(stack, ctx.metas()) == PASSPHRASE_PROVIDER and not has_passphrase(ctx.env):
        return (f"passphrase stack (Vault depends on it) and this run holds no passphrase by design; "
                f"an operator applies it: scripts/pu up {stack}")
    return None


def apply_stacks(ctx: Context, stacks: Sequence[str], *, retry_delay: float = 15.0) -> list[ApplyOutcome]:
    """Apply in the given order, one at a time; stop at the first hard failure."""
    outcomes: list[ApplyOutcome] = []
    for i, stack in enumerate(stacks):
        skip = ci_skip_reason(ctx, stack)
        if skip:
            ctx.log(f"[{stack}] SKIPPED: {skip}")
            outcomes.append(ApplyOutcome(stack, "skipped", skip))
            continue
        for attempt in range(1, MAX_ATTEMPTS + 1):
            ctx.log(f"[{stack}] applying (attempt {attempt}/{MAX_ATTEMPTS})")
            res = run_stack_op(ctx, "up", stack)
            kind = classify(res)
            if kind == "transient" and attempt < MAX_ATTEMPTS:
                ctx.log(f"[{stack}] transient error (plugin download / Vault 5xx); retrying in {retry_delay:.0f}s")
                ctx.sleep(retry_delay)
                continue
            break
        if kind == "ok":
            outcomes.append(ApplyOutcome(stack, "ok"))
        elif kind == "locked":
            ctx.log(f"[{stack}] NOT APPLIED: stack lock held by another run\n{res.message}")
            outcomes.append(ApplyOutcome(stack, "not-applied", "locked by another run; re-run this pipeline"))
        elif kind == "uninitialised":
            ctx.log(f"[{stack}] NOT APPLIED: {res.message}")
            outcomes.append(ApplyOutcome(stack, "not-applied", f"not initialised (scripts/pu init {stack})"))
        elif kind == "refused":
            ctx.log(f"[{stack}] SKIPPED: {res.message}")
            outcomes.append(ApplyOutcome(stack, "skipped", res.message))
        else:
            reason = "transient error persisted after 3 attempts" if kind == "transient" else f"exit {res.exit_code}"
            ctx.log(f"[{stack}] FAILED ({reason}){': ' + res.message if res.message else ''}")
            outcomes.append(ApplyOutcome(stack, "failed", reason))
            outcomes += [ApplyOutcome(s, "not-attempted", f"stopped after {stack} failed") for s in stacks[i + 1:]]
            break
    return outcomes


def apply_exit_code(outcomes: Sequence[ApplyOutcome]) -> int:
    """Failed > not applied (lock, uninitialised: the pipeline must not look applied) > ok."""
    if any(o.status == "failed" for o in outcomes):
        return exitcodes.FAILED
    if any(o.status == "not-applied" for o in outcomes):
        return exitcodes.NOT_APPLIED
    return exitcodes.OK


def run_apply(ctx: Context, prev: str, head: str = "HEAD") -> int:
    ok, why = forge_guard(ctx.env)
    if not ok:
        ctx.log(f"[forge-guard] {why}")
        # The mirror (a known, non-canonical forge) passes quietly; anything unknown fails closed.
        return exitcodes.OK if why.startswith("forge ") else exitcodes.CONFIG
    try:
        ctx.check_cli()
        base = choose_push_base(ctx.root, prev, head)
        metas = ctx.metas()
        selected = (affected_stacks(ctx.root, base, head, "apply").names() if base else sorted(metas))
        order = apply_order(dependency_graph(ctx.root, metas), selected)
    except StaleCheckout as exc:
        ctx.log(str(exc))
        return exitcodes.REFUSED
    except (GitError, CycleError, StackError, CliVersionError) as exc:
        ctx.log(f"apply: {exc}")
        return exitcodes.CONFIG
    ctx.log(f"apply order ({len(order)}): {' '.join(order) or '(nothing affected)'}")
    outcomes = apply_stacks(ctx, order)
    ctx.log("=== apply summary ===")
    for o in outcomes:
        ctx.log(f"  {o.stack}: {o.status}{' (' + o.detail + ')' if o.detail else ''}")
    return apply_exit_code(outcomes)


# ---------------------------------------------------------------- preview on PRs

# `--event-log` is one of the CLI's debug commands' flags: it exists only when
# PULUMI_DEBUG_COMMANDS is true (the Automation API sets the same variable for the same flag).
EVENT_LOG_ENV = {"PULUMI_DEBUG_COMMANDS": "true"}


def preview_one(ctx: Context, stack: str, artifacts: Path) -> StackPreview:
    meta = ctx.metas().get(stack)
    if meta and meta.human_only:
        return StackPreview(stack, "skipped", note=f"human-only; preview it locally: scripts/pu preview {stack}")
    out_dir = (artifacts / stack).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    event_log = out_dir / "events.jsonl"
    res = run_stack_op(ctx, "preview", stack, ["--event-log", str(event_log)], echo=False, json_output=True,
                       extra_env=EVENT_LOG_ENV)
    if res.outcome == "uninitialised":
        return StackPreview(stack, "skipped", note=res.message.split(". Nothing was run")[0]
                            + f"; initialise it with scripts/pu init {stack}")
    if res.result is not None:
        (out_dir / "preview.json").write_text(res.result.stdout)
        (out_dir / "preview.log").write_text(res.result.stderr)
    summary = read_preview(res.result.stdout if res.result else "", event_log)
    if res.outcome == "ok":
        return StackPreview(stack, "ok", summary, artifact=str(out_dir))
    output = res.result.output if res.result else ""
    note = program_error(output) or (summary.errors[0] if summary.errors else "") or res.message
    if not note and res.result is not None and res.result.stderr.strip():
        note = res.result.stderr.strip().splitlines()[-1]
    return StackPreview(stack, "error", summary, note=(note or f"exit {res.exit_code}")[:1500],
                        artifact=str(out_dir))


BASE_PACK_DIR = ".base-policies"


def base_policy_pack(root: Path, rev: str) -> Path:
    """The policy pack (and its exceptions) as of `rev`, unpacked beside the checkout.

    A PR is judged by the rules of the branch it merges into: a PR that relaxes a policy
    or adds an exception is checked against the old ones and shows what the new ones would
    forgive only after it merges. The pack's PulumiPolicy.yaml names `../.venv`, and it
    imports components/ (its constants) from its parent directory, so both are unpacked
    at <root>/.base-policies/ with the checkout's venv linked in.
    """
    import io
    import shutil
    import tarfile

    dest = root / BASE_PACK_DIR
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir()
    proc = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", rev, "policies", "components"],
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise GitError(f"cannot read policies/ at {rev}: {proc.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")
    venv = root / ".venv"
    if venv.exists():
        (dest / ".venv").symlink_to(venv.resolve(), target_is_directory=True)
    return dest / "policies"


def run_url(env: Mapping[str, str]) -> str:
    if env.get("CI_PIPELINE_URL"):
        return env["CI_PIPELINE_URL"]
    if env.get("GITHUB_RUN_ID"):
        return f"{env.get('GITHUB_SERVER_URL', '')}/{env.get('GITHUB_REPOSITORY', '')}/actions/runs/{env['GITHUB_RUN_ID']}"
    return ""


def affected_sections(root: Path, stacks: Sequence[str]) -> list[str]:
    """The affected subgraph for the PR comment; a graph that cannot be drawn (a cycle, a
    stack.yaml naming an unknown stack) says so instead of failing the preview."""
    if not stacks:
        return []
    try:
        return [affected_mermaid(stacks, load_graph(root))]
    except GraphError as exc:
        return [f"**Affected subgraph:** not drawn ({exc})"]


def run_pr(ctx: Context, base: str, head: str = "HEAD", *, artifacts: Path, concurrency: int = 4,
           http: Http = urllib_http, policy_from: str | None = None) -> int:
    try:
        ctx.check_cli()
        stacks = affected_stacks(ctx.root, base, head, "preview").names()
        if policy_from:
            ctx.policy_pack = base_policy_pack(ctx.root, policy_from)
            ctx.log(f"policy pack and exceptions from {policy_from} (the base branch), not from this PR")
    except (GitError, CliVersionError) as exc:
        ctx.log(f"pr: {exc}")
        return exitcodes.CONFIG
    ctx.log(f"previewing {len(stacks)} affected stack(s): {' '.join(stacks) or '(none)'}")
    results = run_each(stacks, lambda s: preview_one(ctx, s, artifacts), concurrency,
                       describe=lambda p: p.status if not p.blocking else "blocked")
    previews = [results[s] for s in stacks]
    commit = git(ctx.root, "rev-parse", head).strip()
    body = render(previews, commit=commit, run_url=run_url(ctx.env), sections=affected_sections(ctx.root, stacks))
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "comment.md").write_text(body)
    target = ForgeTarget.from_env(ctx.env)
    if target is None:
        ctx.log("no forge/PR/token in the environment; comment written to " + str(artifacts / "comment.md"))
    else:
        ctx.log(f"PR comment {upsert_comment(http, target, body)} on {target.repo}#{target.number}")
    blocked = [p.stack for p in previews if p.blocking]
    if blocked:
        ctx.log(f"blocking findings in: {' '.join(blocked)}")
        return exitcodes.FAILED
    return exitcodes.OK


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
         http: Http = urllib_http) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ops.ci")
    sub = parser.add_subparsers(dest="cmd", required=True)
    pr = sub.add_parser("pr", help="preview affected stacks and post one PR comment")
    pr.add_argument("--base", required=True)
    pr.add_argument("--head", default="HEAD")
    pr.add_argument("--artifacts", type=Path, default=Path("build/ci"))
    pr.add_argument("--concurrency", type=int, default=4)
    pr.add_argument("--policy-from", default=None,
                    help="judge with policies/ as of this revision (the base branch) instead of the PR's")
    ap = sub.add_parser("apply", help="apply affected stacks in dependency order")
    ap.add_argument("--prev", default="", help="commit before the push (CI_PREV_COMMIT_SHA)")
    ap.add_argument("--head", default="HEAD")
    args = parser.parse_args(argv)
    env = dict(os.environ if env is None else env)
    try:
        env = ensure_vault_token(env, http)
    except VaultAuthError as exc:
        print(f"ci: {exc}", file=sys.stderr)
        return exitcodes.CONFIG
    ctx = Context(repo_root(env), env)
    if args.cmd == "pr":
        return run_pr(ctx, args.base, args.head, artifacts=args.artifacts, concurrency=args.concurrency, http=http,
                      policy_from=args.policy_from)
    return run_apply(ctx, args.prev, args.head)


if __name__ == "__main__":
    sys.exit(main())
