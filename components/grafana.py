"""Grafana provisioning objects: datasource and dashboard ConfigMaps for the sidecars.

Grafana (stack `monitoring`) runs the chart's two sidecars, which watch the `monitoring`
namespace for ConfigMaps labelled ``grafana_datasource: "1"`` (datasource files) and
``grafana_dashboard: "1"`` (dashboard JSON, filed under the folder named by the
``grafana_folder`` annotation). Any stack can ship such objects; each one has exactly one
owner, the stack whose data it shows.

:class:`GrafanaDatasource` owns one datasource ConfigMap whose single file is the
Terraform ``yamlencode`` of ``{"apiVersion": 1, "datasources": [...]}`` (byte-exact, so
adoption changes nothing). A database datasource that reads its password from Grafana's
environment (``$__env{VAR}``, see :func:`env_password`) also owns the
:class:`~components.database_credentials.DatabaseCredentials` syncing the rotated password
into ``monitoring`` as key ``VAR`` (Grafana mounts it via ``envFromSecrets``; Reloader
restarts Grafana on rotation), and the ConfigMap is created after it.

:class:`GrafanaDashboard` owns one dashboard ConfigMap built from payload files under the
stack's ``files/`` (placeholders allowed in previews, refused by a real ``up``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pulumi
import pulumi_kubernetes as k8s

from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.errors import ArgumentError, require_dns_label, require_text
from components.payload import load_payload
from components.tf_encoding import yamlencode

MONITORING_NAMESPACE = "monitoring"
DATASOURCE_LABEL = "grafana_datasource"
DASHBOARD_LABEL = "grafana_dashboard"
FOLDER_ANNOTATION = "grafana_folder"

_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_ENV_VAR = re.compile(r"[A-Z_][A-Z0-9_]*")


def env_password(variable: str) -> str:
    """Grafana's reference to an environment variable in a provisioning file."""
    return "$__env{" + variable + "}"


def _contains_text(value: object, needle: str) -> bool:
    if isinstance(value, str):
        return needle in value
    if isinstance(value, Mapping):
        return any(_contains_text(v, needle) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_text(v, needle) for v in value)
    return False


def datasource_file(datasources: Sequence[Mapping]) -> str:
    """The provisioning file the sidecar reads, as Terraform's yamlencode wrote it."""
    return yamlencode({"apiVersion": 1, "datasources": [dict(d) for d in datasources]})


@dataclass(frozen=True, kw_only=True)
class DatasourceCredentials:
    """A rotated database password handed to Grafana as an environment variable."""

    secret_name: str
    """Name of the ExternalSecret and of the Secret it writes in ``monitoring``
    (`grafana-job-hunter-pg-creds`)."""
    role: str
    """Vault static role (`pg-job-hunter`), read from ``static-creds/<role>``."""
    env_var: str
    """Secret key = Grafana environment variable (`JOB_HUNTER_PG_PASSWORD`)."""

    def __post_init__(self) -> None:
        require_dns_label("GrafanaDatasource", "credentials.secret_name", self.secret_name)
        require_dns_label("GrafanaDatasource", "credentials.role", self.role)
        if not isinstance(self.env_var, str) or not _ENV_VAR.fullmatch(self.env_var):
            raise ArgumentError("GrafanaDatasource", "credentials.env_var",
                                f"is {self.env_var!r}, expected an upper-case variable name")


@dataclass(frozen=True, kw_only=True)
class GrafanaDatasourceArgs:
    """Inputs of :class:`GrafanaDatasource`."""

    file_name: str
    """The ConfigMap key (`job-hunter-datasource.yaml`)."""
    datasources: Sequence[Mapping]
    """Grafana datasource entries, camelCase as Grafana reads them; values may be Outputs
    (a password read with read_live)."""
    credentials: DatasourceCredentials | None = None
    """The password synced for ``$__env{...}``; None when the file needs none (or carries the
    password itself)."""
    namespace: str = MONITORING_NAMESPACE
    """Where Grafana's sidecar looks; only `monitoring` in this cluster."""

    def __post_init__(self) -> None:
        require_dns_label("GrafanaDatasource", "namespace", self.namespace)
        if not isinstance(self.file_name, str) or not _KEY.fullmatch(self.file_name) \
                or not self.file_name.endswith((".yaml", ".yml")):
            raise ArgumentError("GrafanaDatasource", "file_name",
                                f"is {self.file_name!r}, expected a ConfigMap key ending in .yaml")
        if isinstance(self.datasources, (str, Mapping)) or not self.datasources:
            raise ArgumentError("GrafanaDatasource", "datasources", "must be a non-empty list of datasource mappings")
        for i, entry in enumerate(self.datasources):
            if not isinstance(entry, Mapping):
                raise ArgumentError("GrafanaDatasource", f"datasources[{i}]", f"is {entry!r}, expected a mapping")
            for key in ("name", "type"):
                require_text("GrafanaDatasource", f"datasources[{i}].{key}", entry.get(key))
        if self.credentials is not None:
            ref = env_password(self.credentials.env_var)
            if not _contains_text(list(self.datasources), ref):
                raise ArgumentError("GrafanaDatasource", "credentials.env_var",
                                    f"{self.credentials.env_var!r} is synced but no datasource reads {ref}")


