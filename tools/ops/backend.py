"""Where a stack's state lives and which secrets provider encrypts it (docs/state.md).

All stacks share one DIY S3-compatible backend outside the cluster (Cloudflare R2), so no
stack's backend depends on anything a stack creates. Secrets use Vault transit, except for
the stacks Vault itself needs (the `vault` stack and everything it depends on, read from
stack.yaml), which use a passphrase: they must be recoverable while Vault is down.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qs, urlparse

from .repo import StackMeta

VAULT_STACK = "vault"
DEFAULT_BUCKET = "homelab-pulumi-state"
TRANSIT_KEY = "pulumi-state"
TRANSIT_MOUNT = "transit"
HASHIVAULT_PROVIDER = f"hashivault://{TRANSIT_KEY}"
PASSPHRASE_PROVIDER = "passphrase"


class BackendConfigError(Exception):
    pass


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str           # key prefix inside the bucket ("" for the bucket root)
    endpoint: str | None  # e.g. https://<account>.r2.cloudflarestorage.com
    region: str | None


def backend_url(env: Mapping[str, str]) -> str:
    """PULUMI_BACKEND_URL wins; otherwise build the R2 URL from R2_ACCOUNT_ID."""
    url = env.get("PULUMI_BACKEND_URL")
    if url:
        return url
    account = env.get("R2_ACCOUNT_ID")
    if not account:
        raise BackendConfigError(
            "no state backend configured: set PULUMI_BACKEND_URL (e.g. s3://bucket?endpoint=...) or "
            "R2_ACCOUNT_ID (with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY holding the R2 token). "
            "See docs/state.md."
        )
    bucket = env.get("PU_STATE_BUCKET", DEFAULT_BUCKET)
    return f"s3://{bucket}?endpoint=https://{account}.r2.cloudflarestorage.com&region=auto&s3ForcePathStyle=true"


def parse_s3_url(url: str) -> S3Location | None:
    """Split an s3:// backend URL; None for other schemes (file://, postgres://)."""
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        return None
    query = parse_qs(parsed.query)
    endpoint = query.get("endpoint", [None])[0]
    if endpoint and "://" not in endpoint:
        endpoint = "https://" + endpoint
    return S3Location(
        bucket=parsed.netloc,
        prefix=parsed.path.strip("/"),
        endpoint=endpoint,
        region=query.get("region", [None])[0],
    )


def passphrase_stacks(metas: Mapping[str, StackMeta]) -> set[str]:
    """The vault stack plus everything it transitively depends on."""
    if VAULT_STACK not in metas:
        return {VAULT_STACK}
    seen: set[str] = set()
    todo = [VAULT_STACK]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        meta = metas.get(name)
        if meta:
            todo.extend(meta.depends_on)
    return seen


def secrets_provider(stack: str, metas: Mapping[str, StackMeta]) -> str:
    return PASSPHRASE_PROVIDER if stack in passphrase_stacks(metas) else HASHIVAULT_PROVIDER


def has_passphrase(env: Mapping[str, str]) -> bool:
    """Whether this environment can open a passphrase secrets manager (an empty one counts)."""
    return env.get("PULUMI_CONFIG_PASSPHRASE") is not None or bool(env.get("PULUMI_CONFIG_PASSPHRASE_FILE"))


def secrets_env(provider: str, env: Mapping[str, str], home: Path | None = None) -> dict[str, str]:
    """Environment the CLI needs for `provider`; raises with the fix when something is missing."""
    out: dict[str, str] = {}
    if provider == PASSPHRASE_PROVIDER:
        if not has_passphrase(env):
            raise BackendConfigError(
                "this stack encrypts secrets with a passphrase (Vault depends on it): set "
                "PULUMI_CONFIG_PASSPHRASE_FILE to the file holding it (kept outside the repo, see docs/state.md)"
            )
        return out
    url = env.get("VAULT_SERVER_URL") or env.get("VAULT_ADDR")
    token = env.get("VAULT_SERVER_TOKEN") or env.get("VAULT_TOKEN")
    if not token:
        token_file = (home or Path.home()) / ".vault-token"
        if token_file.is_file():
            token = token_file.read_text().strip()
    if not url or not token:
        raise BackendConfigError(
            "this stack encrypts secrets with Vault transit (hashivault://): set VAULT_ADDR and log in "
            "(`vault login -method=oidc`), or set VAULT_SERVER_URL/VAULT_SERVER_TOKEN"
        )
    out["VAULT_SERVER_URL"] = url
    out["VAULT_SERVER_TOKEN"] = token
    return out


def pulumi_env(stack: str, metas: Mapping[str, StackMeta], env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Full child environment for running the CLI on `stack`."""
    base = dict(os.environ if env is None else env)
    base["PULUMI_BACKEND_URL"] = backend_url(base)
    base.update(secrets_env(secrets_provider(stack, metas), base))
    base.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
    return base
