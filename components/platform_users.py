"""The cluster's user roster: the `k8s_users` JSON field of Vault `secret/platform`.

Several stacks declare resources per user (vault: policies and transit keys per owned
namespace; cloudflared: a proxied record per owner domain). Which resources exist must be
known while the program runs, so the roster is read with the blocking invoke, never
inside an ``apply`` (docs/architecture.md). The pure helpers below hold the selection
rules and are tested on their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from components.errors import ArgumentError

_COMPONENT = "platform_users"

NAMESPACE_OWNER_ROLE = "namespace-owner"
"""Role of a user who owns namespaces (and the domains listed with them)."""


def namespace_owners(users: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Users whose role is namespace-owner, keyed by user name, in roster order."""
    if not isinstance(users, Mapping):
        raise ArgumentError(_COMPONENT, "users", f"must be a mapping of user name to settings, got {type(users).__name__}")
    owners: dict[str, Mapping[str, Any]] = {}
    for name, user in users.items():
        if not isinstance(user, Mapping):
            raise ArgumentError(_COMPONENT, f"users[{name!r}]", "must be a mapping with at least 'role'")
        if user.get("role") == NAMESPACE_OWNER_ROLE:
            owners[name] = user
    return owners


def owner_domains(users: Mapping[str, Any]) -> list[str]:
    """Every domain a namespace owner lists, in roster order; other roles contribute none."""
    domains: list[str] = []
    for name, user in namespace_owners(users).items():
        listed = user.get("domains", [])
        if isinstance(listed, str) or not all(isinstance(d, str) and d.strip() for d in listed):
            raise ArgumentError(_COMPONENT, f"users[{name!r}].domains", f"must be a list of host names, got {listed!r}")
        domains.extend(listed)
    return domains


def read_k8s_users(*, path: str = "platform", key: str = "k8s_users", mount: str = "secret") -> dict[str, Any]:
    """The decoded roster, read synchronously from Vault KV v2 ``<mount>/<path>``.

    An offline preview (no Vault, the synth) gets an empty roster, so no per-user resource
    is declared; a real run without the field fails naming it.
    """
    import pulumi
    import pulumi_vault as vault

    from components.secret_inputs import MissingSecretError

    result = vault.kv.get_secret_v2(mount=mount, name=path)
    raw = (result.data or {}).get(key) if result else None
    if not raw:
        if pulumi.runtime.is_dry_run():
            return {}
        raise MissingSecretError(f"Vault {mount}/{path} has no field {key!r}; add it in Vault, then re-run")
    users = json.loads(raw)
    if not isinstance(users, dict):
        raise ArgumentError(_COMPONENT, key, f"must hold a JSON object of users, got {type(users).__name__}")
    return users
