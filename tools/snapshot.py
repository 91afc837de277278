"""Committed snapshot of every stack's synthesized objects (tests/snapshots/<stack>/*.yaml).

    python -m tools.snapshot update [--synth build/synth] [--stacks a b]   # `make snapshots`
    python -m tools.snapshot check  [--synth build/synth] [--stacks a b]

The snapshot is what the cluster would receive: one YAML file per registered resource
(components included, so renames and re-parenting show), holding its URN, parent, the
resource options that change what `pulumi up` does to a live object, and its inputs. It is
read from the offline synth output (`python -m tools.synth`, build/synth/<stack>/resources.json)
and never synthesizes anything itself. The test suite compares it on every run
(tests/test_snapshots.py); an intended change is regenerated with `make snapshots` and the
diff is reviewed with the code.

Masked, so the committed files hold no secret material: values Pulumi marks secret (the
synth writes them as "[secret]") and every value of a Kubernetes Secret's `data` and
`stringData`. Values known only after an apply (other resources' ids, generated values)
are "[unknown]" under the preview-mode synth, which keeps the files stable from run to run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = REPO_ROOT / "tests" / "snapshots"
SYNTH_DIR = REPO_ROOT / "build" / "synth"
MASK = "[masked]"
MARKERS = ("[secret]", "[unknown]")

# The options that change what the engine does to a live object, each for a reason:
#   protect, retainOnDelete  - the guards against deleting data (volumes, databases, namespaces)
#   deleteBeforeReplace      - replacement order for objects whose name must be free first
#   ignoreChanges            - fields owned by cluster controllers (Keel tags, Kyverno dnsConfig,
#                              Sablier replicas); dropping one makes every `up` fight them
#   dependsOn                - apply order the data flow does not imply (CRDs, namespaces, hooks)
#   import                   - the live id a resource adopts; a wrong one creates a duplicate
#   aliases                  - the old URNs that keep a renamed resource from being replaced
# The parent and URN are recorded too: a new name or parent type is a new URN, i.e. a replace.
OPTIONS = ("protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges", "dependsOn", "import", "aliases")


class SnapshotError(Exception):
    """The synth output cannot be snapshotted (missing stack, synth errors)."""


def _is_k8s_secret(record: dict) -> bool:
    inputs = record.get("inputs") or {}
    return record["type"].startswith("kubernetes:") and inputs.get("kind") == "Secret"


def _mask_values(block: Any) -> Any:
    if isinstance(block, dict):
        return {key: value if value in MARKERS else MASK for key, value in block.items()}
    return block if block in MARKERS else MASK


def _sorted(value: Any) -> Any:
    # The wire hands map keys over in no promised order: sort them so the files are stable.
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def masked_inputs(record: dict) -> dict:
    inputs = _sorted(record.get("inputs") or {})
    if _is_k8s_secret(record):
        for key in ("data", "stringData"):
            if key in inputs:
                inputs[key] = _mask_values(inputs[key])
    return inputs


def render_record(record: dict) -> dict:
    """The snapshot entry of one resource (plain data, key order as written)."""
    options = record.get("options") or {}
    entry: dict[str, Any] = {
        "urn": record["urn"],
        "type": record["type"],
        "parent": record.get("parent"),
        "custom": bool(record.get("custom")),
        "options": {key: options.get(key) for key in OPTIONS},
    }
    entry["options"]["ignoreChanges"] = sorted(entry["options"]["ignoreChanges"] or [])
    entry["options"]["dependsOn"] = sorted(entry["options"]["dependsOn"] or [])
    # An alias is an old URN or a spec (name/type/parent fields): one order for both.
    entry["options"]["aliases"] = sorted(entry["options"]["aliases"] or [], key=lambda a: json.dumps(a, sort_keys=True))
    if record.get("custom") or record.get("inputs"):
        entry["inputs"] = masked_inputs(record)
    return entry


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "-", text).strip("-") or "_"


def file_names(records: list[dict]) -> dict[str, dict]:
    """Stable file name -> record. `<Kind>_<logical name>.yaml`; the full type token when
    two resources of a stack would share that name (the URN stays unique either way)."""
    short = [f"{r['type'].rsplit(':', 1)[-1]}_{r['name']}" for r in records]
    counts: dict[str, int] = {}
    for s in short:
        counts[s] = counts.get(s, 0) + 1
    out: dict[str, dict] = {}
    for stem, record in zip(short, records):
        if counts[stem] > 1:
            chain = record["urn"].split("::")[2]
            stem = f"{chain}_{record['name']}"
        name = _safe(stem) + ".yaml"
        if name in out:  # same type chain and name under different parents
            index = 2
            while f"{_safe(stem)}.{index}.yaml" in out:
                index += 1
            name = f"{_safe(stem)}.{index}.yaml"
        out[name] = record
    return out


class _Dumper(yaml.SafeDumper):
    """Block-literal multi-line strings (scripts, configs) so a diff shows the changed line."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump(entry: dict) -> str:
    return yaml.dump(entry, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=120)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_synth(synth_dir: Path, stack: str) -> list[dict]:
    summary_path = synth_dir / "summary.json"
    if summary_path.is_file():
        errors = json.loads(summary_path.read_text()).get("per_stack", {}).get(stack, {}).get("errors") or []
        if errors:
            raise SnapshotError(f"{stack}: synth failed, no snapshot can be compared: {errors[:3]}")
    path = synth_dir / stack / "resources.json"
    if not path.is_file():
        raise SnapshotError(f"{stack}: {path} is missing (run `python -m tools.synth` first)")
    return json.loads(path.read_text())["resources"]