class GrafanaDatasource(pulumi.ComponentResource):
    """ConfigMap ``name`` (child ``<name>``) labelled for the datasource sidecar, and
    optionally DatabaseCredentials ``credentials.secret_name``.

    Outputs ``config_map_name`` and ``secret_name`` (None without credentials).
    """

    config_map_name: pulumi.Output[str]
    secret_name: pulumi.Output[str | None]

    def __init__(self, name: str, args: GrafanaDatasourceArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label("GrafanaDatasource", "name", name)
        super().__init__("homelab:k8s:GrafanaDatasource", name, None, opts)
        depends_on: list[pulumi.Resource] = []
        secret_name: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if args.credentials is not None:
            creds = DatabaseCredentials(args.credentials.secret_name, DatabaseCredentialsArgs(
                namespace=args.namespace, role=args.credentials.role, reload_match=True,
                template={args.credentials.env_var: PASSWORD},
            ), opts=pulumi.ResourceOptions(parent=self))
            depends_on.append(creds)
            secret_name = creds.secret_name
        body = pulumi.Output.from_input([dict(d) for d in args.datasources]).apply(datasource_file)
        k8s.core.v1.ConfigMap(
            name,
            metadata={"name": name, "namespace": args.namespace, "labels": {DATASOURCE_LABEL: "1"}},
            data={args.file_name: body},
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.config_map_name = pulumi.Output.from_input(name)
        self.secret_name = secret_name
        self.register_outputs({"config_map_name": self.config_map_name, "secret_name": self.secret_name})


@dataclass(frozen=True, kw_only=True)
class GrafanaDashboardArgs:
    """Inputs of :class:`GrafanaDashboard`."""

    stack_dir: str | Path
    """The stack's directory (``Path(__file__).parent``)."""
    files: Mapping[str, str]
    """{ConfigMap key (`technitium-dns.json`): path under ``<stack_dir>/files/``}."""
    folder: str | None
    """Grafana folder (``grafana_folder`` annotation); None: no annotation (General)."""
    namespace: str = MONITORING_NAMESPACE

    def __post_init__(self) -> None:
        require_dns_label("GrafanaDashboard", "namespace", self.namespace)
        if self.folder is not None:
            require_text("GrafanaDashboard", "folder", self.folder)
        if not isinstance(self.stack_dir, (str, Path)) or not Path(self.stack_dir).is_dir():
            raise ArgumentError("GrafanaDashboard", "stack_dir", f"is {self.stack_dir!r}, not a directory")
        if not isinstance(self.files, Mapping) or not self.files:
            raise ArgumentError("GrafanaDashboard", "files", "must map at least one key to a file under files/")
        for key, relative in self.files.items():
            if not isinstance(key, str) or not _KEY.fullmatch(key) or not key.endswith(".json"):
                raise ArgumentError("GrafanaDashboard", "files", f"key {key!r} is not a ConfigMap key ending in .json")
            require_text("GrafanaDashboard", f"files[{key!r}]", relative)
            path = PurePosixPath(relative)
            if path.is_absolute() or ".." in path.parts:
                raise ArgumentError("GrafanaDashboard", f"files[{key!r}]", f"is {relative!r}; give a path inside files/")
            if not (Path(self.stack_dir) / "files" / relative).is_file():
                raise ArgumentError("GrafanaDashboard", f"files[{key!r}]",
                                    f"names {relative!r}, which is missing under {Path(self.stack_dir) / 'files'}")


class GrafanaDashboard(pulumi.ComponentResource):
    """ConfigMap ``name`` (child ``<name>``) labelled for the dashboard sidecar.

    Output ``config_map_name``.
    """

    config_map_name: pulumi.Output[str]

    def __init__(self, name: str, args: GrafanaDashboardArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label("GrafanaDashboard", "name", name)
        super().__init__("homelab:k8s:GrafanaDashboard", name, None, opts)
        metadata: dict = {"name": name, "namespace": args.namespace, "labels": {DASHBOARD_LABEL: "1"}}
        if args.folder is not None:
            metadata["annotations"] = {FOLDER_ANNOTATION: args.folder}
        k8s.core.v1.ConfigMap(
            name,
            metadata=metadata,
            data={key: load_payload(args.stack_dir, relative) for key, relative in args.files.items()},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.config_map_name = pulumi.Output.from_input(name)
        self.register_outputs({"config_map_name": self.config_map_name})
