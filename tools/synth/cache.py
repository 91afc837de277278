"""Incremental `make synth`: re-synthesize only the stacks a change can affect.

The cache remembers, for every stack it synthesized, the content hash of every file of the
checkout at that moment (the "tree") and the stack's report. On the next run the files
that differ from a stack's recorded tree are handed to ``tools.ops.affected`` — the same
rule `make affected` and CI use (the stack's own directory, the repo modules its program
imports transitively, dependency pins) — and the stack is synthesized again when that rule
says the change affects it. On top of that rule, every stack is redone when the synth
itself changes (the files of ``tools/synth/`` that run) or the interpreter or an installed
package differs, and a stack whose output directory no longer hashes to what the synth
wrote is redone too. Stacks that failed are never cached.

Only a checkout's own ``stacks/`` is cached (the tree comes from git); any other
``--stacks-dir`` and ``--no-cache`` synthesize everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tools.ops import affected

CACHE_VERSION = 1
TOOL_DIR = Path(__file__).resolve().parent


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def environment_fingerprint() -> str:
    """The interpreter and every installed distribution: a new pin or Python redoes everything."""
    from importlib import metadata

    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    return _sha("\n".join([sys.version, *dists]).encode())


def tool_fingerprint() -> str:
    """The synth's own code (this directory), wherever the stacks being synthesized live."""
    return _sha(b"".join(_sha(p.read_bytes()).encode() for p in sorted(TOOL_DIR.glob("*.py"))))


def directory_digest(root: Path) -> str:
    """Hash of the names and contents of every file under ``root`` (bytecode caches aside)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(_sha(path.read_bytes()).encode())
    return digest.hexdigest()


def output_digest(stack_out: Path) -> str | None:
    """Hash of every file the synth wrote for one stack (None when the directory is gone)."""
    if not (stack_out / "resources.json").is_file():
        return None
    return directory_digest(stack_out)


def checkout_root(stacks_dir: Path) -> Path | None:
    """The git checkout whose ``stacks/`` this is, or None (then nothing is cached)."""
    stacks_dir = stacks_dir.resolve()
    if stacks_dir.name != affected.STACKS_DIR:
        return None
    try:
        proc = subprocess.run(["git", "-C", str(stacks_dir.parent), "rev-parse", "--show-toplevel"],
                              capture_output=True, text=True, check=False)
    except OSError:  # no git on this machine: synthesize everything
        return None
    if proc.returncode != 0 or Path(proc.stdout.strip()).resolve() != stacks_dir.parent:
        return None
    return stacks_dir.parent


@dataclass
class Plan:
    cached: dict[str, dict] = field(default_factory=dict)      # stack -> stored report
    todo: dict[str, str] = field(default_factory=dict)         # stack -> why it is synthesized


class SynthCache:
    def __init__(self, root: Path, out_dir: Path) -> None:
        self.root = root
        self.out_dir = out_dir
        self.path = out_dir / ".cache" / "synth.json"
        self.source = affected.WorktreeSource(root)
        self.tree = {p: _sha((root / p).read_bytes()) for p in self.source.files()}
        self.tree_id = _sha(json.dumps(self.tree, sort_keys=True).encode())
        self.environment = _sha(f"{environment_fingerprint()} {tool_fingerprint()}".encode())
        self.state = self._load()

    @classmethod
    def open(cls, stacks_dir: Path, out_dir: Path) -> "SynthCache | None":
        root = checkout_root(stacks_dir)
        return cls(root, out_dir) if root else None

    def _load(self) -> dict:
        try:
            state = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        if state.get("version") != CACHE_VERSION or state.get("environment") != self.environment:
            return {}
        return state

    def plan(self, stacks: list[str]) -> Plan:
        plan = Plan()
        entries = self.state.get("stacks", {})
        trees = self.state.get("trees", {})
        by_tree: dict[str, list[str]] = {}
        for stack in stacks:
            entry = entries.get(stack)
            if entry is None or entry.get("tree") not in trees:
                plan.todo[stack] = "not synthesized before"
            elif output_digest(self.out_dir / stack) != entry.get("outputs"):
                plan.todo[stack] = "output changed or missing"
            else:
                by_tree.setdefault(entry["tree"], []).append(stack)
        for tree_id, group in by_tree.items():
            old = trees[tree_id]
            changed = sorted(p for p in old.keys() | self.tree.keys() if old.get(p) != self.tree.get(p))
            hit: dict[str, str] = {}
            deleted = [p for p in changed if p not in self.tree and p.endswith(".py") and not affected.stack_of(p)]
            if deleted:
                # The import graph is read from the current files, where a deleted module no
                # longer appears; a stack that still imports it must run (and fail) again.
                hit = {s: f"{deleted[0]} was deleted" for s in group}
            elif changed:
                result = affected.compute_affected(changed, self.source, purpose="apply")
                hit = {s: "; ".join(result.stacks[s]) for s in group if s in result.stacks}
            for stack in group:
                if stack in hit:
                    plan.todo[stack] = hit[stack]
                else:
                    plan.cached[stack] = entries[stack]["report"]
        return plan

    def save(self, reports: list) -> None:
        """Record the stacks just synthesized (failed ones are forgotten) and write the cache."""
        entries = dict(self.state.get("stacks", {}))
        trees = dict(self.state.get("trees", {}))
        for report in reports:
            if not report.ok:
                entries.pop(report.stack, None)
                continue
            entries[report.stack] = {"tree": self.tree_id, "outputs": output_digest(self.out_dir / report.stack),
                                     "report": report.as_dict()}
        trees[self.tree_id] = self.tree
        used = {e["tree"] for e in entries.values()}
        state = {"version": CACHE_VERSION, "environment": self.environment, "stacks": entries,
                 "trees": {t: v for t, v in trees.items() if t in used}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, sort_keys=True))
        os.replace(tmp, self.path)
