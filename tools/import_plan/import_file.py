"""Render a plan as the JSON file ``pulumi import --file`` consumes.

Shape (Pulumi CLI >= 3.98, the release that added ``logicalName``; older CLIs ignore
it and name the resource after ``name``, which would land on other URNs): ``{"nameTable": {name: urn}, "resources": [{"type", "name",
"logicalName", "id", "parent", "provider", "version", "component"}]}``. ``name`` is a key
local to the file, ``logicalName`` the resource name that goes into the URN, ``parent``
names another entry (or a nameTable entry). Component ancestors of imported resources
are emitted as ``"component": true`` entries without an id, so the engine creates the
same parent chain the program registers and every URN equals the synth URN; this module
proves that before writing anything.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
from pathlib import Path
from typing import Any

from .errors import PlanError
from .plan import Match, Plan
from .synth import PulumiResource

_PACKAGES = {
    "kubernetes": "pulumi-kubernetes",
    "cloudflare": "pulumi-cloudflare",
    "vault": "pulumi-vault",
    "proxmoxve": "pulumi-proxmoxve",
    "random": "pulumi-random",
    "authentik": "pulumi-authentik",
    "command": "pulumi-command",
}


def plugin_version(token: str) -> str | None:
    """The pinned SDK version of the token's package, so import uses the same plugin."""
    package = _PACKAGES.get(token.split(":", 1)[0])
    if package is None:
        return None
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def build_import_file(plan: Plan) -> dict[str, Any]:
    by_urn = plan.synth.by_urn()
    matched = {m.pulumi.urn: m for m in plan.matches if m.imported}
    wanted = _with_ancestors(matched, by_urn)
    names = _entry_names([r for r in plan.synth.resources if r.urn in wanted])
    name_table: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    for res in plan.synth.resources:
        if res.urn not in wanted:
            continue
        _check_urn(plan, res, by_urn)
        entries.append(_entry(res, matched.get(res.urn), names, by_urn, name_table))
    return {"nameTable": name_table, "resources": entries}


def _with_ancestors(matched: dict[str, Match], by_urn: dict[str, PulumiResource]) -> set[str]:
    wanted: set[str] = set()
    for urn in matched:
        cur: str | None = urn
        while cur and cur in by_urn and not by_urn[cur].is_stack:
            wanted.add(cur)
            cur = by_urn[cur].parent
    return wanted


def _entry_names(resources: list[PulumiResource]) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for res in resources:
        base = re.sub(r"[^A-Za-z0-9_]", "_", res.name) or "r"
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        names[res.urn] = candidate
    return names


def _entry(
    res: PulumiResource,
    match: Match | None,
    names: dict[str, str],
    by_urn: dict[str, PulumiResource],
    name_table: dict[str, str],
) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": res.type, "name": names[res.urn], "logicalName": res.name}
    parent = by_urn.get(res.parent or "")
    if parent is not None and not parent.is_stack:
        entry["parent"] = names[parent.urn]
    if match is None:
        entry["component"] = True
        return entry
    entry["id"] = match.import_id
    version = plugin_version(res.type)
    if version:
        entry["version"] = version
    provider = res.options.get("provider")
    if provider:
        key = f"provider_{len(name_table)}"
        name_table[key] = str(provider)
        entry["provider"] = key
    return entry


def qualified_type(res: PulumiResource, by_urn: dict[str, PulumiResource]) -> str:
    """The engine's qualified type: the full chain of ancestor types, root stack excluded."""
    parent = by_urn.get(res.parent or "")
    if parent is None or parent.is_stack:
        return res.type
    return f"{qualified_type(parent, by_urn)}${res.type}"


def engine_urn(stack: str, project: str, res: PulumiResource, by_urn: dict[str, PulumiResource]) -> str:
    """The URN the Pulumi engine gives the resource (and that the import will create)."""
    return f"urn:pulumi:{stack}::{project}::{qualified_type(res, by_urn)}::{res.name}"


def mock_urn(stack: str, project: str, res: PulumiResource) -> str:
    """The URN Pulumi's mock runtime (used by the offline synth) gives the resource: it
    prefixes only the *immediate* parent's type, the root stack's included."""
    if not res.parent:
        return f"urn:pulumi:{stack}::{project}::{res.type}::{res.name}"
    parent_type = res.parent.split("::")[2].split("$")[-1]
    return f"urn:pulumi:{stack}::{project}::{parent_type}${res.type}::{res.name}"


def _check_urn(plan: Plan, res: PulumiResource, by_urn: dict[str, PulumiResource]) -> None:
    """The synth URN must be derivable from the resource's parent chain (engine or mock
    form); otherwise the parents in the import file would not be the program's parents."""
    engine = engine_urn(plan.pulumi_stack, plan.project, res, by_urn)
    if res.urn not in (engine, mock_urn(plan.pulumi_stack, plan.project, res)):
        raise PlanError(
            plan.stack,
            f"synth urn {res.urn} does not follow its parent chain (engine urn would be {engine}); "
            "an import would land on a different urn than the program registers",
        )


def write_private_json(path: Path, document: dict[str, Any]) -> None:
    """The import file carries current random values: owner-only, never committed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, sort_keys=False)
        handle.write("\n")
    os.chmod(path, 0o600)
