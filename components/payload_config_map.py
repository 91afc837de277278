"""PayloadConfigMap: files a stack ships under ``stacks/<name>/files/`` as one ConfigMap.

Scripts, config files and small dashboards that a workload mounts. Every file goes
through :func:`components.payload.load_payload`, so a placeholder renders in previews and
the offline synth and is refused by a real ``pulumi up``. Optionally the component
computes a content hash for a pod-template annotation (``checksum/config`` and the like):
a changed file then changes the pod template, and the Deployment rolls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.moved import child_options, require_moved_from
from components.payload import HASH_ALGORITHMS, content_hash, load_payload

_COMPONENT = "PayloadConfigMap"
_KEY = re.compile(r"[-._a-zA-Z0-9]+")


@dataclass(frozen=True, kw_only=True)
class PayloadConfigMapArgs:
    """Inputs of :class:`PayloadConfigMap`."""

    namespace: str
    stack_dir: str | Path
    """The stack's directory (``Path(__file__).parent`` in ``__main__.py``)."""
    files: Mapping[str, str]
    """{ConfigMap key: path under ``<stack_dir>/files/``}, in the order given."""
    config_map_name: str | None = None
    """The ConfigMap's name; defaults to the component name."""
    labels: Mapping[str, str] = field(default_factory=dict)
    hash_annotation: str | None = None
    """Pod annotation key that carries the content hash (e.g. ``checksum/config``); None: no hash."""
    hash_keys: Sequence[str] | None = None
    """Keys whose content is hashed; None: every file. See payload.content_hash for how several combine."""
    hash_algorithm: str = "sha256"
    """`sha256` or `sha1` — whatever the adopted pod template's annotation was computed with."""
    moved_from: Mapping[str, str] = field(default_factory=dict)
    """``{"config_map": <old logical name>}`` when the ConfigMap was a top-level resource."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        if not isinstance(self.stack_dir, (str, Path)) or not Path(self.stack_dir).is_dir():
            raise ArgumentError(_COMPONENT, "stack_dir", f"is {self.stack_dir!r}, not a directory")
        if not isinstance(self.files, Mapping) or not self.files:
            raise ArgumentError(_COMPONENT, "files", "must map at least one ConfigMap key to a file under files/")
        for key, relative in self.files.items():
            if not isinstance(key, str) or len(key) > 253 or not _KEY.fullmatch(key):
                raise ArgumentError(_COMPONENT, "files", f"key {key!r} is not a valid ConfigMap key")
            require_text(_COMPONENT, f"files[{key!r}]", relative)
            path = PurePosixPath(relative)
            if path.is_absolute() or ".." in path.parts:
                raise ArgumentError(_COMPONENT, f"files[{key!r}]", f"is {relative!r}; give a path inside files/")
            if not (Path(self.stack_dir) / "files" / relative).is_file():
                raise ArgumentError(_COMPONENT, f"files[{key!r}]",
                                    f"names {relative!r}, which is missing under {Path(self.stack_dir) / 'files'}")
        if self.config_map_name is not None:
            require_dns_label(_COMPONENT, "config_map_name", self.config_map_name)
        if self.hash_annotation is not None:
            require_text(_COMPONENT, "hash_annotation", self.hash_annotation)
        if self.hash_keys is not None:
            if self.hash_annotation is None:
                raise ArgumentError(_COMPONENT, "hash_keys", "needs hash_annotation")
            if isinstance(self.hash_keys, str) or not self.hash_keys:
                raise ArgumentError(_COMPONENT, "hash_keys", "must be a non-empty list of keys of files")
            for key in self.hash_keys:
                if key not in self.files:
                    raise ArgumentError(_COMPONENT, "hash_keys", f"names {key!r}, which is not a key of files",
                                        self.files)
        require_choice(_COMPONENT, "hash_algorithm", self.hash_algorithm, HASH_ALGORITHMS)
        require_moved_from(_COMPONENT, self.moved_from, ("config_map",))


class PayloadConfigMap(pulumi.ComponentResource):
    """ConfigMap ``config_map_name`` (child ``<name>-config-map``).

    Outputs ``config_map_name`` and ``content_hash`` (None without ``hash_annotation``).
    ``volume()`` gives the pod volume that mounts it and ``pod_annotations`` the hash
    annotation ({} without one), both for the consuming workload's arguments.
    """

    config_map_name: pulumi.Output[str]
    content_hash: pulumi.Output[str | None]
    pod_annotations: dict[str, str]

    def __init__(self, name: str, args: PayloadConfigMapArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        # Read (and refuse placeholders) before registering anything.
        data = {key: load_payload(args.stack_dir, relative) for key, relative in args.files.items()}
        super().__init__("homelab:k8s:PayloadConfigMap", name, None, opts)
        digest = None
        self.pod_annotations = {}
        if args.hash_annotation is not None:
            keys = list(args.hash_keys) if args.hash_keys is not None else list(data)
            digest = content_hash([data[k] for k in keys], args.hash_algorithm)
            self.pod_annotations = {args.hash_annotation: digest}
        metadata: dict = {"name": args.config_map_name or name, "namespace": args.namespace}
        if args.labels:
            metadata["labels"] = dict(args.labels)
        self._config_map = k8s.core.v1.ConfigMap(
            f"{name}-config-map", metadata=metadata, data=data,
            opts=child_options(self, args.moved_from, "config_map"))
        self.config_map_name = self._config_map.metadata["name"]
        self.content_hash = pulumi.Output.from_input(digest)
        self.register_outputs({"config_map_name": self.config_map_name, "content_hash": self.content_hash})

    def volume(self, volume_name: str, *, default_mode: int | None = None) -> dict:
        """Pod volume ``volume_name`` backed by this ConfigMap (its name an output, so the
        workload waits for the ConfigMap)."""
        require_dns_label(_COMPONENT, "volume_name", volume_name)
        source: dict = {"name": self.config_map_name}
        if default_mode is not None:
            if isinstance(default_mode, bool) or not isinstance(default_mode, int) or not 0 <= default_mode <= 0o777:
                raise ArgumentError(_COMPONENT, "default_mode", f"is {default_mode!r}, expected a file mode like 0o755")
            source["default_mode"] = default_mode
        return {"name": volume_name, "config_map": source}
