"""Read `pulumi preview --json` digests and `--event-log` engine event streams.

`preview --json` prints one PreviewDigest document (config, steps, diagnostics, duration,
changeSummary) but drops policy events; the engine event log (JSON lines, one EngineEvent
each: resourcePreEvent, policyEvent, diagnosticEvent, summaryEvent, ...) carries them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
UNCHANGED_OPS = {"same", "read", "refresh", "discard"}
REPLACE_OPS = {"replace", "create-replacement", "delete-replaced"}
COUNTED_OPS = ("create", "update", "replace", "delete")


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    op: str
    paths: tuple[str, ...]
    protected: bool = False

    @property
    def type(self) -> str:
        parts = self.urn.split("::")
        return parts[2].split("$")[-1] if len(parts) >= 4 else ""

    @property
    def name(self) -> str:
        return self.urn.split("::")[-1]


@dataclass(frozen=True)
class PolicyViolation:
    policy: str
    pack: str
    level: str      # mandatory | advisory | warning | remediate | disabled
    urn: str
    message: str


@dataclass
class PreviewSummary:
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[ResourceChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[PolicyViolation] = field(default_factory=list)
    parsed: bool = False

    def count(self, op: str) -> int:
        return self.counts.get(op, 0)

    @property
    def protected_replacements(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.protected and (c.op in REPLACE_OPS or c.op == "delete")]

    @property
    def mandatory_violations(self) -> list[PolicyViolation]:
        return [v for v in self.violations if v.level == "mandatory"]


def _first_json_object(text: str) -> Any:
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in output")
    obj, _ = json.JSONDecoder().raw_decode(text[start:])
    return obj


def _paths(detailed: Any, reasons: Any) -> tuple[str, ...]:
    if isinstance(detailed, dict) and detailed:
        return tuple(sorted(detailed))
    if isinstance(reasons, list):
        return tuple(sorted(str(r) for r in reasons))
    return ()


def _is_protected(*states: Any) -> bool:
    return any(isinstance(s, dict) and bool(s.get("protect")) for s in states)


def _merge_change(summary: PreviewSummary, change: ResourceChange) -> None:
    for i, existing in enumerate(summary.changes):
        if existing.urn == change.urn:
            if existing.op not in REPLACE_OPS or change.op == "replace":
                summary.changes[i] = ResourceChange(change.urn, change.op, change.paths or existing.paths,
                                                    change.protected or existing.protected)
            return
    summary.changes.append(change)


def parse_digest(text: str, summary: PreviewSummary | None = None) -> PreviewSummary:
    """Fold a `preview --json` document into `summary`; unparsable output leaves parsed False."""
    summary = summary or PreviewSummary()
    try:
        doc = _first_json_object(text)
    except ValueError:
        return summary
    if not isinstance(doc, dict):
        return summary
    summary.parsed = True
    for op, n in (doc.get("changeSummary") or {}).items():
        summary.counts[op] = int(n)
    for step in doc.get("steps") or []:
        op = step.get("op", "")
        urn = step.get("urn", "")
        if op in UNCHANGED_OPS or not urn or urn.split("::")[2:3] == [ROOT_STACK_TYPE] and op == "same":
            continue
        _merge_change(summary, ResourceChange(
            urn, op, _paths(step.get("detailedDiff"), step.get("diffReasons") or step.get("replaceReasons")),
            _is_protected(step.get("oldState"), step.get("newState"))))
    for diag in doc.get("diagnostics") or []:
        if diag.get("severity") == "error":
            summary.errors.append(diag.get("message", "").strip())
    return summary


def iter_events(lines: Iterable[str]) -> Iterable[dict[str, Any]]:
    """Engine events from a JSON-lines log; a truncated last line (killed run) is skipped."""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict):
            yield event


def parse_event_log(lines: Iterable[str], summary: PreviewSummary | None = None) -> PreviewSummary:
    """Fold engine events (policy results, steps, errors, final counts) into `summary`."""
    summary = summary or PreviewSummary()
    seen_errors = set(summary.errors)
    for event in iter_events(lines):
        if "policyEvent" in event:
            p = event["policyEvent"]
            violation = PolicyViolation(p.get("policyName", ""), p.get("policyPackName", ""),
                                        p.get("enforcementLevel", ""), p.get("resourceUrn", ""),
                                        p.get("message", "").strip())
            if violation not in summary.violations:
                summary.violations.append(violation)
        elif "resourcePreEvent" in event:
            meta = event["resourcePreEvent"].get("metadata", {})
            op = meta.get("op", "")
            if op in UNCHANGED_OPS or not meta.get("urn"):
                continue
            _merge_change(summary, ResourceChange(
                meta["urn"], op, _paths(meta.get("detailedDiff"), meta.get("diffs") or meta.get("keys")),
                _is_protected(meta.get("old"), meta.get("new"))))
        elif "diagnosticEvent" in event:
            d = event["diagnosticEvent"]
            msg = (d.get("prefix", "") + d.get("message", "")).strip()
            if d.get("severity") == "error" and not d.get("ephemeral") and msg and msg not in seen_errors:
                summary.errors.append(msg)
                seen_errors.add(msg)
        elif "summaryEvent" in event:
            summary.parsed = True
            for op, n in (event["summaryEvent"].get("resourceChanges") or {}).items():
                summary.counts[op] = int(n)
        elif "errorEvent" in event:
            msg = event["errorEvent"].get("error", "").strip()
            if msg and msg not in seen_errors:
                summary.errors.append(msg)
                seen_errors.add(msg)
    return summary


def read_preview(stdout: str, event_log: Path | None) -> PreviewSummary:
    summary = parse_digest(stdout)
    if event_log is not None and event_log.is_file():
        with event_log.open(encoding="utf-8", errors="replace") as fh:
            parse_event_log(fh, summary)
    return summary


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>\S+))?')
_EXC_LINE = re.compile(r"^\s*(?:[A-Za-z_][\w.]*)(?:Error|Exception|Exit|Interrupt|Warning)\b.*|^\s*\w+Error:.*")
MAX_FRAMES = 3


def program_error(text: str, frames: int = MAX_FRAMES) -> str:
    """A failed program's last traceback frames and its exception line, from CLI output.

    The CLI's first error line is "Program failed with an unhandled exception:", which says
    nothing; what a reader needs is where (the innermost frames, with the source line when
    shown) and what (the final `SomeError: message`). Works on a preview digest's
    diagnostics as well as on raw stdout/stderr. "" when there is no Python traceback.
    """
    texts = [text]
    try:
        doc = json.loads(text[text.index("{"):]) if "{" in text else None
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        texts = [d.get("message", "") for d in doc.get("diagnostics") or [] if isinstance(d, dict)] + [text]
    for chunk in texts:
        lines = [ln.rstrip() for ln in chunk.replace("\\n", "\n").splitlines()]
        if not any("Traceback (most recent call last):" in ln for ln in lines):
            continue
        start = max(i for i, ln in enumerate(lines) if "Traceback (most recent call last):" in ln)
        indent = len(lines[start]) - len(lines[start].lstrip())
        body = [ln[indent:] if ln[:indent].strip() == "" else ln for ln in lines[start + 1:]]
        found: list[list[str]] = []
        message = ""
        for ln in body:
            if _FRAME.match(ln):
                m = _FRAME.match(ln)
                found.append([f"{m.group('file')}:{m.group('line')}" + (f" in {m.group('func')}" if m.group("func") else "")])
            elif found and ln.startswith("    ") and len(found[-1]) == 1 and not _EXC_LINE.match(ln.strip()):
                found[-1].append(ln.strip())
            elif ln.strip() and not ln.startswith(" ") and not ln.lstrip().startswith("error:"):
                message = ln.strip()
                break
        shown = ["  " + " | ".join(f) for f in found[-frames:]]
        return "\n".join([message or "unhandled exception", *shown])
    return ""
