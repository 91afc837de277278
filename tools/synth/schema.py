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
DATA_SIZE_LIMIT = 1024 * 1024
"""The API server's cap on the summed values of a ConfigMap's or Secret's data (1 MiB)."""
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
    errors = size_errors(manifest)
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


def data_size(manifest: dict) -> int:
    """Bytes the API server counts against :data:`DATA_SIZE_LIMIT`: the values of a
    ConfigMap's ``data``/``binaryData`` or a Secret's ``data``/``stringData`` (keys are free)."""
    import base64
    import binascii

    total = 0
    text_fields = ("data",) if manifest.get("kind") == "ConfigMap" else ("stringData",)
    encoded_fields = ("binaryData",) if manifest.get("kind") == "ConfigMap" else ("data",)
    def values(name: str) -> list:
        field = manifest.get(name)
        # A whole map that is secret or unknown at preview cannot be measured.
        return list(field.values()) if isinstance(field, dict) else []

    for name in text_fields:
        for value in values(name):
            total += len(str(value).encode("utf-8"))
    for name in encoded_fields:
        for value in values(name):
            try:
                total += len(base64.b64decode(str(value), validate=True))
            except (binascii.Error, ValueError):
                total += len(str(value).encode("utf-8"))
    return total


def size_errors(manifest: dict) -> list[str]:
    """A ConfigMap or Secret the API server would refuse for its size (a dashboard grown too big)."""
    if manifest.get("apiVersion") != "v1" or manifest.get("kind") not in ("ConfigMap", "Secret"):
        return []
    size = data_size(manifest)
    if size <= DATA_SIZE_LIMIT:
        return []
    return [f"<root>: {manifest['kind']} data is {size:,} bytes, over the API server's limit of "
            f"{DATA_SIZE_LIMIT:,} bytes (1 MiB); split the payload over several objects"]
