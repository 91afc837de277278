"""Render the by-stack index of docs/security.md from its entries (run after adding one).

The register lists entries in id order, the order they were found; an operator reviewing one
stack wants that stack's entries together. `python -m tools.security_index` rewrites the
index between its two markers; `--check` exits 1 when it is stale (a test runs the check).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REGISTER = REPO / "docs" / "security.md"
START, END = "<!-- index:start -->", "<!-- index:end -->"
_HEADING = re.compile(r"^## (SEC-\d{3}) — (\S+) — ([^/\s]+)/(\S+)$", re.M)
# The first words of a Status line, as the register's legend defines them.
_STATUS = (("fixed", "fixed"), ("exception until", "exception"), ("operator decision needed", "decision"),
           ("open", "open"))


def _status(block: str) -> str:
    match = re.search(r"^- \*\*Status:\*\* (.+)$", block, re.M)
    text = match.group(1) if match else ""
    return next((short for prefix, short in _STATUS if text.startswith(prefix)), "?")


def _severity(block: str) -> str:
    match = re.search(r"^- \*\*Severity:\*\* (\w+)", block, re.M)
    return match.group(1) if match else "?"


def anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation but `-`/`_` dropped,
    each space a hyphen."""
    kept = re.sub(r"[^a-z0-9 _-]", "", heading.lower())
    return kept.replace(" ", "-")


def render_index(text: str) -> str:
    """The index block (markers included) for the register ``text``."""
    headings = list(_HEADING.finditer(text))
    by_stack: dict[str, list[str]] = defaultdict(list)
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        block = text[heading.end():end]
        sec_id, stack = heading.group(1), heading.group(3)
        title = heading.group(0)[3:]
        by_stack[stack].append(f"[{sec_id}](#{anchor(title)}) {_severity(block)}, {_status(block)}")
    lines = [START, "", "| stack | entries (severity, status) |", "|---|---|"]
    lines += [f"| {stack} | {'; '.join(entries)} |" for stack, entries in sorted(by_stack.items())]
    lines += ["", END]
    return "\n".join(lines)


def refresh(text: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"{REGISTER}: the index markers {START} / {END} are missing")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + render_index(text) + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.security_index", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the index is stale")
    args = parser.parse_args(argv)
    text = REGISTER.read_text()
    new = refresh(text)
    if args.check:
        if new != text:
            print(f"{REGISTER}: the by-stack index is stale; run `python -m tools.security_index`")
            return 1
        return 0
    REGISTER.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
