"""TraefikRoute and ServersTransport: Traefik routing custom resources besides Middleware.

`TraefikRoute` is one ``IngressRoute`` (HTTP router) or ``IngressRouteTCP`` (L4 / SNI
router). It owns the explicit name, a minimal shape check of ``spec.routes`` and the auth
posture annotations the policy pack reads (policy ``ingressroute-auth-posture``): a stated
posture is validated the way IngressFactory validates its ``auth`` (a reason for anything
but ``required``; an L4 route can only be ``app`` or ``none``). An HTTP route may leave
``auth`` unset when its middlewares carry Authentik forward-auth: the policy infers the
posture from them and no annotation is written, which is how such routes exist live.

`ServersTransport` is one ``ServersTransport``: how Traefik talks to a backend (TLS
verification, SNI name, forwarding timeouts). Ingresses point at it with
:func:`servers_transport_reference` in ``traefik.ingress.kubernetes.io/service.serverstransport``.

Ordering given in ``opts.depends_on`` (the Traefik release that installs the CRDs, the
Middlewares a route names) is applied to the custom resource itself as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.traefik_middleware import API_VERSION

_COMPONENT = "TraefikRoute"
_TRANSPORT = "ServersTransport"

ROUTE_KINDS: tuple[str, ...] = ("IngressRoute", "IngressRouteTCP")
# Postures an L4 router can truthfully state: Authentik cannot sit in front of it.
L4_AUTH_MODES: tuple[str, ...] = ("app", "none")
# Forwarding-timeout keys of the ServersTransport CRD.
FORWARDING_TIMEOUT_KEYS: tuple[str, ...] = ("dialTimeout", "responseHeaderTimeout", "idleConnTimeout",
                                            "readIdleTimeout", "pingTimeout")


def servers_transport_reference(namespace: str, name: str) -> str:
    """The Ingress-annotation form of a ServersTransport: ``<namespace>-<name>@kubernetescrd``."""
    return f"{namespace}-{name}@kubernetescrd"


def route_annotations(kind: str, auth: str | None, auth_reason: str | None) -> dict[str, str]:
    """The posture annotations for a route of ``kind``; empty when ``auth`` is left to inference."""
    if auth is None:
        if auth_reason is not None:
            raise ArgumentError(_COMPONENT, "auth_reason", "is set but auth is not; state the posture it explains")
        if kind != "IngressRoute":
            raise ArgumentError(_COMPONENT, "auth", f"is required for an {kind} (an L4 route has no middlewares "
                                                    "to infer it from)", L4_AUTH_MODES)
        return {}
    require_choice(_COMPONENT, "auth", auth, L4_AUTH_MODES if kind != "IngressRoute" else c.AUTH_MODES)
    annotations = {c.AUTH_ANNOTATION: auth}
    if auth != "required":
        if not isinstance(auth_reason, str) or not auth_reason.strip():
            raise ArgumentError(_COMPONENT, "auth_reason", f"must say why auth={auth!r} is safe for this route")
        annotations[c.AUTH_REASON_ANNOTATION] = " ".join(auth_reason.split())
    return annotations


@dataclass(frozen=True, kw_only=True)
class TraefikRouteArgs:
    """Inputs of :class:`TraefikRoute`."""

    namespace: str
    """Namespace of the route object."""
    spec: Mapping
    """The camelCase `spec` (``entryPoints``, ``routes``, ``tls``); at least one route, each with a ``match``."""
    kind: str = "IngressRoute"
    """``IngressRoute`` (HTTP) or ``IngressRouteTCP`` (L4)."""
    route_name: str | None = None
    """Kubernetes name; defaults to the component name."""
    auth: str | None = None
    """Posture annotation (required/app/public/none; L4: app/none). ``None`` only for an HTTP route
    whose middlewares carry Authentik forward-auth (the policy infers it)."""
    auth_reason: str | None = None
    """Why a posture other than ``required`` is safe; mandatory then."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    """Further annotations, written as given."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels, written as given."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_choice(_COMPONENT, "kind", self.kind, ROUTE_KINDS)
        if self.route_name is not None:
            require_dns_label(_COMPONENT, "route_name", self.route_name)
        if not isinstance(self.spec, Mapping):
            raise ArgumentError(_COMPONENT, "spec", f"must be a mapping, got {type(self.spec).__name__}")
        routes = self.spec.get("routes")
        if not isinstance(routes, (list, tuple)) or not routes:
            raise ArgumentError(_COMPONENT, "spec", "needs a non-empty 'routes' list")
        for route in routes:
            if not isinstance(route, Mapping):
                raise ArgumentError(_COMPONENT, "spec", f"has a route that is not a mapping: {route!r}")
            require_text(_COMPONENT, "spec.routes[].match", route.get("match"))
        clash = {c.AUTH_ANNOTATION, c.AUTH_REASON_ANNOTATION} & set(self.annotations)
        if clash:
            raise ArgumentError(_COMPONENT, "annotations", f"sets {sorted(clash)}; use auth / auth_reason")
        route_annotations(self.kind, self.auth, self.auth_reason)


