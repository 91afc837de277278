"""How a failing stack program is reported: stack, file:line of the stack's code, message.

An exception escaping a stack program used to surface as a long traceback through the
SDK's event loop, with the component's message on the last line and the line of the stack
to fix somewhere in the middle. ``report(exc)`` condenses it to what the operator acts on:

    stack tandoor/prod: stacks/tandoor/__main__.py:23: ArgumentError: NfsVolume: argument ...
        NfsVolume("tandoor-data", NfsVolumeArgs(...))
      raised in components/nfs_volume.py:41 (__post_init__)

Both hosts use it: the offline synth (tools/synth) reports ``headline()`` per stack, and
under the Pulumi CLI ``install()`` — run when ``components`` is imported inside a program —
rewrites the one message the language host logs for an unhandled exception
("Program failed with an unhandled exception:" + traceback, pulumi-language-python-exec).
``INFRA_FULL_TRACEBACK=1`` appends the full traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FULL_TRACEBACK_ENV = "INFRA_FULL_TRACEBACK"
# The prefix pulumi-language-python-exec puts before the traceback of an unhandled exception.
HOST_PREFIX = "Program failed with an unhandled exception:"


@dataclass(frozen=True)
class Frame:
    path: str       # repo-relative when inside the repo
    line: int
    function: str
    source: str


@dataclass(frozen=True)
class ErrorReport:
    stack: str | None        # "project/stack" when a program is running
    error: str               # "ArgumentError: NfsVolume: argument 'nfs_path' ..."
    location: Frame | None   # the line of the stack's own code to look at
    raised_in: Frame | None  # where a component raised it, when that is not the location
    in_program: bool         # False: no frame of the stack's code (raised while resolving outputs)
    full: str = field(default="", repr=False)

    def headline(self) -> str:
        where = f"{self.location.path}:{self.location.line}: " if self.location else ""
        return f"{where}{self.error}"

    def text(self) -> str:
        head = f"stack {self.stack}: " if self.stack else ""
        lines = [head + self.headline()]
        if self.location and self.location.source:
            lines.append(f"    {self.location.source}")
        if self.raised_in:
            lines.append(f"  raised in {self.raised_in.path}:{self.raised_in.line} ({self.raised_in.function})")
        if not self.in_program:
            lines.append("  (raised while resolving outputs, after the stack's code had run)")
        if os.environ.get(FULL_TRACEBACK_ENV) == "1":
            lines += ["", self.full.rstrip()]
        else:
            lines.append(f"  ({FULL_TRACEBACK_ENV}=1 shows the full traceback)")
        return "\n".join(lines)


def _display_path(filename: str) -> str:
    path = Path(filename).resolve()
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _program_dir(frames: list[traceback.FrameSummary]) -> Path | None:
    """Directory of the running stack program: a __main__.py next to a Pulumi.yaml."""
    for frame in frames:
        path = Path(frame.filename)
        if path.name == "__main__.py" and (path.parent / "Pulumi.yaml").is_file():
            return path.parent.resolve()
    return None


def _frame(summary: traceback.FrameSummary) -> Frame:
    return Frame(_display_path(summary.filename), summary.lineno or 0, summary.name, (summary.line or "").strip())


def _current_stack() -> str | None:
    try:
        import pulumi

        return f"{pulumi.get_project()}/{pulumi.get_stack()}"
    except Exception:  # noqa: BLE001 - no program running: report without a stack
        return None


def report(exc: BaseException) -> ErrorReport:
    # Generated code (dataclass __init__, exec) has pseudo file names like "<string>".
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    program_dir = _program_dir(frames)
    in_stack = [f for f in frames if program_dir and Path(f.filename).resolve().is_relative_to(program_dir)]
    in_repo = [f for f in frames if Path(f.filename).resolve().is_relative_to(REPO_ROOT)
               and "site-packages" not in f.filename]
    location = in_stack[-1] if in_stack else (in_repo[-1] if in_repo else (frames[-1] if frames else None))
    raised = in_repo[-1] if in_repo and in_repo[-1] is not location else None
    message = str(exc).strip() or "(no message)"
    return ErrorReport(
        stack=_current_stack(),
        error=f"{type(exc).__name__}: {message}",
        location=_frame(location) if location else None,
        raised_in=_frame(raised) if raised else None,
        in_program=bool(in_stack),
        full="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    )


def install() -> None:
    """Make the language host's unhandled-exception message lead with ``report(exc).text()``.

    pulumi-language-python-exec catches the exception and calls ``pulumi.log.error(HOST_PREFIX
    + traceback)`` from its ``except`` block, so the exception is still ``sys.exc_info()``
    there. Any other log message passes through unchanged. Idempotent.
    """
    import pulumi.log as log

    if getattr(log.error, "_infra_program_errors", False):
        return
    original = log.error

    def error(msg: str, *args, **kwargs):
        exc = sys.exc_info()[1]
        if isinstance(msg, str) and msg.startswith(HOST_PREFIX) and exc is not None:
            msg = report(exc).text()
        return original(msg, *args, **kwargs)

    error._infra_program_errors = True  # type: ignore[attr-defined]
    log.error = error
