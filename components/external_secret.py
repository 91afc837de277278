"""ExternalSecret: a Kubernetes Secret synced by External Secrets Operator from Vault.

Always ``external-secrets.io/v1`` (v1beta1 is gone from the CRD and there is no conversion
webhook). Server-side apply conflicts with the ESO controller's field manager are taken
over by default, which upstream had to add by hand to every manifest after the ESO 2.x
upgrade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError, require_choice, require_dns_label, require_text

_COMPONENT = "ExternalSecret"

API_VERSION = "external-secrets.io/v1"
STORES = ("vault-kv", "vault-database")
CREATION_POLICIES = ("Owner", "Orphan", "Merge", "None")
RELOADER_ANNOTATION = "reloader.stakater.com/auto"


@dataclass(frozen=True, kw_only=True)
class SecretKey:
    """One `spec.data` entry: Vault `key`/`property` -> Secret key `secret_key`."""

    secret_key: str
    key: str
    property: str | None = None


@dataclass(frozen=True, kw_only=True)
class ExternalSecretArgs:
    namespace: str
    """Namespace of the ExternalSecret and its target Secret."""
    store: str = "vault-kv"
    """ClusterSecretStore: `vault-kv` (KV v2 at secret/) or `vault-database` (dynamic DB creds)."""
    data: Sequence[SecretKey] = ()
    """Individual keys to copy."""
    extract: Sequence[str] = ()
    """Vault paths whose every property becomes a key (`dataFrom.extract`)."""
    target_name: str | None = None
    """Name of the Secret ESO writes; defaults to the ExternalSecret name."""
    creation_policy: str | None = None
    """`Owner`, `Orphan`, `Merge` or `None`; omitted = ESO default (Owner)."""
    template: Mapping | None = None
    """`spec.target.template` (type, metadata, data with Go templates) when the Secret needs shaping."""
    refresh_interval: str = "15m"
    """How often ESO re-reads Vault."""
    force_conflicts: bool = True
    """Take over fields another field manager (ESO's own, a v1beta1-era apply) holds."""
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    data_from_extra: Sequence[Mapping] = ()
    """Additional raw `dataFrom` entries (e.g. `find`), appended after `extract`."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_choice(_COMPONENT, "store", self.store, STORES)
        if self.creation_policy is not None:
            require_choice(_COMPONENT, "creation_policy", self.creation_policy, CREATION_POLICIES)
        if isinstance(self.extract, str):
            raise ArgumentError(_COMPONENT, "extract", "must be a list of Vault paths, not a string")
        if not self.data and not self.extract and not self.data_from_extra:
            raise ArgumentError(_COMPONENT, "data", "and 'extract' are both empty; name at least one Vault key or path")
        for item in self.data:
            if not isinstance(item, SecretKey):
                raise ArgumentError(_COMPONENT, "data", f"entries must be SecretKey(...), got {item!r}")
            require_text(_COMPONENT, "data[].secret_key", item.secret_key)
            require_text(_COMPONENT, "data[].key", item.key)
        for path in self.extract:
            require_text(_COMPONENT, "extract[]", path)
        if self.target_name is not None:
            require_dns_label(_COMPONENT, "target_name", self.target_name)
        import re

        if not re.fullmatch(r"[0-9]+(s|m|h)", self.refresh_interval):
            raise ArgumentError(_COMPONENT, "refresh_interval", f"is {self.refresh_interval!r}, expected e.g. '15m', '1h'")


def external_secret_spec(name: str, args: ExternalSecretArgs) -> dict:
    """The `spec` ESO receives, camelCase as on the wire."""
    target: dict = {"name": args.target_name or name}
    if args.creation_policy is not None:
        target["creationPolicy"] = args.creation_policy
    if args.template is not None:
        target["template"] = dict(args.template)
    spec: dict = {
        "refreshInterval": args.refresh_interval,
        "secretStoreRef": {"name": args.store, "kind": "ClusterSecretStore"},
        "target": target,
    }
    if args.data:
        spec["data"] = [
            {"secretKey": d.secret_key, "remoteRef": {"key": d.key, **({"property": d.property} if d.property else {})}}
            for d in args.data
        ]
    data_from = [{"extract": {"key": path}} for path in args.extract] + [dict(x) for x in args.data_from_extra]
    if data_from:
        spec["dataFrom"] = data_from
    return spec


class ExternalSecret(pulumi.ComponentResource):
    """An ESO ExternalSecret named ``name``. Output ``secret_name``: the Secret ESO writes."""

    secret_name: pulumi.Output[str]

    def __init__(self, name: str, args: ExternalSecretArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:ExternalSecret", name, None, opts)
        annotations = dict(args.annotations)
        if args.force_conflicts:
            annotations[c.PATCH_FORCE_ANNOTATION] = "true"
        metadata: dict = {"name": name, "namespace": args.namespace}
        if args.labels:
            metadata["labels"] = dict(args.labels)
        if annotations:
            metadata["annotations"] = annotations
        k8s.apiextensions.CustomResource(
            f"{name}-external-secret",
            api_version=API_VERSION,
            kind="ExternalSecret",
            metadata=metadata,
            spec=external_secret_spec(name, args),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.secret_name = pulumi.Output.from_input(args.target_name or name)
        self.register_outputs({"secret_name": self.secret_name})


def reload_on_change(annotations: Mapping[str, str] | None = None) -> dict[str, str]:
    """Deployment annotations that make Reloader restart pods when a mounted/env Secret changes.

    Use on workloads that read a synced Secret only at start-up.
    """
    return {**(annotations or {}), RELOADER_ANNOTATION: "true"}