def render_stack(records: list[dict]) -> dict[str, dict]:
    return {name: render_record(record) for name, record in file_names(records).items()}


EMPTY_MARKER = "EMPTY"


def write_stack(stack: str, rendered: dict[str, dict], snapshots: Path) -> None:
    target = snapshots / stack
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name, entry in rendered.items():
        (target / name).write_text(dump(entry))
    if not rendered:
        # git keeps no empty directory: without a file, a clone would have no snapshot of a
        # stack that declares nothing (a retired tombstone like vpa) and fail the comparison.
        (target / EMPTY_MARKER).write_text("this stack declares no resources\n")


# ---- comparison -------------------------------------------------------------------------

def _label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        return f"[name={item['name']}]"
    return f"[{index}]"


def _short(value: Any, limit: int = 100) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def field_diff(old: Any, new: Any, path: str = "") -> list[str]:
    """`path: old -> new` for every leaf that differs; lists of named items match by name."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(f"{sub}: removed (was {_short(old[key])})")
            elif key not in old:
                out.append(f"{sub}: added {_short(new[key])}")
            else:
                out += field_diff(old[key], new[key], sub)
        return out
    if isinstance(old, list) and isinstance(new, list):
        old_labels = [_label(item, i) for i, item in enumerate(old)]
        new_labels = [_label(item, i) for i, item in enumerate(new)]
        named = all(label.startswith("[name=") for label in old_labels + new_labels)
        if named and len(set(old_labels)) == len(old_labels) and len(set(new_labels)) == len(new_labels):
            if [lab for lab in old_labels if lab in new_labels] != [lab for lab in new_labels if lab in old_labels]:
                return [f"{path}: order changed {old_labels} -> {new_labels}"]
            old_by, new_by = dict(zip(old_labels, old)), dict(zip(new_labels, new))
            out = []
            for label in old_labels + [lab for lab in new_labels if lab not in old_by]:
                if label not in new_by:
                    out.append(f"{path}{label}: removed (was {_short(old_by[label])})")
                elif label not in old_by:
                    out.append(f"{path}{label}: added {_short(new_by[label])}")
                else:
                    out += field_diff(old_by[label], new_by[label], f"{path}{label}")
            return out
        if len(old) == len(new):
            out = []
            for i, (a, b) in enumerate(zip(old, new)):
                out += field_diff(a, b, f"{path}[{i}]")
            return out
        scalars = all(isinstance(v, str) for v in old + new)
        if scalars and len(set(old)) == len(old) and len(set(new)) == len(new) and (
                len(_short(old, 10**6)) > 100 or len(_short(new, 10**6)) > 100):
            # Lists too long to print whole (dependsOn URNs): which entries went and came.
            gone, came = [v for v in old if v not in new], [v for v in new if v not in old]
            return ([f"{path}: removed {_short(v, 300)}" for v in gone]
                    + [f"{path}: added {_short(v, 300)}" for v in came])
        return [f"{path}: {_short(old)} -> {_short(new)}"]
    if isinstance(old, str) and isinstance(new, str) and len(old) + len(new) > 200:
        return [f"{path}: {_around(old, new)}"]
    if old != new or type(old) is not type(new):
        return [f"{path}: {_short(old)} -> {_short(new)}"]
    return []


def _around(old: str, new: str, width: int = 60) -> str:
    """Two long strings (scripts, middleware chains): the stretch where they first differ."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    lo = max(0, start - width)

    def piece(text: str) -> str:
        hi = min(len(text), len(text) - end + width)
        return ("..." if lo else "") + json.dumps(text[lo:hi], ensure_ascii=False)[1:-1] + ("..." if hi < len(text) else "")

    return f'"{piece(old)}" -> "{piece(new)}"'


