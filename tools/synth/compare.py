"""Compare two synth outputs object by object, ignoring logical names and URNs.

A refactor that moves resources into a component changes URNs but must not change what
reaches the cluster. ``python -m tools.synth.compare BEFORE AFTER [--stacks a b]`` keys every
custom resource by its real-world identity (Kubernetes apiVersion/kind/namespace/name, else
type + the identifying inputs) and reports objects added, removed, or whose inputs or
protect/ignoreChanges/retainOnDelete differ. Exit 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

_OPTIONS = ("protect", "ignoreChanges", "retainOnDelete", "deleteBeforeReplace")


def identity(record: dict) -> str:
    inputs = record["inputs"]
    if record["type"].startswith("kubernetes:") and "kind" in inputs:
        meta = inputs.get("metadata") or {}
        return f"{inputs.get('apiVersion')}/{inputs['kind']}/{meta.get('namespace', '')}/{meta.get('name')}"
    for keys in (("namespace", "name"), ("zoneId", "name", "type"), ("path",), ("name",)):
        if all(k in inputs for k in keys):
            return record["type"] + ":" + "/".join(str(inputs[k]) for k in keys)
    return record["type"] + ":" + record["name"]


def objects(stack_dir: Path) -> dict[str, dict]:
    document = json.loads((stack_dir / "resources.json").read_text())
    out = {}
    for record in document["resources"]:
        if not record["custom"]:
            continue
        options = {k: record["options"].get(k) for k in _OPTIONS}
        options["ignoreChanges"] = sorted(options["ignoreChanges"] or [])
        out[identity(record)] = {"inputs": record["inputs"], "options": options}
    return out


def compare_stack(before: Path, after: Path) -> list[str]:
    old, new = objects(before), objects(after)
    problems = [f"removed {key}" for key in sorted(old.keys() - new.keys())]
    problems += [f"added {key}" for key in sorted(new.keys() - old.keys())]
    for key in sorted(old.keys() & new.keys()):
        for part in ("inputs", "options"):
            if json.dumps(old[key][part], sort_keys=True) != json.dumps(new[key][part], sort_keys=True):
                problems.append(f"changed {key} ({part})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.synth.compare", description=__doc__)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--stacks", nargs="*")
    args = parser.parse_args(argv)
    stacks = args.stacks or sorted(p.parent.name for p in args.before.glob("*/resources.json"))
    failed = 0
    for stack in stacks:
        problems = compare_stack(args.before / stack, args.after / stack)
        for problem in problems:
            print(f"{stack}: {problem}")
        failed += bool(problems)
    print(f"compare: {len(stacks)} stacks, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
