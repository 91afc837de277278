"""Idempotent database bootstrap inside the shared database servers.

Application roles and databases on the shared PostgreSQL (CloudNativePG) cluster and
static MySQL users are created by running SQL in the server pod with ``kubectl exec``
from the machine that runs ``pulumi up`` (the Terraform repo did the same with
``null_resource`` + ``local-exec``). Every statement is safe to repeat: roles and
databases are created only when absent, grants are re-issued, and MySQL passwords are
re-set, so a re-run after a Vault rotation of a static MySQL password re-syncs it.

Passwords of PostgreSQL roles belong to Vault's database engine (static roles rotate
them weekly); the role is created with a throw-away password Vault replaces.

Needs ``kubectl`` on the PATH with a kubeconfig for the cluster (``KUBECONFIG`` or the
default location) wherever the stack is applied.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_command as command

from components.errors import ArgumentError, require_dns_label

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
VAULT_ROTATED_PASSWORD = "changeme-vault-will-rotate"
"""Initial password of a PostgreSQL role; Vault's static role overwrites it on first rotation."""


def _require_identifier(component: str, argument: str, value: object) -> None:
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise ArgumentError(component, argument,
                            f"is {value!r}, expected a SQL identifier (lowercase letters, digits, '_', max 63)")


# --- PostgreSQL -----------------------------------------------------------------------------

_PG = "PostgresDatabase"


@dataclass(frozen=True, kw_only=True)
class PostgresDatabaseArgs:
    """Inputs of :class:`PostgresDatabase`."""

    owner: str
    """Login role that owns the databases (the Vault static role's username)."""
    databases: Sequence[str] = ()
    """Databases owned by ``owner``; empty means one database named like the role."""
    schema: str | None = None
    """When set: create this schema (owned by the role) in the first database and pin the
    role's search_path to it, so unqualified tables land there instead of ``public``."""
    namespace: str = "dbaas"
    """Namespace of the CloudNativePG cluster."""
    cluster: str = "pg-cluster"
    """Name of the CloudNativePG ``Cluster``; the SQL runs in its current primary."""

    def __post_init__(self) -> None:
        _require_identifier(_PG, "owner", self.owner)
        if isinstance(self.databases, str):
            raise ArgumentError(_PG, "databases", "must be a list of database names, not a string")
        for db in self.databases:
            _require_identifier(_PG, "databases[]", db)
        if len(set(self.databases)) != len(tuple(self.databases)):
            raise ArgumentError(_PG, "databases", f"lists a database twice: {list(self.databases)!r}")
        if self.schema is not None:
            _require_identifier(_PG, "schema", self.schema)
        require_dns_label(_PG, "namespace", self.namespace)
        require_dns_label(_PG, "cluster", self.cluster)

    @property
    def database_names(self) -> tuple[str, ...]:
        return tuple(self.databases) or (self.owner,)


def postgres_bootstrap_sql(args: PostgresDatabaseArgs) -> str:
    """psql input creating the role and databases when absent, then (re-)granting."""
    role = args.owner
    lines = [
        "\\set ON_ERROR_STOP on",
        f"SELECT 'CREATE ROLE {role} WITH LOGIN PASSWORD ''{VAULT_ROTATED_PASSWORD}''' "
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '{role}') \\gexec",
    ]
    for db in args.database_names:
        lines += [
            f"SELECT 'CREATE DATABASE {db} OWNER {role}' "
            f"WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = '{db}') \\gexec",
            f"GRANT ALL PRIVILEGES ON DATABASE {db} TO {role};",
        ]
    if args.schema is not None:
        lines += [
            f"ALTER ROLE {role} SET search_path TO {args.schema};",
            f"\\connect {args.database_names[0]}",
            f"CREATE SCHEMA IF NOT EXISTS {args.schema} AUTHORIZATION {role};",
        ]
    return "\n".join(lines) + "\n"


def postgres_exec_command(namespace: str, cluster: str) -> str:
    """Shell command: find the cluster's current primary and feed stdin to psql there."""
    ns, name = shlex.quote(namespace), shlex.quote(cluster)
    return (
        "set -eu\n"
        f"primary=$(kubectl get clusters.postgresql.cnpg.io -n {ns} {name} "
        "-o jsonpath='{.status.currentPrimary}')\n"
        'test -n "$primary"\n'
        f'kubectl exec -i -n {ns} "$primary" -c postgres -- psql -U postgres -X -q\n'
    )


