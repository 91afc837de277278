"""CPU cost of `make synth` (synth + schema + policy pack) against the engine floor.

    .venv/bin/python bench/synth_bench.py [--stack tandoor] [--jobs N]

Works on a throwaway copy of the checkout (its own git repository and build/), so the
worktree and its build/synth are never touched. Every figure is the CPU time (user + system)
of a command and all the processes it waited for (pool workers, the policy pack), read from
wait4(2), plus the peak resident set of the largest of those processes. In order:

  floor        bench/floor.py: one process registering as many plain resources as the
               fleet has, under the synth's mocks (also the same without the non-Kubernetes SDKs)
  full         `python -m tools.synth` into an empty build/ + `python -m tools.policy_check`
  no-op        both again with nothing changed (start-up, hashing, cache look-ups)
  one stack    both again after appending a comment to stacks/<stack>/__main__.py
  component    both again after appending a comment to components/anubis.py

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"


@dataclass
class Cost:
    cpu: float
    rss_mb: float
    stdout: str

    def __add__(self, other: "Cost") -> "Cost":
        return Cost(self.cpu + other.cpu, max(self.rss_mb, other.rss_mb), self.stdout + other.stdout)


def measure(args: list[str], cwd: Path) -> Cost:
    """CPU seconds of ``args`` and every descendant it waited for; its largest peak RSS."""
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read().decode(errors="replace")  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: the policy pack found mandatory violations
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{out}")
    return Cost(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def copy_checkout(dest: Path) -> None:
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    (dest / ".venv").symlink_to(REPO / ".venv")
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=bench@localhost",
                                                  "commit", "-q", "-m", "bench copy"]):
        subprocess.run(["git", "-C", str(dest), *cmd], check=True, capture_output=True)


def make_synth(root: Path, jobs: int) -> tuple[Cost, Cost]:
    synth = measure([str(PYTHON), "-m", "tools.synth", "--jobs", str(jobs)], root)
    policy = measure([str(PYTHON), "-m", "tools.policy_check", "-q"], root)
    return synth, policy


def synthesized(cost: Cost) -> str:
    match = re.search(r"(\d+) stack\(s\) unchanged.*?(\d+) to synthesize", cost.stdout)
    return f"{match.group(2)} synthesized, {match.group(1)} cached" if match else "all synthesized"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", default="tandoor", help="the stack whose file the incremental run changes")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        copy_checkout(root)
        synth, policy = make_synth(root, args.jobs)
        match = re.search(r"synth: (\d+) stacks, (\d+) resources", synth.stdout)
        if not match:
            raise SystemExit(f"unexpected synth output:\n{synth.stdout[-2000:]}")
        stacks, resources = int(match.group(1)), int(match.group(2))
        floor = measure([str(PYTHON), "bench/floor.py", "--resources", str(resources)], root)
        floor_k8s = measure([str(PYTHON), "bench/floor.py", "--resources", str(resources), "--kubernetes-only"], root)
        imports = measure([str(PYTHON), "bench/floor.py", "--resources", "0"], root)
        full = synth + policy
        print(f"fleet: {stacks} stacks, {resources} resources, jobs={args.jobs}")
        print(f"floor            {floor.cpu:6.2f} CPU s  (start-up + SDK imports alone {imports.cpu:.2f} s; "
              f"pulumi_kubernetes only: {floor_k8s.cpu:.2f} s)")
        print(f"full make synth  {full.cpu:6.2f} CPU s  (synth + schema {synth.cpu:.2f} s, policy check {policy.cpu:.2f} s)"
              f"  peak RSS {full.rss_mb:.0f} MB")
        print(f"ratio            {full.cpu / floor.cpu:6.2f}x the floor  "
              f"({full.cpu / floor_k8s.cpu:.2f}x the pulumi_kubernetes-only floor)")

        noop = make_synth(root, args.jobs)
        noop_total = noop[0] + noop[1]
        print(f"no-op make synth {noop_total.cpu:6.2f} CPU s  (synth {noop[0].cpu:.2f} s, policy check {noop[1].cpu:.2f} s; "
              f"{synthesized(noop[0])})")
        for label, rel in ((f"one stack ({args.stack})", f"stacks/{args.stack}/__main__.py"),
                           ("component (anubis)", "components/anubis.py")):
            with (root / rel).open("a") as handle:
                handle.write("# bench: a change that alters no object\n")
            inc = make_synth(root, args.jobs)
            total = inc[0] + inc[1]
            print(f"{label:<17}{total.cpu:6.2f} CPU s  (synth {inc[0].cpu:.2f} s, policy check {inc[1].cpu:.2f} s; "
                  f"{synthesized(inc[0])}); beyond the no-op: {total.cpu - noop_total.cpu:.2f} s, "
                  f"(a bare process importing the SDKs: {imports.cpu:.2f} s)  peak RSS {total.rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
