"""Stack discovery and `stack.yaml` metadata (see docs/architecture.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import yaml

STACK_NAME = "prod"
STACKS_DIR = "stacks"


class StackError(Exception):
    """A stack is missing or its metadata is malformed; the message names the stack."""


@dataclass(frozen=True)
class StackMeta:
    name: str
    bootstrap: bool = False
    human_only: bool = False
    depends_on: tuple[str, ...] = field(default_factory=tuple)


def repo_root(env: Mapping[str, str] | None = None) -> Path:
    """The repository this tooling lives in (overridable with PU_REPO_ROOT for tests)."""
    override = (os.environ if env is None else env).get("PU_REPO_ROOT")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parents[2]


def is_stack_dir_name(name: str) -> bool:
    """Scaffolds (`_template`) and hidden dirs are never stacks."""
    return bool(name) and not name.startswith(("_", "."))


def stack_dir(root: Path, name: str) -> Path:
    return root / STACKS_DIR / name


def list_stacks(root: Path) -> list[str]:
    """Every directory under stacks/ holding a Pulumi.yaml, sorted."""
    base = root / STACKS_DIR
    if not base.is_dir():
        return []
    return sorted(
        p.name for p in base.iterdir()
        if p.is_dir() and is_stack_dir_name(p.name) and (p / "Pulumi.yaml").is_file()
    )


def parse_stack_meta(name: str, text: str | None) -> StackMeta:
    """Validate one stack.yaml body; a missing file means all defaults."""
    if text is None:
        return StackMeta(name=name)
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise StackError(f"stacks/{name}/stack.yaml is not valid YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise StackError(f"stacks/{name}/stack.yaml must be a mapping, got {type(data).__name__}")
    unknown = set(data) - {"bootstrap", "human_only", "depends_on"}
    if unknown:
        raise StackError(f"stacks/{name}/stack.yaml has unknown keys: {', '.join(sorted(unknown))}")
    for key in ("bootstrap", "human_only"):
        if not isinstance(data.get(key, False), bool):
            raise StackError(f"stacks/{name}/stack.yaml: {key} must be true or false")
    deps = data.get("depends_on") or []
    if not isinstance(deps, list) or not all(isinstance(d, str) and d for d in deps):
        raise StackError(f"stacks/{name}/stack.yaml: depends_on must be a list of stack names")
    return StackMeta(
        name=name,
        bootstrap=data.get("bootstrap", False),
        human_only=data.get("human_only", False),
        depends_on=tuple(deps),
    )


def load_stack_meta(root: Path, name: str) -> StackMeta:
    d = stack_dir(root, name)
    if not (d / "Pulumi.yaml").is_file():
        known = list_stacks(root)
        hint = f" Known stacks: {', '.join(known[:10])}{' ...' if len(known) > 10 else ''}." if known else ""
        raise StackError(f"no stack '{name}': {d}/Pulumi.yaml does not exist.{hint}")
    meta_file = d / "stack.yaml"
    text = meta_file.read_text() if meta_file.is_file() else None
    return parse_stack_meta(name, text)


def load_all_meta(root: Path) -> dict[str, StackMeta]:
    return {name: load_stack_meta(root, name) for name in list_stacks(root)}
