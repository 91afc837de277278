"""Deploy-time reads of live cluster objects: the ESO-synced Secret, a ConfigMap, a Service, a Deployment.

Upstream read these through `kubernetes_secret` / `kubernetes_config_map` /
`kubernetes_service` data sources at plan time — mostly to put a value that ESO synced from
Vault into an annotation or a rendered config file. This module is the one way a program
does the same: the object is read with the resource's ``get`` (a Pulumi read, so the
real CLI reads it during preview and up, after ``depends_on``), and every value comes back
as a Pulumi secret.

The offline synth (``components.payload.offline_synth()``) never reaches a cluster: there
each value is its placeholder, explicitly. A key missing on the live object is an error on
``pulumi up`` naming the object, the key and where it should come from; a preview warns and
renders the placeholder, since on a first deploy ESO may not have synced yet.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.payload import PLACEHOLDER_MARKER, offline_synth

_COMPONENT = "read_live"
KINDS = ("Secret", "ConfigMap", "Service", "Deployment")
SERVICE_FIELDS = ("cluster_ip", "load_balancer_ip")
"""What a Service read can return: ``spec.clusterIP`` and the first MetalLB-assigned ingress IP."""
DEPLOYMENT_FIELDS = ("image",)
"""What a Deployment read can return: the first container's image (a chart-managed workload
whose tag Keel moves, fed back into the chart so a re-render never goes below it)."""
FIELDS = {"Service": SERVICE_FIELDS, "Deployment": DEPLOYMENT_FIELDS}


class MissingLiveValueError(RuntimeError):
    """The live object exists but lacks a key the program needs (outside a preview)."""


@dataclass(frozen=True, kw_only=True)
class LiveReadArgs:
    """What to read from live object ``<namespace>/<name>``."""

    namespace: str
    keys: Sequence[str]
    """Data keys (Secret, ConfigMap) or names from SERVICE_FIELDS / DEPLOYMENT_FIELDS."""
    kind: str = "Secret"
    """`Secret` (data is base64-decoded), `ConfigMap`, `Service` or `Deployment`."""
    placeholders: Mapping[str, str] = field(default_factory=dict)
    """Offline value per key, when a program needs it to parse (JSON, say); the default is
    ``PLACEHOLDER: <kind> <namespace>/<name> <key>``."""
    source: str | None = None
    """Where the value really comes from (e.g. "Vault secret/freshrss"), quoted in the
    error when the key is missing."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What must exist first: the ExternalSecret that syncs the Secret, typically."""
    resource_name: str | None = None
    """Logical name of the read (part of its URN in state); default ``<name>-synced``."""
    optional: Mapping[str, str] = field(default_factory=dict)
    """Keys the live object may lack, with the value to use then (upstream's
    ``lookup(data, key, default)``); any other missing key is an error on ``pulumi up``."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_choice(_COMPONENT, "kind", self.kind, KINDS)
        if isinstance(self.keys, str) or not self.keys:
            raise ArgumentError(_COMPONENT, "keys", "must be a non-empty list of keys")
        for key in self.keys:
            require_text(_COMPONENT, "keys[]", key)
            if self.kind in FIELDS:
                require_choice(_COMPONENT, "keys[]", key, FIELDS[self.kind])
        if len(set(self.keys)) != len(self.keys):
            raise ArgumentError(_COMPONENT, "keys", f"lists a key twice: {list(self.keys)!r}")
        for argument in ("placeholders", "optional"):
            unknown = sorted(set(getattr(self, argument)) - set(self.keys))
            if unknown:
                raise ArgumentError(_COMPONENT, argument, f"names keys that are not read: {unknown!r}")
        for key, value in self.optional.items():
            if not isinstance(value, str):
                raise ArgumentError(_COMPONENT, f"optional[{key!r}]", f"is {value!r}, expected the text to use")


def placeholder(kind: str, namespace: str, name: str, key: str) -> str:
    return f"{PLACEHOLDER_MARKER}: {kind} {namespace}/{name} {key}"


def read_live(name: str, args: LiveReadArgs) -> dict[str, pulumi.Output[str]]:
    """``{key: secret Output}`` for every key in ``args.keys`` of live ``<namespace>/<name>``."""
    require_dns_label(_COMPONENT, "name", name)
    fallback = {k: args.placeholders.get(k, placeholder(args.kind, args.namespace, name, k)) for k in args.keys}
    if offline_synth():
        return {k: pulumi.Output.secret(v) for k, v in fallback.items()}

    where = f"{args.kind} {args.namespace}/{name}"
    opts = pulumi.ResourceOptions(depends_on=list(args.depends_on))
    live_id = f"{args.namespace}/{name}"
    logical = args.resource_name or f"{name}-synced"
    if args.kind == "Secret":
        data = k8s.core.v1.Secret.get(logical, live_id, opts=opts).data.apply(_decoded)
    elif args.kind == "ConfigMap":
        data = k8s.core.v1.ConfigMap.get(logical, live_id, opts=opts).data.apply(lambda d: dict(d or {}))
    elif args.kind == "Deployment":
        deployment = k8s.apps.v1.Deployment.get(logical, live_id, opts=opts)
        data = deployment.spec.apply(_deployment_fields)
    else:
        service = k8s.core.v1.Service.get(logical, live_id, opts=opts)
        data = pulumi.Output.all(service.spec, service.status).apply(lambda parts: _service_fields(*parts))

    def pick(values: Mapping[str, str], key: str) -> str:
        if key in values and values[key] is not None:
            return values[key]
        if key in args.optional:
            return args.optional[key]
        hint = f" (it comes from {args.source})" if args.source else ""
        if pulumi.runtime.is_dry_run():
            pulumi.log.warn(f"{where} has no {key!r} yet{hint}; the preview uses a placeholder")
            return fallback[key]
        raise MissingLiveValueError(f"{where} has no {key!r}{hint}; fix the source, let it sync, then re-run")

    return {k: pulumi.Output.secret(data.apply(lambda values, k=k: pick(values, k))) for k in args.keys}


_REQUIRED = object()


def json_value(value: pulumi.Output[str], *path: str, default: Any = _REQUIRED) -> pulumi.Output[Any]:
    """The member at ``path`` of a JSON document read with :func:`read_live` (still secret).

    With ``default``, a document whose last object lacks the final member yields
    ``default`` (upstream's ``lookup(obj, key, null)``); the members leading to it must
    still exist. A placeholder that is not JSON yields the placeholder itself, so previews render.
    """
    def pick(text: str) -> Any:
        try:
            node: Any = json.loads(text)
        except ValueError:
            if text.startswith(PLACEHOLDER_MARKER):
                return text
            raise
        for step in path[:-1]:
            node = node[step]
        if path and default is not _REQUIRED and isinstance(node, Mapping) and path[-1] not in node:
            return default
        return node[path[-1]] if path else node

    return pulumi.Output.secret(value.apply(pick))


def _decoded(data: Mapping[str, str] | None) -> dict[str, str]:
    return {k: base64.b64decode(v).decode("utf-8") for k, v in (data or {}).items()}


def _get(obj: Any, key: str, wire_key: str) -> Any:
    # Typed outputs (pulumi_kubernetes.*.outputs) answer the snake_case property; plain
    # dicts may carry either spelling depending on how the SDK deserialized them.
    if obj is None:
        return None
    value = getattr(obj, key, None)
    if value is None and isinstance(obj, Mapping):
        value = obj.get(key, obj.get(wire_key))
    return value


def _deployment_fields(spec: Any) -> dict[str, str | None]:
    pod = _get(_get(spec, "template", "template"), "spec", "spec")
    containers = _get(pod, "containers", "containers") or []
    return {"image": _get(containers[0], "image", "image") if containers else None}


def _service_fields(spec: Any, status: Any) -> dict[str, str | None]:
    get = _get
    ingress = get(get(status, "load_balancer", "loadBalancer"), "ingress", "ingress") or []
    return {"cluster_ip": get(spec, "cluster_ip", "clusterIP"),
            "load_balancer_ip": get(ingress[0], "ip", "ip") if ingress else None}
