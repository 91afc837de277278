"""The infra repository's git-crypt key as a Kubernetes Secret in one namespace.

Upstream read ``.git/git-crypt/keys/default`` from the operator's checkout at plan time and
put it in a ConfigMap named ``git-crypt-key`` (anyone allowed to read ConfigMaps in the
namespace could read the key — see docs/security.md). Here the key comes from Pulumi secret
config (``pulumi config set --secret gitCryptKey "$(base64 -w0 .git/git-crypt/keys/default)"``,
the base64 of the key file, as ``filebase64`` produced it) and lands in a Secret of the same
name. Moving from ConfigMap to Secret is a deliberate difference: at adoption the ConfigMap is
deleted, the Secret created, and the workloads mounting it roll (their volume source changes).

Two mount shapes exist upstream and both carry over:

- ``binary`` (upstream ``binary_data``): the mounted file is the raw key, what
  ``git-crypt unlock <file>`` reads.
- ``base64_text`` (upstream ``data``): the mounted file is the base64 text itself; the
  consumer's script decodes it before unlocking.

Offline previews get a marked placeholder (``secret_inputs.secret_config``); a real ``up``
without the config fails naming the key to set.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.payload import PLACEHOLDER_MARKER

_COMPONENT = "GitCryptKey"
MOUNT_FORMATS = ("binary", "base64_text")
CONFIG_KEY = "gitCryptKey"
"""The stack config key holding the base64 of ``.git/git-crypt/keys/default``."""


def secret_data(key_b64: str, mount_format: str) -> dict[str, str]:
    """The Secret's ``data`` (base64 values) so the mounted ``key`` file has the upstream shape.

    A placeholder (offline preview) is not base64, so it is encoded as text; the pod would
    see the marker, never a key.
    """
    require_choice(_COMPONENT, "mount_format", mount_format, MOUNT_FORMATS)
    if key_b64.startswith(PLACEHOLDER_MARKER):
        return {"key": base64.b64encode(key_b64.encode()).decode()}
    compact = "".join(key_b64.split())
    try:
        base64.b64decode(compact, validate=True)
    except ValueError as error:
        raise ArgumentError(_COMPONENT, "key_b64", "is not base64 (set it to `base64 -w0 <key file>`)") from error
    if mount_format == "binary":
        return {"key": compact}
    return {"key": base64.b64encode(compact.encode()).decode()}


@dataclass(frozen=True, kw_only=True)
class GitCryptKeyArgs:
    namespace: str
    key_b64: pulumi.Input[str]
    """Base64 of the key file; pass ``secret_inputs.secret_config(config, CONFIG_KEY)``."""
    mount_format: str = "binary"
    """``binary`` (upstream ``binary_data``) or ``base64_text`` (upstream ``data``)."""
    secret_name: str = "git-crypt-key"
    """The object name; upstream's ConfigMap name, kept so volume names and mounts read the same."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_dns_label(_COMPONENT, "secret_name", self.secret_name)
        require_choice(_COMPONENT, "mount_format", self.mount_format, MOUNT_FORMATS)
        if isinstance(self.key_b64, str):
            require_text(_COMPONENT, "key_b64", self.key_b64)


class GitCryptKey(pulumi.ComponentResource):
    """Output ``secret_name``; ``volume(name)`` is the pod volume mounting it."""

    secret_name: pulumi.Output[str]

    def __init__(self, name: str, args: GitCryptKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("homelab:k8s:GitCryptKey", name, None, opts)
        secret = k8s.core.v1.Secret(
            f"{name}-secret",
            metadata={"name": args.secret_name, "namespace": args.namespace},
            type="Opaque",
            data={"key": pulumi.Output.secret(pulumi.Output.from_input(args.key_b64).apply(
                lambda value: secret_data(value, args.mount_format)["key"]))},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.secret_name = secret.metadata["name"]
        self.register_outputs({"secret_name": self.secret_name})

    def volume(self, volume_name: str = "git-crypt-key", *, default_mode: int | None = None) -> dict:
        """Pod volume ``volume_name`` backed by the Secret (its name an output, so the workload waits)."""
        require_dns_label(_COMPONENT, "volume_name", volume_name)
        source: dict = {"secret_name": self.secret_name}
        if default_mode is not None:
            if isinstance(default_mode, bool) or not isinstance(default_mode, int) or not 0 <= default_mode <= 0o777:
                raise ArgumentError(_COMPONENT, "default_mode", f"is {default_mode!r}, expected a file mode like 0o400")
            source["default_mode"] = default_mode
        return {"name": volume_name, "secret": source}


def git_crypt_key(namespace: str, config: pulumi.Config, *, mount_format: str = "binary",
                  opts: pulumi.ResourceOptions | None = None) -> GitCryptKey:
    """The key Secret as a stack declares it: logical name ``git-crypt-key``, value from
    secret config ``gitCryptKey`` (a marked placeholder in offline previews)."""
    from components.secret_inputs import secret_config

    return GitCryptKey("git-crypt-key", GitCryptKeyArgs(
        namespace=namespace, key_b64=secret_config(config, CONFIG_KEY), mount_format=mount_format), opts=opts)
