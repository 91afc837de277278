"""Which stacks a change affects, from the Python import graph.

A stack is affected when a file it runs changes: anything in its directory (config,
stack.yaml, payloads under files/), or any repo module its Python files import,
transitively (package __init__ files included, since importing a submodule runs them).
Policy changes affect every stack's preview but not apply; dependency pins
(requirements.txt and friends) affect every stack; Markdown outside payload dirs and
docs/ affect none. Stack code is parsed with ast, never imported.

    python -m tools.ops.affected --base <rev> [--head <rev>] [--purpose preview|apply] [--explain]
"""
from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Protocol

from .repo import STACKS_DIR, is_stack_dir_name, repo_root

ALL_STACK_FILES = frozenset({
    "requirements.txt", "requirements.lock", "requirements-dev.txt", "constraints.txt", "pyproject.toml", "setup.py",
    "setup.cfg", ".python-version",
})
POLICY_PREFIX = "policies/"


class GitError(Exception):
    pass


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


class Source(Protocol):
    def files(self) -> list[str]: ...
    def read(self, path: str) -> str | None: ...


class WorktreeSource:
    """The checkout as it is on disk (tracked + untracked, not ignored)."""

    def __init__(self, root: Path):
        self.root = root

    def files(self) -> list[str]:
        out = git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        return sorted({p for p in out.split("\0") if p and (self.root / p).is_file()})

    def read(self, path: str) -> str | None:
        try:
            return (self.root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None


class GitRevSource:
    """Files as committed at one revision."""

    def __init__(self, root: Path, rev: str):
        self.root = root
        self.rev = rev
        self._cache: dict[str, str | None] = {}

    def files(self) -> list[str]:
        out = git(self.root, "ls-tree", "-r", "-z", "--name-only", self.rev)
        return sorted(p for p in out.split("\0") if p)

    def read(self, path: str) -> str | None:
        if path not in self._cache:
            proc = subprocess.run(["git", "-C", str(self.root), "show", f"{self.rev}:{path}"],
                                  capture_output=True, check=False)
            self._cache[path] = proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None
        return self._cache[path]


def changed_files(root: Path, base: str, head: str | None) -> list[str]:
    """Files changed between merge-base(base, head) and head (or the worktree when head is None)."""
    target = head or "HEAD"
    try:
        git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except GitError as exc:
        raise GitError(f"base revision {base!r} not found (shallow clone? fetch more history)") from exc
    merge_base = git(root, "merge-base", base, target).strip()
    if head is None:
        out = git(root, "diff", "--name-only", "--no-renames", "-z", merge_base)
        untracked = git(root, "ls-files", "-z", "--others", "--exclude-standard")
        names = out.split("\0") + untracked.split("\0")
    else:
        names = git(root, "diff", "--name-only", "--no-renames", "-z", merge_base, head).split("\0")
    return sorted({n for n in names if n})


def stack_of(path: str) -> str | None:
    parts = PurePosixPath(path).parts
    if len(parts) >= 3 and parts[0] == STACKS_DIR and is_stack_dir_name(parts[1]):
        return parts[1]
    return None


def is_doc(path: str) -> bool:
    """Markdown and docs/ never run; payloads under a stack's files/ always count."""
    parts = PurePosixPath(path).parts
    if parts and parts[0] == "docs":
        return True
    if "files" in parts[:3] and stack_of(path):
        return False
    return path.lower().endswith((".md", ".rst"))


# ---------------------------------------------------------------- import graph

@dataclass
class ModuleIndex:
    """Maps dotted module names to repo files, relative to the repo root or a stack dir."""
    py_files: frozenset[str]
    dirs: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        dirs: set[str] = set()
        for f in self.py_files:
            parent = PurePosixPath(f).parent
            while str(parent) not in (".", ""):
                dirs.add(str(parent))
                parent = parent.parent
        self.dirs = frozenset(dirs)

    def resolve(self, module: str, base_dirs: Iterable[str]) -> list[str]:
        """Files executed by importing `module` (package __init__s included); first base dir wins."""
        parts = module.split(".")
        for base in base_dirs:
            prefix = f"{base}/" if base else ""
            hits: list[str] = []
            for i in range(1, len(parts) + 1):
                rel = prefix + "/".join(parts[:i])
                if f"{rel}/__init__.py" in self.py_files:
                    hits.append(f"{rel}/__init__.py")
                elif f"{rel}.py" in self.py_files:
                    hits.append(f"{rel}.py")
                    break  # a plain module has no submodules; the rest is attribute access
                elif rel not in self.dirs:
                    break  # not a (namespace) package here
            if hits:
                return hits
        return []

    def package_files(self, top: str) -> list[str]:
        return sorted(f for f in self.py_files if f.startswith(f"{top}/"))


def imported_modules(source: str, path: str) -> tuple[set[str], bool]:
    """Dotted names a file imports (absolute, relative resolved); flag False on syntax error."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError:
        return set(), False
    package = str(PurePosixPath(path).parent).replace("/", ".")
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            if base:
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if fname in ("import_module", "__import__"):
                names.add(node.args[0].value)
    return names, True


def stack_closure(stack: str, src: Source, index: ModuleIndex) -> tuple[set[str], list[str]]:
    """Repo .py files a stack's program may execute, and warnings for unparsable files."""
    stack_base = f"{STACKS_DIR}/{stack}"
    # files/ holds payloads the program reads as text (scripts, placeholders), never imports:
    # a change there affects the stack through its own directory, not through the import graph.
    todo = sorted(f for f in index.py_files
                  if f.startswith(stack_base + "/") and not f.startswith(f"{stack_base}/files/"))
    seen: set[str] = set()
    warnings: list[str] = []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        text = src.read(path)
        if text is None:
            continue
        modules, ok = imported_modules(text, path)
        if not ok:
            top = PurePosixPath(path).parts[0]
            warnings.append(f"{path}: syntax error; assuming {stack} uses all of {top}/")
            todo.extend(index.package_files(top) if top != STACKS_DIR else [])
            continue
        for module in modules:
            todo.extend(index.resolve(module, [stack_base, ""]))
    return seen, warnings


@dataclass
class Affected:
    stacks: dict[str, list[str]] = field(default_factory=dict)   # stack -> reasons
    warnings: list[str] = field(default_factory=list)

    def add(self, stack: str, reason: str) -> None:
        self.stacks.setdefault(stack, [])
        if reason not in self.stacks[stack]:
            self.stacks[stack].append(reason)

    def names(self) -> list[str]:
        return sorted(self.stacks)


def list_stacks_in(files: Iterable[str]) -> list[str]:
    stacks = set()
    for f in files:
        parts = PurePosixPath(f).parts
        if len(parts) == 3 and parts[0] == STACKS_DIR and parts[2] == "Pulumi.yaml" and is_stack_dir_name(parts[1]):
            stacks.add(parts[1])
    return sorted(stacks)


def compute_affected(changed: Iterable[str], src: Source, purpose: str = "preview") -> Affected:
    """Pure core: changed paths + the tree they land in -> affected stacks with reasons."""
    if purpose not in ("preview", "apply"):
        raise ValueError("purpose must be 'preview' or 'apply'")
    files = src.files()
    stacks = list_stacks_in(files)
    changed = sorted(set(changed))
    result = Affected()
    everything = [c for c in changed if c in ALL_STACK_FILES]
    policy = [c for c in changed if c.startswith(POLICY_PREFIX)] if purpose == "preview" else []
    for stack in stacks:
        for c in everything:
            result.add(stack, f"{c} changed (dependency pins affect every stack)")
        if policy:
            result.add(stack, f"policy pack changed ({len(policy)} file(s)); preview re-checks every stack")
    code_changes = [c for c in changed if not is_doc(c)]
    for c in code_changes:
        owner = stack_of(c)
        if owner in stacks:
            result.add(owner, f"{c} changed")
    changed_py = {c for c in code_changes if c.endswith(".py") and not stack_of(c)}
    if changed_py:
        index = ModuleIndex(frozenset(f for f in files if f.endswith(".py")))
        for stack in stacks:
            closure, warnings = stack_closure(stack, src, index)
            result.warnings.extend(warnings)
            for c in sorted(changed_py & closure):
                result.add(stack, f"imports {c} (changed)")
    return result


def affected_stacks(root: Path, base: str, head: str | None = None, purpose: str = "preview") -> Affected:
    """Library entry point used by `make affected` and the CI pipelines."""
    changed = changed_files(root, base, head)
    src: Source = GitRevSource(root, head) if head else WorktreeSource(root)
    return compute_affected(changed, src, purpose)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ops.affected",
                                     description="List stacks affected by changes since BASE, one per line.")
    parser.add_argument("--base", required=True, help="revision to compare against (merge-base is used)")
    parser.add_argument("--head", default=None, help="revision with the change (default: the working tree)")
    parser.add_argument("--purpose", choices=["preview", "apply"], default="preview")
    parser.add_argument("--explain", action="store_true", help="print why each stack is affected to stderr")
    parser.add_argument("--root", type=Path, default=None)
    args = parser.parse_args(argv)
    root = args.root or repo_root()
    try:
        result = affected_stacks(root, args.base, args.head, args.purpose)
    except GitError as exc:
        print(f"affected: {exc}", file=sys.stderr)
        return 2
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for name in result.names():
        print(name)
        if args.explain:
            for reason in result.stacks[name]:
                print(f"  {name}: {reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
