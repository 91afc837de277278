"""Command line: ``python -m tools.import_plan --stack NAME --tfstate FILE``.

Exit status: 0 nothing replaced or orphaned (or all of it accepted), 1 blocked,
2 the inputs could not be planned (message names stack, address and argument) - among
them a state with no managed resources and another stack's state; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from .errors import PlanError
from .import_file import build_import_file, write_private_json
from .plan import Plan, PlanInputs, build_plan
from .report import to_json, to_text

EXIT_OK, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.import_plan",
        description="Plan the adoption of a Terraform stack's live objects by its Pulumi port.",
    )
    parser.add_argument("--stack", required=True, help="stack (project) name, e.g. tandoor")
    parser.add_argument("--tfstate", required=True, type=Path,
                        help="`terragrunt state pull` (v4) or `terraform show -json` output")
    parser.add_argument("--synth-dir", type=Path, default=Path("build/synth"),
                        help="offline synth output root (default: build/synth)")
    parser.add_argument("--out-dir", type=Path, default=Path("build/import-plan"),
                        help="where <stack>/import.json and reports go (default: build/import-plan)")
    parser.add_argument("--accept", action="append", default=[], metavar="ADDRESS[,ADDRESS...]",
                        help="Terraform address whose replacement or orphaning is intended")
    parser.add_argument("--map", action="append", default=[], metavar="ADDRESS=URN",
                        help="pair a Terraform address with a Pulumi urn explicitly")
    return parser


def _split_accept(values: list[str]) -> tuple[str, ...]:
    return tuple(a.strip() for v in values for a in v.split(",") if a.strip())


def _parse_map(stack: str, values: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        address, sep, urn = value.partition("=")
        if not sep or not address or not urn.startswith("urn:pulumi:"):
            raise PlanError(stack, f"--map {value!r}: expected ADDRESS=urn:pulumi:...")
        pairs[address] = urn
    return pairs


def write_outputs(plan: Plan, out_dir: Path) -> Path:
    target = out_dir / plan.stack
    write_private_json(target / "import.json", build_import_file(plan))
    (target / "report.json").write_text(json.dumps(to_json(plan), indent=2) + "\n", encoding="utf-8")
    (target / "report.txt").write_text(to_text(plan), encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        inputs = PlanInputs(
            stack=args.stack,
            tfstate=args.tfstate,
            synth_dir=args.synth_dir,
            accept=_split_accept(args.accept),
            manual=_parse_map(args.stack, args.map),
        )
        plan = build_plan(inputs)
        target = write_outputs(plan, args.out_dir)
    except PlanError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(to_text(plan))
    print(f"wrote {target}/import.json (mode 0600: holds current random values; delete after import), "
          f"{target}/report.txt, {target}/report.json")
    return EXIT_OK if plan.ok() else EXIT_BLOCKED
