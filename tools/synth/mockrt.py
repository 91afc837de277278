"""Run one Pulumi program under the mock runtime and record every registration.

The recording hooks the mock *monitor* rather than ``Mocks.new_resource`` because only
the monitor's ``RegisterResource`` request carries the resource options (parent, protect,
ignoreChanges, dependsOn, aliases, import id) and the raw, secret-marked inputs.
"""

from __future__ import annotations

import asyncio
import os
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime import stack as pulumi_stack

SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
SIG_KEY = "4dabf18193072939515e22adb298388d"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_TEXT = "[secret]"
UNKNOWN_TEXT = "[unknown]"


def clean(value: Any) -> Any:
    """Wire value -> plain JSON: secrets become "[secret]", unknowns "[unknown]"."""
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == SECRET_SIG:
            return SECRET_TEXT
        if sig == RESOURCE_SIG:
            return value.get("urn")
        if sig == OUTPUT_SIG:
            if value.get("secret"):
                return SECRET_TEXT
            return clean(value["value"]) if "value" in value else UNKNOWN_TEXT
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if value == UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict
    options: dict

    def as_json(self) -> dict:
        return {
            "urn": self.urn, "type": self.type, "name": self.name, "parent": self.parent,
            "custom": self.custom, "inputs": self.inputs, "options": self.options,
        }


class _Mocks(pulumi.runtime.Mocks):
    """Echo inputs back as outputs, with a stable id; invokes return empty results
    unless a test supplies canned ones by token."""

    def __init__(self, invokes: dict[str, dict] | None = None) -> None:
        super().__init__()
        self.invokes = invokes or {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        state = dict(args.inputs)
        if args.typ.startswith("kubernetes:") and isinstance(state.get("metadata"), dict):
            meta = state["metadata"]
            state.setdefault("id", f"{meta.get('namespace', '')}/{meta.get('name', args.name)}".lstrip("/"))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        return dict(self.invokes.get(args.token, {}))


def _alias(alias) -> "str | dict":
    """An alias as the engine reads it: a URN, or the spec fields that were set (an empty name
    or type means "this resource's own"; noParent means "at the stack's root")."""
    if alias.urn:
        return alias.urn
    return json_format.MessageToDict(alias.spec, preserving_proto_field_name=True)


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: _Mocks | None = None) -> None:
        super().__init__(mocks or _Mocks())
        self.registrations: list[Registration] = []

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine's URN: the full type chain of the ancestors, without the root stack.
        # (The stock mock keeps only the nearest parent type and includes the stack.)
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != "pulumi:pulumi:Stack":
                type_ = f"{parent_type}${type_}"
        return "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), type_, name])

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
        implicit = {dep for deps in request.propertyDependencies.values() for dep in deps.urns}
        aliases = [_alias(a) for a in request.aliases] + list(request.aliasURNs)
        self.registrations.append(Registration(
            urn=response.urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            custom=bool(request.custom),
            inputs=clean(raw),
            options={
                "protect": bool(request.protect),
                "dependsOn": sorted(d for d in request.dependencies if d not in implicit),
                "ignoreChanges": list(request.ignoreChanges),
                "retainOnDelete": bool(request.retainOnDelete),
                "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                "import": request.importId,
                "aliases": aliases,
            },
        ))
        return response


@dataclass
class ProgramResult:
    project: str
    stack: str
    registrations: list[Registration] = field(default_factory=list)
    error: str | None = None


def run_program(
    program_dir: Path,
    *,
    project: str,
    stack: str = "prod",
    config: dict[str, str] | None = None,
    secret_keys: list[str] | None = None,
) -> ProgramResult:
    """Execute ``program_dir/__main__.py`` as a preview under mocks; never raises for program errors."""

    def program() -> None:
        old_cwd, old_path = os.getcwd(), list(sys.path)
        try:
            os.chdir(program_dir)
            sys.path.insert(0, str(program_dir))
            runpy.run_path(str(program_dir / "__main__.py"), run_name="__main__")
        finally:
            os.chdir(old_cwd)
            sys.path[:] = old_path

    return run_callable(program, project=project, stack=stack, config=config, secret_keys=secret_keys)


def run_callable(
    program: Callable[[], None],
    *,
    project: str = "test",
    stack: str = "prod",
    config: dict[str, str] | None = None,
    secret_keys: list[str] | None = None,
    preview: bool = True,
    invokes: dict[str, dict] | None = None,
) -> ProgramResult:
    """Run ``program`` as a Pulumi program under mocks and return what it registered."""
    pulumi_settings.reset_options(project=project, stack=stack, preview=preview)
    pulumi.runtime.set_all_config(config or {}, secret_keys or [])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    mocks = _Mocks(invokes)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    result = ProgramResult(project=project, stack=stack)
    try:
        program()
        loop.run_until_complete(pulumi_stack.wait_for_rpcs())
    except BaseException as exc:  # noqa: BLE001 - reported per stack, other stacks go on
        if isinstance(exc, KeyboardInterrupt):
            raise
        from components.program_errors import report

        result.error = report(exc).headline()
        # The failed program leaves RPC tasks pending; end them here instead of letting
        # asyncio log each one as destroyed.
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    finally:
        loop.close()
    result.registrations = list(monitor.registrations)
    return result