@dataclass
class Difference:
    stack: str
    file: str
    what: str  # "<type> <name>" of the object
    changes: list[str]

    def lines(self) -> list[str]:
        head = f"{self.stack}: {self.file} ({self.what})"
        return [head] + [f"    {change}" for change in self.changes]


def _describe(entry: dict | None, fallback: str) -> str:
    if not entry:
        return fallback
    return f"{entry.get('type')} {str(entry.get('urn', '')).rsplit('::', 1)[-1]}"


def compare_stack(stack: str, rendered: dict[str, dict], snapshots: Path) -> list[Difference]:
    target = snapshots / stack
    committed = {p.name: p for p in sorted(target.glob("*.yaml"))} if target.is_dir() else {}
    diffs: list[Difference] = []
    for name in sorted(committed.keys() - rendered.keys()):
        entry = yaml.load(committed[name].read_text(), Loader=_Loader)
        diffs.append(Difference(stack, name, _describe(entry, name), ["removed from the stack"]))
    for name in sorted(rendered.keys() - committed.keys()):
        diffs.append(Difference(stack, name, _describe(rendered[name], name), ["added (not in the snapshot)"]))
    for name in sorted(rendered.keys() & committed.keys()):
        old = yaml.load(committed[name].read_text(), Loader=_Loader)
        new = rendered[name]
        if old != new:
            diffs.append(Difference(stack, name, _describe(new, name), field_diff(old, new) or ["changed"]))
    return diffs


def stale_stacks(stacks: list[str], snapshots: Path) -> list[str]:
    """Snapshot directories of stacks that no longer exist."""
    if not snapshots.is_dir():
        return []
    return sorted(p.name for p in snapshots.iterdir() if p.is_dir() and p.name not in stacks)


def discover(stacks_dir: Path = REPO_ROOT / "stacks") -> list[str]:
    return sorted(p.parent.name for p in stacks_dir.glob("*/Pulumi.yaml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.snapshot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("update", "check"))
    parser.add_argument("--synth", type=Path, default=SYNTH_DIR, help="synth output (default build/synth)")
    parser.add_argument("--snapshots", type=Path, default=SNAPSHOT_DIR)
    parser.add_argument("--stacks", nargs="*", default=None, help="stack names (default: all)")
    args = parser.parse_args(argv)
    available = discover()
    wanted = [s for chunk in (args.stacks or []) for s in chunk.split()] or available
    unknown = [s for s in wanted if s not in available]
    if unknown:
        print(f"snapshot: unknown stack(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        rendered = {stack: render_stack(load_synth(args.synth, stack)) for stack in wanted}
    except SnapshotError as exc:
        print(f"snapshot: {exc}", file=sys.stderr)
        return 1
    if args.action == "update":
        for stack, entries in rendered.items():
            write_stack(stack, entries, args.snapshots)
        if not args.stacks:
            for stack in stale_stacks(available, args.snapshots):
                shutil.rmtree(args.snapshots / stack)
                print(f"snapshot: removed {stack} (no such stack)")
        print(f"snapshot: wrote {sum(len(e) for e in rendered.values())} objects of {len(rendered)} stacks "
              f"to {args.snapshots}")
        return 0
    diffs = [d for stack, entries in rendered.items() for d in compare_stack(stack, entries, args.snapshots)]
    for d in diffs:
        print("\n".join(d.lines()))
    stale = stale_stacks(available, args.snapshots) if not args.stacks else []
    for stack in stale:
        print(f"{stack}: snapshot of a stack that does not exist")
    print(f"snapshot: {len(rendered)} stacks, {len(diffs)} objects differ"
          + ("; run `make snapshots` if intended" if diffs or stale else ""))
    return 1 if diffs or stale else 0


if __name__ == "__main__":
    sys.exit(main())
