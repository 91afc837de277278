"""Read ``build/synth/<stack>/resources.json`` (contract: docs/architecture.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PlanError

SECRET = "[secret]"
UNKNOWN = "[unknown]"


@dataclass(frozen=True)
class PulumiResource:
    """One registered resource of the synthesized program."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any] = field(hash=False, compare=False)
    options: dict[str, Any] = field(hash=False, compare=False)

    @property
    def ignore_changes(self) -> tuple[str, ...]:
        return tuple(self.options.get("ignoreChanges") or ())

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def is_stack(self) -> bool:
        return self.type == "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class SynthStack:
    project: str
    stack: str
    resources: tuple[PulumiResource, ...]

    def by_urn(self) -> dict[str, PulumiResource]:
        return {r.urn: r for r in self.resources}


_REQUIRED = {"urn": str, "type": str, "name": str, "custom": bool}


def load_synth(synth_dir: Path, stack: str) -> SynthStack:
    """Load and validate the synth output of ``stack`` under ``synth_dir``."""
    path = synth_dir / stack / "resources.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(
            stack, f"--synth-dir {synth_dir}: {path} not found (run `make synth` first)"
        ) from None
    except json.JSONDecodeError as exc:
        raise PlanError(stack, f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise PlanError(stack, f"{path}: expected an object with a `resources` list")
    project = doc.get("project")
    if project != stack:
        raise PlanError(stack, f"{path}: `project` is {project!r}, expected the stack name {stack!r}")
    resources = tuple(_resource(entry, i, path, stack) for i, entry in enumerate(doc["resources"]))
    _check_unique_urns(resources, path, stack)
    return SynthStack(project=project, stack=str(doc.get("stack", "prod")), resources=resources)


def _resource(entry: Any, index: int, path: Path, stack: str) -> PulumiResource:
    if not isinstance(entry, dict):
        raise PlanError(stack, f"{path}: resources[{index}] is not an object")
    for key, kind in _REQUIRED.items():
        if not isinstance(entry.get(key), kind):
            raise PlanError(stack, f"{path}: resources[{index}] field `{key}` missing or not {kind.__name__}")
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise PlanError(stack, f"{path}: resources[{index}] field `parent` must be a urn or null")
    return PulumiResource(
        urn=entry["urn"],
        type=entry["type"],
        name=entry["name"],
        parent=parent,
        custom=entry["custom"],
        inputs=entry.get("inputs") or {},
        options=entry.get("options") or {},
    )


def _check_unique_urns(resources: tuple[PulumiResource, ...], path: Path, stack: str) -> None:
    seen: set[str] = set()
    for res in resources:
        if res.urn in seen:
            raise PlanError(stack, f"{path}: urn {res.urn} registered twice")
        seen.add(res.urn)
