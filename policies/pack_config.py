"""Configurable lists of the pack: defaults from ``policies/config/*.yaml``, overridden per
policy by the config the engine passes through ``Configure`` (``--policy-pack-config``).

No Pulumi imports: tools and tests use it directly.
"""

from __future__ import annotations

import datetime
import functools
import pickle
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from components.constants import SECURITY_POLICY_EXCLUDED_NAMESPACES

CONFIG_DIR = Path(__file__).resolve().parent / "config"
LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class ConfigError(ValueError):
    pass


@functools.lru_cache(maxsize=None)
def _load(name: str) -> dict:
    path = CONFIG_DIR / name
    data = yaml.safe_load(path.read_text()) if path.exists() else None
    return data or {}


@functools.lru_cache(maxsize=None)
def _defaults_blob() -> bytes:
    return pickle.dumps(_load("defaults.yaml"))


def defaults() -> dict:
    # A fresh deep copy on every call (callers may change it), made by unpickling: the pack
    # resolves the config once per policy per resource, and copy.deepcopy of this document
    # was half the pack's CPU over the fleet.
    data = pickle.loads(_defaults_blob())
    data.setdefault("excludedNamespaces", list(SECURITY_POLICY_EXCLUDED_NAMESPACES))
    return data


def enforcement_overrides() -> dict:
    out = dict(defaults().get("enforcement") or {})
    for name, level in out.items():
        if level not in LEVELS:
            raise ConfigError(f"policies/config/defaults.yaml: enforcement.{name}={level!r}; "
                              f"use one of {', '.join(LEVELS)}")
    return out


def _check_exceptions(entries: Any, where: str) -> list:
    if entries in (None, ""):
        return []
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: exceptions must be a list")
    for e in entries:
        if not isinstance(e, Mapping):
            raise ConfigError(f"{where}: exception {e!r} is not a mapping")
        for key in ("stack", "resource", "reason"):
            if not str(e.get(key) or "").strip():
                raise ConfigError(f"{where}: exception {dict(e)!r} lacks a non-empty '{key}'")
        if e.get("until") not in (None, ""):
            try:
                expired(e)
            except ValueError:
                raise ConfigError(f"{where}: exception {dict(e)!r}: until must be a date YYYY-MM-DD") from None
    return list(entries)


@functools.lru_cache(maxsize=None)
def _file_exceptions() -> tuple:
    return tuple(_check_exceptions(_load("exceptions.yaml").get("exceptions"), "policies/config/exceptions.yaml"))


def file_exceptions() -> list:
    return [dict(e) for e in _file_exceptions()]


@functools.lru_cache(maxsize=None)
def _defaults_for_resolve() -> dict:
    data = defaults()
    data.pop("enforcement", None)
    return data


def resolve(policy: str, raw: Optional[Mapping]) -> dict:
    """Effective config for ``policy``: YAML defaults, then the engine-supplied properties.

    ``exceptions`` from the engine add to the file's entries for this policy.
    """
    # Shallow copy of a cached parse: validators read the lists and never mutate them.
    cfg = dict(_defaults_for_resolve())
    extra_exc: list = []
    for key, value in dict(raw or {}).items():
        if key == "enforcementLevel":
            continue
        if key == "exceptions":
            extra_exc = _check_exceptions(value, f"config of {policy}")
            continue
        cfg[key] = value
    cfg["exceptions"] = [e for e in _file_exceptions() if e.get("policy") == policy] + \
        [dict(e, policy=policy) for e in extra_exc]
    return cfg


def is_excepted(policy: str, project: str, resource_name: str, cfg: Mapping,
                subject: Optional[str] = None) -> bool:
    """An exception matches its stack + resource; one with a ``subject`` only the finding about
    exactly that part of the resource (so a new leak in an excepted object still fails)."""
    for e in cfg.get("exceptions") or []:
        if e.get("policy", policy) != policy:
            continue
        if e.get("stack") != project or e.get("resource") != resource_name:
            continue
        if expired(e):
            continue
        want = e.get("subject")
        if want in (None, "") or want == subject:
            return True
    return False


def expired(entry: Mapping, today: Optional[datetime.date] = None) -> bool:
    """True once the entry's ``until`` day (UTC) has passed: the exception stops applying."""
    until = entry.get("until")
    if until in (None, ""):
        return False
    day = until if isinstance(until, datetime.date) else datetime.date.fromisoformat(str(until))
    return (today or datetime.datetime.now(datetime.timezone.utc).date()) > day
