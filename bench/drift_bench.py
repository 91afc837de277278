#!/usr/bin/env python3
"""Drift wall time at concurrency 1 vs N over synthetic stub stacks.

    .venv/bin/python bench/drift_bench.py [--stacks 155] [--seconds 1.0] [--concurrency 8]

Builds a throwaway repo with N stacks, puts the stub pulumi (each preview sleeps
--seconds) on PATH, runs the real drift runner twice and prints wall times. It also
checks from the stub's call log that no two previews of the same stack ever overlapped.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from contextlib import redirect_stderr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.ops import stub_pulumi  # noqa: E402
from tools.ops.drift import run_drift  # noqa: E402
from tools.ops.wrapper import Context  # noqa: E402

CLEAN = json.dumps({"steps": [], "changeSummary": {"same": 3}})


def make_repo(root: Path, n: int) -> list[str]:
    names = [f"stack-{i:03d}" for i in range(n)]
    for name in names:
        d = root / "stacks" / name
        d.mkdir(parents=True)
        (d / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (d / "stack.yaml").write_text("bootstrap: false\nhuman_only: false\ndepends_on: []\n")
    return names


def overlaps(calls: list[dict]) -> list[str]:
    by_stack: dict[str, list[tuple[float, float]]] = {}
    for c in calls:
        if c["key"] == "preview":
            by_stack.setdefault(c["stack"], []).append((c["t0"], c["t1"]))
    bad = []
    for stack, spans in by_stack.items():
        spans.sort()
        if any(b[0] < a[1] for a, b in zip(spans, spans[1:])):
            bad.append(stack)
    return bad


# A shell stub: same call protocol as tools/ops/stub_pulumi.py, but starting a Python
# interpreter per call would make the bench measure interpreter start-up on small machines.
SH_STUB = """#!/bin/sh
t0=$(date +%s.%N)
stack=""; prev=""
for a in "$@"; do [ "$prev" = "--cwd" ] && stack=$(basename "$a"); prev="$a"; done
case "$1" in
  version) echo "v3.229.0"; exit 0 ;;
  preview) sleep "$PU_BENCH_SECONDS"; printf '%s\\n' "$PU_BENCH_JSON" ;;
esac
printf '{"key":"%s","stack":"%s","t0":%s,"t1":%s}\\n' "$1" "$stack" "$t0" "$(date +%s.%N)" >> "$PU_STUB_LOG"
"""


def one_run(tmp: Path, names: list[str], seconds: float, concurrency: int) -> tuple[float, list[dict]]:
    bin_dir, scenario, log = tmp / "bin", tmp / f"scenario-{concurrency}.json", tmp / f"calls-{concurrency}.jsonl"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pulumi").write_text(SH_STUB)
    (bin_dir / "pulumi").chmod(0o755)
    scenario.write_text("{}")
    env = stub_pulumi.stub_env(bin_dir, scenario, log, {
        "PU_BENCH_SECONDS": str(seconds), "PU_BENCH_JSON": CLEAN,
        "PATH": "/usr/bin:/bin", "HOME": str(tmp), "PULUMI_BACKEND_URL": f"file://{tmp}/state",
        "VAULT_ADDR": "http://127.0.0.1:8200", "VAULT_TOKEN": "bench", "CI": "bench"})
    ctx = Context(tmp / "repo", env, log=lambda m: None)
    ctx.check_cli()
    start = time.monotonic()
    with redirect_stderr(io.StringIO()):
        report = run_drift(ctx, names, concurrency=concurrency, commit="bench", timeout=None)
    wall = time.monotonic() - start
    assert all(r.status == "clean" for r in report.results), "bench stacks must all be clean"
    return wall, stub_pulumi.read_log(log)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stacks", type=int, default=155)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        names = make_repo(tmp / "repo", args.stacks)
        results = {}
        for n in (1, args.concurrency):
            wall, calls = one_run(tmp, names, args.seconds, n)
            bad = overlaps(calls)
            previews = [c for c in calls if c["key"] == "preview"]
            results[n] = wall
            print(f"concurrency {n:>2}: {wall:7.1f}s wall for {len(previews)} previews "
                  f"({len(set(c['stack'] for c in previews))} distinct stacks, same-stack overlaps: {len(bad)})")
            if bad or len(previews) != args.stacks:
                print(f"FAIL: each stack must run exactly once without overlap: {bad[:5]}")
                return 1
        ratio = results[args.concurrency] / results[1]
        floor = -(-args.stacks // args.concurrency) / args.stacks
        print(f"ratio N/1 = {ratio:.3f} (goal <= {1 / 7:.3f}; floor ceil({args.stacks}/{args.concurrency})/"
              f"{args.stacks} = {floor:.3f})")
        return 0 if ratio <= 1 / 7 else 2


if __name__ == "__main__":
    sys.exit(main())
