"""Read a Terraform state in either shape the operator can produce.

* ``terraform state pull`` / ``terragrunt state pull``: the raw state, format version 4
  (``{"version": 4, "resources": [{"mode", "type", "name", "module", "provider",
  "instances": [{"index_key", "attributes", "sensitive_attributes", ...}]}]}``).
* ``terraform show -json``: ``{"format_version", "values": {"root_module": {"resources":
  [{"address", "mode", "type", "name", "index", "values", "sensitive_values"}],
  "child_modules": [...]}}}``.

Both become a flat list of :class:`TfInstance` (managed resources only; data sources are
reads, not objects Terraform owns).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .errors import PlanError

IndexKey = int | str | None


@dataclass(frozen=True)
class TfInstance:
    """One managed resource instance from Terraform state."""

    address: str
    type: str
    name: str
    module: str
    index: IndexKey
    attributes: dict[str, Any] = field(hash=False, compare=False)
    sensitive_attributes: frozenset[str] = field(default=frozenset(), hash=False, compare=False)
    # Provider type (``kubernetes``, ``cloudflare``, ...) from the provider address.
    provider: str = ""
    # Non-empty for a deposed object: one a create-before-destroy replacement left behind
    # for Terraform to destroy. It is not the current object at this address.
    deposed: str = ""

    @property
    def label(self) -> str:
        """The address as Terraform prints it, deposed objects included."""
        return f"{self.address} (deposed {self.deposed})" if self.deposed else self.address


def format_address(module: str, rtype: str, name: str, index: IndexKey) -> str:
    """Terraform's own address syntax: ``module.a.type.name[0]`` / ``...["key"]``."""
    base = f"{module}.{rtype}.{name}" if module else f"{rtype}.{name}"
    if index is None:
        return base
    if isinstance(index, int):
        return f"{base}[{index}]"
    return f"{base}[{json.dumps(index)}]"


def unwrap_dynamic(value: Any) -> Any:
    """Dynamic-typed attributes (``kubernetes_manifest.manifest``) are stored in the raw
    state as ``{"value": ..., "type": ...}``; ``show -json`` stores the bare value."""
    if isinstance(value, dict) and set(value) == {"value", "type"}:
        return value["value"]
    return value


def provider_type(address: Any) -> str:
    """``provider["registry.terraform.io/hashicorp/kubernetes"]`` or
    ``registry.terraform.io/hashicorp/kubernetes`` -> ``kubernetes``."""
    text = str(address or "")
    match = re.search(r'([A-Za-z0-9_-]+)"?\]?(?:\.[A-Za-z0-9_-]+)?$', text)
    return match.group(1) if match else ""


def load_tfstate(path: Path, stack: str) -> list[TfInstance]:
    """Parse the file at ``path`` (either shape) into managed resource instances.

    A state with no managed resource at all is an error, not an empty plan: it is what a
    pull from the wrong backend, key or workspace returns, and planning it would report
    "nothing to import" while the first ``up`` created every object (and fresh random
    values) next to the live ones.
    """
    instances = _load(path, stack)
    if not instances:
        raise PlanError(
            stack,
            f"--tfstate {path}: the state holds no managed resources (pulled from the wrong "
            "backend, key or workspace?); nothing written",
        )
    return instances


def _load(path: Path, stack: str) -> list[TfInstance]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(stack, f"--tfstate {path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise PlanError(stack, f"--tfstate {path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict):
        raise PlanError(stack, f"--tfstate {path}: expected a JSON object at the top level")
    if "format_version" in doc:
        return list(_from_show_json(doc, path, stack))
    if "version" in doc:
        return list(_from_raw_state(doc, path, stack))
    raise PlanError(
        stack,
        f"--tfstate {path}: neither a raw state (`version`) nor `terraform show -json` "
        "output (`format_version`)",
    )


def _from_raw_state(doc: dict[str, Any], path: Path, stack: str) -> Iterator[TfInstance]:
    version = doc.get("version")
    if version != 4:
        raise PlanError(
            stack,
            f"--tfstate {path}: state format version {version!r} is not supported "
            "(need 4: pull it with Terraform >= 0.12)",
        )
    for res in doc.get("resources") or []:
        if res.get("mode") != "managed":
            continue
        module = res.get("module", "") or ""
        rtype, name = _required(res, ("type", "name"), path, stack)
        provider = provider_type(res.get("provider"))
        for inst in res.get("instances") or []:
            index = inst.get("index_key")
            address = format_address(module, rtype, name, index)
            attrs = inst.get("attributes")
            if not isinstance(attrs, dict):
                raise PlanError(
                    stack,
                    f"--tfstate {path}: {address} has no `attributes` "
                    "(flatmap `attributes_flat` states are Terraform < 0.12; upgrade first)",
                )
            sensitive = frozenset(_raw_sensitive_paths(inst.get("sensitive_attributes") or []))
            deposed = str(inst.get("deposed") or "")
            yield TfInstance(address, rtype, name, module, index, attrs, sensitive, provider, deposed)


def _raw_sensitive_paths(paths: list[Any]) -> Iterator[str]:
    """``sensitive_attributes`` is a list of cty paths; keep the top-level attribute."""
    for steps in paths:
        if isinstance(steps, list) and steps and isinstance(steps[0], dict):
            yield str(steps[0].get("value"))


def _from_show_json(doc: dict[str, Any], path: Path, stack: str) -> Iterator[TfInstance]:
    root = (doc.get("values") or {}).get("root_module") or {}
    yield from _walk_module(root, path, stack)


def _walk_module(module: dict[str, Any], path: Path, stack: str) -> Iterator[TfInstance]:
    module_addr = module.get("address", "") or ""
    for res in module.get("resources") or []:
        if res.get("mode") != "managed":
            continue
        rtype, name = _required(res, ("type", "name"), path, stack)
        index = res.get("index")
        address = res.get("address") or format_address(module_addr, rtype, name, index)
        attrs = res.get("values")
        if not isinstance(attrs, dict):
            raise PlanError(stack, f"--tfstate {path}: {address} has no `values`")
        sensitive = frozenset(k for k, v in (res.get("sensitive_values") or {}).items() if v is True)
        deposed = str(res.get("deposed_key") or "")
        yield TfInstance(address, rtype, name, module_addr, index, attrs, sensitive,
                         provider_type(res.get("provider_name")), deposed)
    for child in module.get("child_modules") or []:
        yield from _walk_module(child, path, stack)


def _required(res: dict[str, Any], keys: tuple[str, ...], path: Path, stack: str) -> tuple[str, ...]:
    missing = [k for k in keys if not isinstance(res.get(k), str)]
    if missing:
        raise PlanError(stack, f"--tfstate {path}: a resource entry lacks {', '.join(missing)}")
    return tuple(res[k] for k in keys)
