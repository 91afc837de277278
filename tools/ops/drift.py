"""Nightly drift: `pulumi preview --refresh --expect-no-changes --json` for every stack
except human-only ones, in parallel, never applying (see docs/ci.md for why not
`refresh --preview-only`).

Exit 0 = clean, 7 = differs, anything else = could not be measured. Those two failure
kinds are never mixed: an unmeasured stack gets no `pulumi_drift_resources` sample at all.

    python -m tools.ops.drift [--concurrency 8] [--report-dir build/drift] [--commit SHA]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from . import exitcodes
from .backend import PASSPHRASE_PROVIDER, has_passphrase, secrets_provider
from .events import ResourceChange, parse_digest, program_error
from .http import Http, post_json, urllib_http
from .pool import run_each
from .repo import StackError, repo_root
from .vaultauth import VaultAuthError, ensure_vault_token
from .version import CliVersionError
from .wrapper import Context, run_stack_op

SLACK_MAX = 3500
MAX_STACKS_IN_SLACK = 12
MAX_RESOURCES_PER_STACK = 6


@dataclass
class DriftResult:
    stack: str
    status: str                                  # clean | drifted | unmeasured | skipped
    resources: list[ResourceChange] = field(default_factory=list)
    reason: str = ""                             # why unmeasured / skipped
    seconds: float = 0.0


def unmeasured_reason(exit_code: int, stderr: str, errors: list[str], message: str, stdout: str = "") -> str:
    text = "\n".join([message, stderr, *errors])
    low = text.lower()
    if "currently locked" in low:
        return "stack lock held (another run)"
    if "failed to load checkpoint" in low or "nosuchbucket" in low or "s3:" in low and "statuscode: 5" in low:
        return "state backend unavailable"
    if exit_code == 124:
        return "timed out"
    if "is not initialised" in message:
        return message.split(". Nothing was run")[0]
    trace = program_error("\n".join([*errors, stderr, stdout]))
    if trace:
        return trace
    first = next((line.strip() for line in (errors or text.splitlines()) if line.strip()), f"exit {exit_code}")
    return first.splitlines()[0][:200]


def measure(ctx: Context, stack: str, timeout: float | None) -> DriftResult:
    meta = ctx.metas().get(stack)
    if meta and meta.human_only:
        return DriftResult(stack, "skipped", reason="human-only (drift is checked when a human applies it)")
    if secrets_provider(stack, ctx.metas()) == PASSPHRASE_PROVIDER and not has_passphrase(ctx.env):
        return DriftResult(stack, "skipped", reason="passphrase stack; this run holds no passphrase by design")
    start = time.monotonic()
    res = run_stack_op(ctx, "preview", stack, ["--refresh", "--expect-no-changes"], echo=False,
                       json_output=True, timeout=timeout, ensure=False)
    took = time.monotonic() - start
    stdout = res.result.stdout if res.result else ""
    summary = parse_digest(stdout)
    if res.exit_code == 0:
        return DriftResult(stack, "clean", seconds=took)
    if res.exit_code == exitcodes.PULUMI_CHANGES:
        return DriftResult(stack, "drifted", summary.changes, seconds=took)
    stderr = res.result.stderr if res.result else ""
    return DriftResult(stack, "unmeasured", reason=unmeasured_reason(res.exit_code, stderr, summary.errors,
                                                                     res.message, stdout), seconds=took)


@dataclass
class DriftReport:
    commit: str
    results: list[DriftResult]
    duration: float
    run_url: str = ""

    def by(self, status: str) -> list[DriftResult]:
        return [r for r in self.results if r.status == status]

    def headline(self) -> str:
        return (f"Pulumi drift: {len(self.by('drifted'))} differ, {len(self.by('clean'))} clean, "
                f"{len(self.by('unmeasured'))} could not be measured"
                f" (planned against {self.commit[:12] or 'unknown commit'})")

    def text(self, max_stacks: int | None = None, max_resources: int | None = None) -> str:
        lines = [self.headline()]
        drifted = self.by("drifted")
        if drifted:
            lines.append("")
            lines.append("Differs (live state != program):")
            for r in drifted[:max_stacks]:
                lines.append(f"  {r.stack}: {len(r.resources)} resource(s)")
                for c in r.resources[:max_resources]:
                    paths = ", ".join(c.paths) if c.paths else "(no property detail)"
                    lines.append(f"    {c.op} {c.urn}: {paths}")
                if max_resources is not None and len(r.resources) > max_resources:
                    lines.append(f"    ... {len(r.resources) - max_resources} more")
            if max_stacks is not None and len(drifted) > max_stacks:
                lines.append(f"  ... and {len(drifted) - max_stacks} more stacks")
        unmeasured = self.by("unmeasured")
        if unmeasured:
            lines.append("")
            lines.append("Could not be measured (state unknown, NOT drift):")
            for r in unmeasured[:max_stacks]:
                first, *frames = r.reason.splitlines() or [""]
                lines.append(f"  {r.stack}: {first}")
                lines += [f"    {f.strip()}" for f in frames]
            if max_stacks is not None and len(unmeasured) > max_stacks:
                lines.append(f"  ... and {len(unmeasured) - max_stacks} more")
        skipped = self.by("skipped")
        if skipped:
            lines.append("")
            lines.append("Skipped: " + ", ".join(f"{r.stack} ({r.reason})" for r in skipped))
        if self.run_url:
            lines += ["", f"Full output: {self.run_url}"]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"commit": self.commit, "duration_seconds": round(self.duration, 1), "run_url": self.run_url,
                "results": [{**asdict(r), "resources": [asdict(c) for c in r.resources]} for r in self.results]}


def metrics(report: DriftReport, now: float) -> str:
    """Prometheus text for the Pushgateway; unmeasured stacks get no drift-resources sample."""
    lines = ["# TYPE pulumi_drift_resources gauge", "# TYPE pulumi_drift_unmeasured gauge",
             "# TYPE pulumi_drift_run_duration_seconds gauge", "# TYPE pulumi_drift_last_run_timestamp_seconds gauge"]
    for r in report.results:
        if r.status == "skipped":
            continue
        if r.status != "unmeasured":
            lines.append(f'pulumi_drift_resources{{stack="{r.stack}"}} {len(r.resources)}')
        lines.append(f'pulumi_drift_unmeasured{{stack="{r.stack}"}} {1 if r.status == "unmeasured" else 0}')
    lines.append(f"pulumi_drift_run_duration_seconds {report.duration:.1f}")
    lines.append(f"pulumi_drift_last_run_timestamp_seconds {int(now)}")
    return "\n".join(lines) + "\n"


def slack_payload(report: DriftReport) -> dict:
    text = report.text(MAX_STACKS_IN_SLACK, MAX_RESOURCES_PER_STACK)
    if len(text) > SLACK_MAX:
        text = text[: SLACK_MAX - 20].rstrip() + "\n... (truncated)"
    return {"text": text}


def publish(report: DriftReport, env: Mapping[str, str], http: Http, log=print, now: float | None = None) -> None:
    """Slack when something is wrong (or PU_DRIFT_SLACK_ALWAYS), Pushgateway always when configured."""
    gateway = env.get("PUSHGATEWAY_URL", "").rstrip("/")
    if gateway:
        body = metrics(report, time.time() if now is None else now).encode()
        resp = http("PUT", f"{gateway}/metrics/job/pulumi-drift", body, {"Content-Type": "text/plain"})
        log(f"pushgateway: {resp.status}" if 200 <= resp.status < 300 else
            f"pushgateway push failed ({resp.status}); metrics lost for this run")
    webhook = env.get("SLACK_WEBHOOK", "")
    noteworthy = report.by("drifted") or report.by("unmeasured")
    if webhook and (noteworthy or env.get("PU_DRIFT_SLACK_ALWAYS")):
        resp = post_json(http, webhook, slack_payload(report))
        if not 200 <= resp.status < 300:
            log(f"slack post failed ({resp.status})")


def run_drift(ctx: Context, stacks: Sequence[str], *, concurrency: int, commit: str, timeout: float | None,
              run_url: str = "") -> DriftReport:
    start = time.monotonic()
    results = run_each(list(stacks), lambda s: measure(ctx, s, timeout), concurrency,
                       describe=lambda r: r.status + (f" ({len(r.resources)} resources)" if r.resources else "")
                       + (f": {r.reason}" if r.reason else ""))
    return DriftReport(commit, [results[s] for s in stacks], time.monotonic() - start, run_url)


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None, http: Http = urllib_http) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ops.drift")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--report-dir", type=Path, default=Path("build/drift"))
    parser.add_argument("--commit", default="")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per stack before it is unmeasured")
    parser.add_argument("--stacks", nargs="*", help="limit to these stacks (default: all)")
    args = parser.parse_args(argv)
    env = dict(os.environ if env is None else env)
    try:
        env = ensure_vault_token(env, http)
    except VaultAuthError as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return exitcodes.CONFIG
    ctx = Context(repo_root(env), env)
    try:
        ctx.check_cli()
        stacks = args.stacks or sorted(ctx.metas())
    except (CliVersionError, StackError) as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return exitcodes.CONFIG
    commit = args.commit or env.get("CI_COMMIT_SHA") or env.get("GITHUB_SHA", "")
    run_url = env.get("CI_PIPELINE_URL", "")
    print(f"drift: measuring {len(stacks)} stacks, concurrency {args.concurrency}, commit {commit[:12]}",
          file=sys.stderr, flush=True)
    report = run_drift(ctx, stacks, concurrency=args.concurrency, commit=commit, timeout=args.timeout,
                       run_url=run_url)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    (args.report_dir / "report.json").write_text(json.dumps(report.to_json(), indent=2))
    (args.report_dir / "report.txt").write_text(report.text() + "\n")
    print(report.text())
    publish(report, env, http, log=lambda m: print(m, file=sys.stderr))
    if report.by("drifted"):
        return exitcodes.PULUMI_CHANGES
    return exitcodes.FAILED if report.by("unmeasured") else exitcodes.OK


if __name__ == "__main__":
    sys.exit(main())