class TraefikRoute(pulumi.ComponentResource):
    """IngressRoute / IngressRouteTCP ``args.route_name or name``. Output: ``route_name``."""

    route_name: pulumi.Output[str]

    def __init__(self, name: str, args: TraefikRouteArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:traefik:Route", name, None, opts)
        real_name = args.route_name or name
        metadata: dict = {"name": real_name, "namespace": args.namespace}
        annotations = {**args.annotations, **route_annotations(args.kind, args.auth, args.auth_reason)}
        if annotations:
            metadata["annotations"] = annotations
        if args.labels:
            metadata["labels"] = dict(args.labels)
        depends_on = opts.depends_on if opts is not None else None
        self.resource = k8s.apiextensions.CustomResource(
            f"{name}-{args.kind.lower()}",
            api_version=API_VERSION,
            kind=args.kind,
            metadata=metadata,
            spec=dict(args.spec),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.route_name = pulumi.Output.from_input(real_name)
        self.register_outputs({"route_name": self.route_name})


@dataclass(frozen=True, kw_only=True)
class ServersTransportArgs:
    """Inputs of :class:`ServersTransport`."""

    namespace: str
    """Namespace of the ServersTransport; part of its reference."""
    transport_name: str | None = None
    """Kubernetes name; defaults to the component name."""
    insecure_skip_verify: bool | None = None
    """Accept any backend certificate (self-signed appliances). Left out of the spec when ``None``."""
    server_name: str | None = None
    """SNI name sent to the backend."""
    forwarding_timeouts: Mapping[str, str] = field(default_factory=dict)
    """Go durations by CRD key (``dialTimeout``, ``responseHeaderTimeout``, ``idleConnTimeout``, ...)."""

    def __post_init__(self) -> None:
        require_dns_label(_TRANSPORT, "namespace", self.namespace)
        if self.transport_name is not None:
            require_dns_label(_TRANSPORT, "transport_name", self.transport_name)
        if self.insecure_skip_verify is not None and not isinstance(self.insecure_skip_verify, bool):
            raise ArgumentError(_TRANSPORT, "insecure_skip_verify", f"is {self.insecure_skip_verify!r}, expected a bool")
        if self.server_name is not None:
            require_text(_TRANSPORT, "server_name", self.server_name)
        for key, value in self.forwarding_timeouts.items():
            require_choice(_TRANSPORT, "forwarding_timeouts", key, FORWARDING_TIMEOUT_KEYS)
            require_text(_TRANSPORT, f"forwarding_timeouts[{key}]", value)
        if not self.spec():
            raise ArgumentError(_TRANSPORT, "insecure_skip_verify", "and the other settings are all unset; "
                                                                    "an empty ServersTransport changes nothing")

    def spec(self) -> dict:
        """The camelCase `spec` these settings make."""
        spec: dict = {}
        if self.insecure_skip_verify is not None:
            spec["insecureSkipVerify"] = self.insecure_skip_verify
        if self.server_name is not None:
            spec["serverName"] = self.server_name
        if self.forwarding_timeouts:
            spec["forwardingTimeouts"] = dict(self.forwarding_timeouts)
        return spec


class ServersTransport(pulumi.ComponentResource):
    """ServersTransport ``args.transport_name or name``.

    Outputs: ``transport_name`` and ``reference`` (``<ns>-<name>@kubernetescrd``).
    """

    transport_name: pulumi.Output[str]
    reference: pulumi.Output[str]

    def __init__(self, name: str, args: ServersTransportArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_TRANSPORT, "name", name)
        super().__init__("homelab:traefik:ServersTransport", name, None, opts)
        real_name = args.transport_name or name
        depends_on = opts.depends_on if opts is not None else None
        self.resource = k8s.apiextensions.CustomResource(
            f"{name}-serverstransport",
            api_version=API_VERSION,
            kind="ServersTransport",
            metadata={"name": real_name, "namespace": args.namespace},
            spec=args.spec(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.transport_name = pulumi.Output.from_input(real_name)
        self.reference = pulumi.Output.from_input(servers_transport_reference(args.namespace, real_name))
        self.register_outputs({"transport_name": self.transport_name, "reference": self.reference})
