"""DatabaseCredentials: the password of a Vault database static role, synced into a Secret.

Vault's database engine rotates the password of each static role (`pg-<app>`, `mysql-<app>`)
on its own schedule; ESO reads ``static-creds/<role>`` from the `vault-database`
ClusterSecretStore and rewrites the Secret. Apps mostly want a connection URL, so the
Secret is usually templated; and because the password changes under a running pod, the
synced Secret can carry Reloader's ``match`` annotation so that Deployments annotated
``reloader.stakater.com/search`` restart on rotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from components.errors import ArgumentError, require_dns_label, require_text
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey

_COMPONENT = "DatabaseCredentials"

PASSWORD = "{password}"
"""Token in template values that stands for the rotated password."""
RELOADER_MATCH_ANNOTATION = "reloader.stakater.com/match"


def database_url(scheme: str, *, user: str, host: str, database: str, port: int | None = None) -> str:
    """``<scheme>://<user>:<password>@<host>[:<port>]/<database>`` as a template value.

    ``scheme`` as the client library wants it: `postgresql`, `postgresql+asyncpg`, `mysql`.
    """
    address = host if port is None else f"{host}:{port}"
    return f"{scheme}://{user}:{PASSWORD}@{address}/{database}"


@dataclass(frozen=True, kw_only=True)
class DatabaseCredentialsArgs:
    namespace: str
    """Namespace of the ExternalSecret and the Secret it writes."""
    role: str
    """Vault static role (`pg-linkwarden`, `mysql-speedtest`): read from ``static-creds/<role>``."""
    password_key: str = "password"
    """Secret key the password is synced into (and the Go template variable of ``template``)."""
    template: Mapping[str, str] = field(default_factory=dict)
    """Keys of the synced Secret: values containing :data:`PASSWORD` are rendered from the
    password (see :func:`database_url`), others are literal (a user name, say); at least one
    must contain it. Empty: the Secret holds only ``password_key``."""
    reload_match: bool = False
    """Stamp ``reloader.stakater.com/match: "true"`` on the synced Secret."""
    remote_key: str | None = None
    """Full Vault path when it is not ``static-creds/<role>``."""
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    """On the ExternalSecret itself (not the synced Secret)."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_dns_label(_COMPONENT, "role", self.role)
        require_text(_COMPONENT, "password_key", self.password_key)
        if self.remote_key is not None:
            require_text(_COMPONENT, "remote_key", self.remote_key)
        if not isinstance(self.template, Mapping):
            raise ArgumentError(_COMPONENT, "template", "must map Secret keys to template text")
        for key, value in self.template.items():
            require_text(_COMPONENT, "template", key)
            if not isinstance(value, str):
                raise ArgumentError(_COMPONENT, f"template[{key!r}]", f"is {value!r}, expected text")
            if "{{" in value:
                raise ArgumentError(_COMPONENT, f"template[{key!r}]",
                                    f"writes a Go template by hand; use {PASSWORD} for the password")
        # A templated Secret holds only the template's keys, so without the token the
        # rotated password would never reach the app.
        if self.template and not any(PASSWORD in value for value in self.template.values()):
            key, value = next(iter(self.template.items()))
            raise ArgumentError(_COMPONENT, f"template[{key!r}]",
                                f"is {value!r}; some value must contain {PASSWORD} (use database_url())")


def credentials_args(args: DatabaseCredentialsArgs) -> ExternalSecretArgs:
    """The ExternalSecret the credentials are: one `vault-database` key, optionally templated."""
    go_ref = "{{ ." + args.password_key + " }}"
    template: dict = {}
    if args.reload_match:
        template["metadata"] = {"annotations": {RELOADER_MATCH_ANNOTATION: "true"}}
    if args.template:
        template["data"] = {k: v.replace(PASSWORD, go_ref) for k, v in args.template.items()}
    return ExternalSecretArgs(
        namespace=args.namespace,
        store="vault-database",
        data=[SecretKey(secret_key=args.password_key, key=args.remote_key or f"static-creds/{args.role}",
                        property="password")],
        template=template or None,
        labels=args.labels,
        annotations=args.annotations,
    )


class DatabaseCredentials(pulumi.ComponentResource):
    """ExternalSecret ``name`` (child ExternalSecret ``name``) writing Secret ``name``.

    Output ``secret_name``.
    """

    secret_name: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseCredentialsArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        external_args = credentials_args(args)
        super().__init__("homelab:k8s:DatabaseCredentials", name, None, opts)
        secret = ExternalSecret(name, external_args, opts=pulumi.ResourceOptions(parent=self))
        self.secret_name = secret.secret_name
        self.register_outputs({"secret_name": self.secret_name})
