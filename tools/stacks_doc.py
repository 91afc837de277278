"""Render docs/stacks.md from every stack's stack.yaml (run after porting a stack).

`python -m tools.stacks_doc` rewrites the file; `--check` exits 1 when it is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def render(stacks_dir: Path = REPO / "stacks") -> str:
    rows = []
    for meta_path in sorted(stacks_dir.glob("*/stack.yaml")):
        meta = yaml.safe_load(meta_path.read_text()) or {}
        name = meta_path.parent.name
        project = yaml.safe_load((meta_path.parent / "Pulumi.yaml").read_text()) or {}
        deps = ", ".join(meta.get("depends_on") or []) or "—"
        rows.append(f"| {name} | {'0 (bootstrap)' if meta.get('bootstrap') else '1'} | {deps} | "
                    f"{'yes' if meta.get('human_only') else 'no'} | {project.get('description', '')} |")
    header = [
        "# Ported stacks",
        "",
        "Generated from each `stacks/<name>/stack.yaml` by `python -m tools.stacks_doc`; do not edit by hand.",
        "State tier 0 = upstream's Tier-0 stacks (`bootstrap: true`), whose state upstream kept apart",
        "from the cluster's database. Here every stack's state is in the one shared backend; the",
        "stacks Vault depends on encrypt their secrets with a passphrase instead of Vault transit",
        "(docs/state.md). Human-only stacks are never applied by CI.",
        "",
        f"{len(rows)} stacks.",
        "",
        "| stack | state tier | depends on | human-only | what |",
        "|---|---|---|---|---|",
    ]
    return "\n".join(header + rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    target = REPO / "docs" / "stacks.md"
    text = render()
    if args.check:
        if not target.is_file() or target.read_text() != text:
            print("docs/stacks.md is stale: run `python -m tools.stacks_doc`", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