class PostgresDatabase(pulumi.ComponentResource):
    """Role + databases on the shared cluster (child ``<name>-bootstrap``).

    Outputs ``owner`` and ``databases``. Removing the component drops nothing.
    """

    owner: pulumi.Output[str]
    """The login role."""
    databases: pulumi.Output[list]
    """The databases the role owns."""

    def __init__(self, name: str, args: PostgresDatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_PG, "name", name)
        super().__init__("homelab:db:PostgresDatabase", name, None, opts)
        command.local.Command(
            f"{name}-bootstrap",
            create=postgres_exec_command(args.namespace, args.cluster),
            stdin=postgres_bootstrap_sql(args),
            # A different role/database set is a new bootstrap; a reworded script is not.
            triggers=[args.owner, *args.database_names, args.schema or ""],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.owner = pulumi.Output.from_input(args.owner)
        self.databases = pulumi.Output.from_input(list(args.database_names))
        self.register_outputs({"owner": self.owner, "databases": self.databases})


# --- MySQL ----------------------------------------------------------------------------------

_MY = "MysqlUser"


@dataclass(frozen=True, kw_only=True)
class MysqlUserArgs:
    """Inputs of :class:`MysqlUser`."""

    user: str
    """Account name (``'<user>'@'%'``)."""
    database: str
    """Database created when absent; the user gets every privilege on it."""
    password: pulumi.Input[str]
    """The user's password (a secret, e.g. components.secret_inputs.vault_field)."""
    namespace: str = "dbaas"
    pod: str = "mysql-standalone-0"
    """Server pod the SQL runs in."""
    container: str = "mysql"

    def __post_init__(self) -> None:
        _require_identifier(_MY, "user", self.user)
        _require_identifier(_MY, "database", self.database)
        if self.password is None or (isinstance(self.password, str) and not self.password):
            raise ArgumentError(_MY, "password", "must be set (a Vault field or secret config)")
        for argument in ("namespace", "pod", "container"):
            require_dns_label(_MY, argument, getattr(self, argument))


def _mysql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def mysql_user_sql(user: str, database: str, password: str) -> str:
    """mysql input: database and user when absent, password (re-)set, privileges granted."""
    account = f"'{user}'@'%'"
    secret = _mysql_string(password)
    return "\n".join([
        f"CREATE DATABASE IF NOT EXISTS `{database}`;",
        f"CREATE USER IF NOT EXISTS {account} IDENTIFIED WITH caching_sha2_password BY {secret};",
        f"ALTER USER {account} IDENTIFIED WITH caching_sha2_password BY {secret};",
        f"GRANT ALL PRIVILEGES ON `{database}`.* TO {account};",
        "FLUSH PRIVILEGES;",
    ]) + "\n"


def mysql_exec_command(namespace: str, pod: str, container: str) -> str:
    """Shell command: feed stdin to the mysql client as root inside the server pod."""
    return (
        f"kubectl exec -i -n {shlex.quote(namespace)} {shlex.quote(pod)} -c {shlex.quote(container)} -- "
        "sh -c 'exec mysql -uroot -p\"$MYSQL_ROOT_PASSWORD\"'\n"
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class MysqlUser(pulumi.ComponentResource):
    """Static MySQL application user (child ``<name>-bootstrap``). Output ``user``.

    Re-runs when the password changes (its hash is a trigger), re-syncing a rotation.
    """

    user: pulumi.Output[str]
    """The account name."""

    def __init__(self, name: str, args: MysqlUserArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_MY, "name", name)
        super().__init__("homelab:db:MysqlUser", name, None, opts)
        password = pulumi.Output.from_input(args.password)
        command.local.Command(
            f"{name}-bootstrap",
            create=mysql_exec_command(args.namespace, args.pod, args.container),
            stdin=pulumi.Output.secret(password.apply(lambda p: mysql_user_sql(args.user, args.database, p))),
            triggers=[args.user, args.database, password.apply(_sha256)],
            # The client echoes nothing secret, but keep the captured output out of logs anyway.
            logging="none",
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["stdin"]),
        )
        self.user = pulumi.Output.from_input(args.user)
        self.register_outputs({"user": self.user})
