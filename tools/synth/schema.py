"""Schema checks for rendered manifests.

Core Kubernetes kinds are validated against the official OpenAPI-derived JSON schemas of
the cluster's version (shipped by kubernetes-validate, strict: unknown fields are errors).
Custom resources are validated against the schemas kept in ``tools/synth/crds.py`` for the CRDs
the project uses; kinds without a kept schema are reported as not validated.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jsonschema
from referencing import Registry, Resource

from tools.synth.mockrt import SECRET_TEXT, UNKNOWN_TEXT

KUBERNETES_VERSION = "1.34.0"
_SENTINELS = (SECRET_TEXT, UNKNOWN_TEXT)


class NotValidated(Exception):
    """No schema is kept for this apiVersion/kind."""


def _core_schema_dir() -> Path:
    root = resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")
    return Path(str(root)) / f"v{KUBERNETES_VERSION}-local-strict"


def is_core(api_version: str) -> bool:
    group = api_version.split("/")[0] if "/" in api_version else ""
    return group == "" or "." not in group or group.endswith(".k8s.io")


@lru_cache(maxsize=1)
def _definitions_resource() -> Resource:
    return Resource.from_contents(json.loads((_core_schema_dir() / "_definitions.json").read_text()))


@lru_cache(maxsize=None)
def _core_validator(api_version: str, kind: str) -> jsonschema.Draft202012Validator:
    import re

    stem = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    base = _core_schema_dir()
    path = base / f"{kind.lower()}-{stem}.json"
    if not path.is_file():
        raise NotValidated(f"no Kubernetes {KUBERNETES_VERSION} schema for {api_version} {kind}")
    schema = json.loads(path.read_text())
    registry = _definitions_resource() @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


@lru_cache(maxsize=None)
def _crd_validator(api_version: str, kind: str) -> jsonschema.Draft202012Validator:
    from tools.synth.crds import SCHEMAS

    schema = SCHEMAS.get((api_version, kind))
    if schema is None:
        raise NotValidated(f"no kept CRD schema for {api_version} {kind}")
    return jsonschema.Draft202012Validator(schema)


def validate_manifest(manifest: dict) -> list[str]:
    """Schema errors of one manifest (empty when valid). Raises NotValidated when no schema is kept.

    Values that are secret or unknown at preview ("[secret]", "[unknown]") are not judged.
    """
    api_version, kind = manifest.get("apiVersion", ""), manifest.get("kind", "")
    validator = _core_validator(api_version, kind) if is_core(api_version) else _crd_validator(api_version, kind)
    errors = []
    for error in validator.iter_errors(manifest):
        if _involves_sentinel(error):
            continue
        path = ".".join(str(p) for p in error.absolute_path) or "<root>"
        errors.append(f"{path}: {error.message}")
    return sorted(errors)


def _involves_sentinel(error: jsonschema.ValidationError) -> bool:
    if error.instance in _SENTINELS:
        return True
    if isinstance(error.instance, (dict, list)):
        text = json.dumps(error.instance)
        if any(f'"{s}"' in text for s in _SENTINELS) and error.validator in ("type", "format", "pattern"):
            return True
    return any(_involves_sentinel(e) for e in (error.context or []))
