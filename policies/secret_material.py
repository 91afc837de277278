"""No plaintext secret material in ConfigMaps, env values, Secrets, provider inputs or
stack config. Values must be Pulumi secrets (or unknown outputs) or come from an
ExternalSecret / secretKeyRef. Messages never echo the value."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any, Iterable

from pulumi_policy import EnforcementLevel

from policies.common import SECRET, UNKNOWN, Finding, PolicySpec, Resource, dig, make_policy
from policies.k8s import cname, containers, pod_views

POLICY = "no-plaintext-secrets"
CONFIGMAP = "kubernetes:core/v1:ConfigMap"
SECRET_TYPE = "kubernetes:core/v1:Secret"


# Relative paths and image references (registry/repo:tag or @digest): long and varied, but
# never key material. Base64 secrets carry '+' or '=' and are not matched.
_REFERENCE = re.compile(r"(\.{1,2}/)?([A-Za-z0-9._-]+/)+[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?")


def shannon(value: str) -> float:
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


class Heuristics:
    def __init__(self, cfg: dict) -> None:
        self.key_pats = [re.compile(p, re.I) for p in cfg.get("secretKeyPatterns") or []]
        self.key_allow = [re.compile(p, re.I) for p in cfg.get("secretKeyAllowlist") or []]
        self.value_allow = set(cfg.get("secretValueAllowlist") or [])
        self.min_len = int(cfg.get("entropyMinLength") or 24)
        self.threshold = float(cfg.get("entropyThreshold") or 4.2)

    def secret_key(self, key: str) -> bool:
        if any(p.fullmatch(key) for p in self.key_allow):
            return False
        return any(p.search(key) for p in self.key_pats)

    def allowed_key(self, key: str) -> bool:
        return any(p.fullmatch(key) for p in self.key_allow)

    def literal(self, value: Any) -> bool:
        """A plaintext literal: a non-marker scalar not on the value allowlist."""
        if value is SECRET or value is UNKNOWN or value is None or isinstance(value, (dict, list, bool)):
            return False
        return str(value) not in self.value_allow

    def high_entropy(self, value: Any) -> bool:
        if not isinstance(value, str) or len(value) < self.min_len or re.search(r"\s", value):
            return False
        if "://" in value or value.startswith("/") or _REFERENCE.fullmatch(value):
            return False
        return shannon(value) >= self.threshold

    def classify(self, key: str, value: Any) -> str:
        """'' if fine, else the reason a key/value pair looks like plaintext secret material."""
        if not self.literal(value):
            return ""
        if self.secret_key(key):
            return "its key looks like a credential"
        if not self.allowed_key(key) and self.high_entropy(value):
            return "its value is a high-entropy literal"
        return ""


FIX_SECRET = ("read it from an ExternalSecret (components' ExternalSecret, Vault-backed) and reference it via "
              "secretKeyRef / envFrom, or pass a Pulumi secret (config.require_secret)")


def _pairs(data: Any) -> Iterable:
    if isinstance(data, dict):
        yield from data.items()


def check_plaintext(res: Resource, cfg: dict) -> list:
    h = Heuristics(cfg)
    out = []
    if res.type == CONFIGMAP:
        for key, value in _pairs(dig(res.props, "data")):
            why = h.classify(key, value)
            if why:
                out.append(Finding(f"{res.label}: data key '{key}' holds plaintext ({why})",
                                   f"move it out of the ConfigMap: {FIX_SECRET}"))
    elif res.type == SECRET_TYPE:
        for field in ("stringData", "data"):
            for key, value in _pairs(dig(res.props, field)):
                if h.literal(value) and not h.allowed_key(key):
                    out.append(Finding(f"{res.label}: {field}['{key}'] is a plaintext literal in the program",
                                       f"wrap it with pulumi.Output.secret / config.require_secret, or replace "
                                       f"the Secret with an ExternalSecret"))
    elif res.type.startswith("pulumi:providers:"):
        for key, value in _pairs(res.props):
            if isinstance(value, str) and h.secret_key(key) and h.literal(value):
                out.append(Finding(f"provider '{res.name}': input '{key}' is a plaintext literal",
                                   "pass it from config.require_secret (a secure: value in Pulumi.prod.yaml)"))
    for pv in pod_views(res):
        for key, i, c in containers(pv.spec):
            env = dig(c, "env") if c is not UNKNOWN else None
            if not isinstance(env, list):
                continue
            for e in env:
                name, value = dig(e, "name"), dig(e, "value")
                if not isinstance(name, str):
                    continue
                why = h.classify(name, value)
                if why:
                    out.append(Finding(f"{res.label}: {cname(c, key, i)} env {name} is plaintext ({why})",
                                       f"use valueFrom.secretKeyRef: {FIX_SECRET}"))
    return out


def check_stack_config(config: dict, cfg: dict) -> list:
    """Plain (non-``secure:``) values in a stack's Pulumi.<stack>.yaml ``config:`` block that look
    like secrets. Used by tools/policy_check, which can read the stack files."""
    h = Heuristics(cfg)
    out = []
    for key, value in (config or {}).items():
        if isinstance(value, dict) and "secure" in value:
            continue
        short = str(key).split(":", 1)[-1]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            why = h.classify(short, str(value))
            if why:
                out.append(Finding(f"stack config '{key}' is stored in plaintext ({why})",
                                   f"pulumi config set --secret {key} <value>"))
    return out


SPECS = [
    PolicySpec(name=POLICY,
               description="No plaintext secret material in ConfigMaps, container env, Secret data, provider "
                           "inputs or stack config.",
               level=EnforcementLevel.ADVISORY,
               origin="upstream Vault/ESO convention (secrets never in .tf)",
               validate=check_plaintext,
               config_properties={
                   "secretKeyPatterns": {"type": "array", "items": {"type": "string"}},
                   "secretKeyAllowlist": {"type": "array", "items": {"type": "string"}},
                   "secretValueAllowlist": {"type": "array", "items": {"type": "string"}},
                   "entropyMinLength": {"type": "integer"},
                   "entropyThreshold": {"type": "number"},
               }),
]


def policies() -> list:
    return [make_policy(s) for s in SPECS]
