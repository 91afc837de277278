"""Where the CPU of the offline synth goes, by phase.

    .venv/bin/python bench/synth_profile.py [--stacks a b] [--top 15]

Runs the synth's own warm-up and then every stack in one process under cProfile (the same
code a worker runs, without the pool), and attributes each function's own time to a phase
by the file it lives in:

  program     stacks/*, components/*            (the stack programs and components)
  engine      pulumi SDK, provider SDKs, asyncio, grpc/protobuf, tools/synth/mockrt.py
  schema      jsonschema, referencing, tools/synth/schema.py
  writing     yaml, json, file I/O, tools/synth/__main__.py
  imports     the import system (module loading)
  other       everything else

Prints numbers; asserts nothing. Profiling roughly doubles the run time; read the shares. Only the main thread is profiled:
the mock monitor's RegisterResource runs on the SDK's executor threads (engine, unattributed).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PHASES = (
    ("program", (f"{REPO}/stacks/", f"{REPO}/components/")),
    ("schema", ("/jsonschema/", "/referencing/", "/rpds", "tools/synth/schema.py", "/jsonschema_specifications/")),
    ("writing", ("/yaml/", "/json/", "tools/synth/__main__.py", "{method 'write'", "posix.", "io.open",
                 "_io.", "shutil.py", "pathlib.py")),
    ("imports", ("<frozen importlib", "{built-in method builtins.exec}", "marshal", "{built-in method _imp.")),
    ("engine", ("/pulumi/", "/pulumi_", "/asyncio/", "/grpc/", "/google/protobuf/", "tools/synth/mockrt.py",
                "/concurrent/", "threading.py", "/typing.py", "select.epoll", "_thread.", "contextvars", "/abc.py",
                "dataclasses.py", "/inspect.py", "/copy.py", "/enum.py", "/functools.py", "/weakref")),
)


def phase_of(filename: str, funcname: str) -> str:
    key = f"{filename}:{funcname}" if filename != "~" else funcname
    for phase, markers in PHASES:
        if any(m in key for m in markers):
            return phase
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stacks", nargs="*")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--fork-per-stack", action="store_true",
                        help="run every stack in its own fork of the warmed process (how the synth worked "
                             "before its workers ran several stacks in turn)")
    args = parser.parse_args()

    from components.payload import OFFLINE_SYNTH_ENV
    from tools.synth import __main__ as synth

    os.environ[OFFLINE_SYNTH_ENV] = "1"
    stacks_dir = REPO / "stacks"
    names = args.stacks or synth.discover(stacks_dir)
    # Per-thread CPU, not wall time: the machine may be shared, and waits are not work.
    profiler = cProfile.Profile(time.thread_time)
    started = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        profiler.enable()
        synth._warm_up()
        profiler.disable()
        warm = time.process_time() - started
        gc.collect()
        gc.freeze()
        dumps = []
        children = 0.0
        if args.fork_per_stack:
            for name in names:
                dump = Path(tmp) / f"{name}.prof"
                pid = os.fork()
                if pid == 0:
                    profiler = cProfile.Profile(time.thread_time)
                    profiler.enable()
                    synth._worker((name, str(stacks_dir), tmp, True))
                    profiler.disable()
                    profiler.dump_stats(str(dump))
                    os._exit(0)
                _, _, usage = os.wait4(pid, 0)
                children += usage.ru_utime + usage.ru_stime
                dumps.append(str(dump))
        else:
            if hasattr(synth, "_worker_init"):
                synth._worker_init()
            profiler.enable()
            for name in names:
                synth._worker((name, str(stacks_dir), tmp, True))
            profiler.disable()
        total = time.process_time() - started + children
        stats = pstats.Stats(profiler)
        for dump in dumps:
            stats.add(dump)
    by_phase: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, _line, funcname), (_cc, _nc, tottime, _ct, callers) in stats.stats.items():
        phase = phase_of(filename, funcname)
        if filename == "~" and phase == "other" and callers:
            # A builtin (isinstance, getattr, ...) counts for the phase of whoever called it.
            for (cfile, _cline, cfunc), edge in callers.items():
                by_phase[phase_of(cfile, cfunc)] += edge[2]
        else:
            by_phase[phase] += tottime
        rows.append((tottime, phase, f"{filename}:{funcname}"))
    own = sum(by_phase.values()) or 1.0
    print(f"profiled {len(names)} stacks: {total:.2f} CPU s under cProfile (warm-up {warm:.2f} s), "
          f"{own:.2f} s attributed on the main threads")
    for phase, seconds in sorted(by_phase.items(), key=lambda kv: -kv[1]):
        print(f"  {phase:<8} {seconds:6.2f} s  {100 * seconds / own:5.1f}%")
    print(f"top {args.top} functions by own time:")
    for tottime, phase, where in sorted(rows, reverse=True)[: args.top]:
        print(f"  {tottime:6.3f} s  {phase:<8} {where.replace(str(REPO) + '/', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
