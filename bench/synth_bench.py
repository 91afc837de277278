"""Wall time and throughput of the offline synth of every ported stack.

Prints numbers; asserts nothing. Run: .venv/bin/python bench/synth_bench.py [--jobs N] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_once(jobs: int, out: Path) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tools.synth", "--out", str(out), "--jobs", str(jobs)],
        cwd=REPO, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - started
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()
    return elapsed, last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, os.cpu_count() or 2])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    stacks = len(list((REPO / "stacks").glob("*/Pulumi.yaml")))
    for jobs in args.jobs:
        times = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                elapsed, last = run_once(jobs, Path(tmp))
                times.append(elapsed)
        resources = int(last.split(" resources")[0].split()[-1]) if " resources" in last else 0
        median = statistics.median(times)
        print(f"jobs={jobs} stacks={stacks} resources={resources} wall_median={median:.2f}s "
              f"min={min(times):.2f}s max={max(times):.2f}s resources_per_s={resources / median:.0f}")


if __name__ == "__main__":
    main()
