"""Secret values a program needs at deploy time: Vault KV fields and secret stack config.

Upstream read these through Terraform data sources at plan time. Here a program reads them
while it runs: a real ``pulumi up`` gets the real value (or fails naming what is missing);
previews without access — the offline synth, a PR preview on a fork — get a clearly marked
placeholder so the program still renders. Every value is a Pulumi secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from components.payload import PLACEHOLDER_MARKER


class MissingSecretError(RuntimeError):
    """A deploy-time secret is missing outside a preview."""


def _placeholder(what: str) -> str:
    return f"{PLACEHOLDER_MARKER}: {what}"


def _pick(values: Mapping[str, Any] | None, path: str, key: str, default: str | None) -> str:
    if values and key in values:
        return values[key]
    if default is not None:
        return default
    if pulumi.runtime.is_dry_run():
        return _placeholder(f"secret/{path} {key}")
    raise MissingSecretError(f"Vault secret/{path} has no field {key!r}; add it in Vault, then re-run")


def vault_data(path: str, *, mount: str = "secret",
               depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.Output[dict]:
    """Every field of KV v2 ``<mount>/<path>`` as a secret dict (empty in an offline preview)."""
    import pulumi_vault as vault

    opts = pulumi.InvokeOutputOptions(depends_on=list(depends_on)) if depends_on else None
    data = vault.kv.get_secret_v2_output(mount=mount, name=path, opts=opts).data
    return pulumi.Output.secret(data.apply(lambda values: dict(values or {})))


def vault_field(path: str, key: str, *, default: str | None = None, mount: str = "secret",
                depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.Output[str]:
    """One field of ``<mount>/<path>``; ``default`` when absent, else placeholder (preview) or error."""
    return vault_data(path, mount=mount, depends_on=depends_on).apply(lambda v: _pick(v, path, key, default))


def vault_json_field(path: str, key: str, *, placeholder: Any,
                     mount: str = "secret") -> pulumi.Output[Any]:
    """A field holding JSON, decoded; ``placeholder`` stands in for it in an offline preview."""
    def decode(values: Mapping[str, Any]) -> Any:
        if values and key in values:
            return json.loads(values[key])
        if pulumi.runtime.is_dry_run():
            return placeholder
        raise MissingSecretError(f"Vault {mount}/{path} has no field {key!r}; add it in Vault, then re-run")

    return vault_data(path, mount=mount).apply(decode)


def secret_config(config: pulumi.Config, key: str) -> pulumi.Output[str]:
    """``pulumi config set --secret <project>:<key>``; a placeholder in previews when unset."""
    value = config.get_secret(key)
    if value is not None:
        return value
    if pulumi.runtime.is_dry_run():
        return pulumi.Output.secret(_placeholder(f"config {config.name}:{key}"))
    return config.require_secret(key)  # raises Pulumi's own "missing required configuration" error


def secret_config_object(config: pulumi.Config, key: str, *, placeholder: Any) -> pulumi.Output[Any]:
    """Structured secret config (JSON); ``placeholder`` in previews when unset."""
    value = config.get_secret_object(key)
    if value is not None:
        return value
    if pulumi.runtime.is_dry_run():
        return pulumi.Output.secret(placeholder)
    return config.require_secret_object(key)


def preview_config(config: pulumi.Config, key: str) -> str:
    """Plain required config that may be unset only in previews (a marked placeholder then)."""
    value = config.get(key)
    if value is not None:
        return value
    if pulumi.runtime.is_dry_run():
        return _placeholder(f"config {config.name}:{key}")
    return config.require(key)


