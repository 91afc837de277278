"""Run one job per stack with bounded concurrency; a stack is never run twice at once."""
from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


class Progress:
    """Thread-safe `[done/total] stack: status (seconds)` lines on stderr."""

    def __init__(self, total: int, write: Callable[[str], None] | None = None):
        self.total = total
        self.done = 0
        self._lock = threading.Lock()
        self._write = write or (lambda line: print(line, file=sys.stderr, flush=True))

    def report(self, stack: str, status: str, seconds: float) -> None:
        with self._lock:
            self.done += 1
            self._write(f"[{self.done}/{self.total}] {stack}: {status} ({seconds:.1f}s)")


def run_each(stacks: Sequence[str], job: Callable[[str], T], concurrency: int,
             describe: Callable[[T], str] = str, progress: Progress | None = None) -> dict[str, T]:
    """Run job(stack) for each distinct stack, at most `concurrency` at a time."""
    if len(set(stacks)) != len(stacks):
        raise ValueError("a stack may appear only once per run")
    progress = progress or Progress(len(stacks))
    results: dict[str, T] = {}

    def timed(stack: str) -> tuple[str, T, float]:
        start = time.monotonic()
        return stack, job(stack), time.monotonic() - start

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = [pool.submit(timed, s) for s in stacks]
        for fut in as_completed(futures):
            stack, result, seconds = fut.result()
            results[stack] = result
            progress.report(stack, describe(result), seconds)
    return {s: results[s] for s in stacks}
