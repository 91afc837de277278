"""TraefikMiddleware: one `traefik.io/v1alpha1` Middleware custom resource.

The traefik stack declares two dozen shared middlewares that differ only in their one
middleware block (a rate limit, an allow-list, a forward-auth target, ...). This component
owns the common shape: explicit name, exactly one middleware type per object (Traefik
rejects more), optional server-side-apply takeover, and the router reference string other
stacks put in `traefik.ingress.kubernetes.io/router.middlewares`.

The `*_spec` helpers build the camelCase `spec` for the shapes that repeat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError, require_dns_label, require_text

_COMPONENT = "TraefikMiddleware"

API_VERSION = "traefik.io/v1alpha1"

# Middleware types the Traefik v3 CRD accepts under `spec` (one per object).
MIDDLEWARE_TYPES: tuple[str, ...] = (
    "addPrefix", "basicAuth", "buffering", "chain", "circuitBreaker", "compress",
    "contentType", "digestAuth", "errors", "forwardAuth", "grpcWeb", "headers",
    "inFlightReq", "ipAllowList", "ipWhiteList", "passTLSClientCert", "plugin",
    "rateLimit", "redirectRegex", "redirectScheme", "replacePath", "replacePathRegex",
    "retry", "stripPrefix", "stripPrefixRegex",
)

# Identity headers the Authentik outposts hand back to the backend after a forward-auth check.
AUTHENTIK_RESPONSE_HEADERS: tuple[str, ...] = (
    "X-authentik-username",
    "X-authentik-uid",
    "X-authentik-email",
    "X-authentik-name",
    "X-authentik-groups",
    "Set-Cookie",
)


def middleware_reference(namespace: str, name: str) -> str:
    """The router-annotation form of a Middleware: ``<namespace>-<name>@kubernetescrd``."""
    return f"{namespace}-{name}@kubernetescrd"


def rate_limit_spec(average: int, burst: int) -> dict:
    """A per-client-IP token bucket: ``average`` requests/s, ``burst`` at once."""
    for argument, value in (("average", average), ("burst", burst)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ArgumentError(_COMPONENT, argument, f"is {value!r}, expected a positive integer")
    if burst < average:
        raise ArgumentError(_COMPONENT, "burst", f"is {burst}, smaller than average {average}")
    return {"rateLimit": {"average": average, "burst": burst}}


def ip_allow_list_spec(source_range: Sequence[str]) -> dict:
    """Admit only clients whose address is in one of the CIDRs."""
    if isinstance(source_range, str) or not source_range:
        raise ArgumentError(_COMPONENT, "source_range", "must be a non-empty list of CIDRs")
    for cidr in source_range:
        require_text(_COMPONENT, "source_range[]", cidr)
        if "/" not in cidr:
            raise ArgumentError(_COMPONENT, "source_range[]", f"is {cidr!r}, expected CIDR notation")
    return {"ipAllowList": {"sourceRange": list(source_range)}}


def forward_auth_spec(address: str, *, response_headers: Sequence[str] = (),
                      trust_forward_header: bool = True) -> dict:
    """Ask ``address`` about every request; 2xx lets it through, with ``response_headers`` copied."""
    require_text(_COMPONENT, "address", address)
    if not address.startswith(("http://", "https://")):
        raise ArgumentError(_COMPONENT, "address", f"is {address!r}, expected an http(s) URL")
    spec: dict = {"address": address, "trustForwardHeader": trust_forward_header}
    if response_headers:
        spec["authResponseHeaders"] = list(response_headers)
    return {"forwardAuth": spec}


def errors_spec(status: Sequence[str], *, service: str, namespace: str, port: int, query: str = "/{status}") -> dict:
    """Replace responses with ``status`` codes by the page ``service`` serves at ``query``."""
    if isinstance(status, str) or not status:
        raise ArgumentError(_COMPONENT, "status", "must be a non-empty list of codes or ranges")
    return {"errors": {
        "status": list(status),
        "service": {"name": service, "namespace": namespace, "port": port},
        "query": query,
    }}


@dataclass(frozen=True, kw_only=True)
class TraefikMiddlewareArgs:
    """Inputs of :class:`TraefikMiddleware`."""

    namespace: str
    """Namespace of the Middleware; part of its router reference."""
    spec: Mapping
    """The camelCase `spec`, exactly one middleware type key (see the `*_spec` helpers)."""
    middleware_name: str | None = None
    """Kubernetes name; defaults to the component name."""
    force_conflicts: bool = False
    """Take over fields another field manager holds (server-side apply)."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        if self.middleware_name is not None:
            require_dns_label(_COMPONENT, "middleware_name", self.middleware_name)
        if not isinstance(self.spec, Mapping):
            raise ArgumentError(_COMPONENT, "spec", f"must be a mapping, got {type(self.spec).__name__}")
        keys = list(self.spec)
        if len(keys) != 1:
            raise ArgumentError(_COMPONENT, "spec", f"has keys {keys}; a Middleware carries exactly one type",
                                MIDDLEWARE_TYPES)
        if keys[0] not in MIDDLEWARE_TYPES:
            raise ArgumentError(_COMPONENT, "spec", f"has unknown middleware type {keys[0]!r}", MIDDLEWARE_TYPES)


class TraefikMiddleware(pulumi.ComponentResource):
    """Middleware ``args.middleware_name or name``.

    Outputs: ``middleware_name`` and ``reference`` (``<ns>-<name>@kubernetescrd``).
    Ordering given in ``opts.depends_on`` (typically the Traefik release, which installs
    the CRDs) is applied to the custom resource itself as well.
    """

    middleware_name: pulumi.Output[str]
    reference: pulumi.Output[str]

    def __init__(self, name: str, args: TraefikMiddlewareArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:traefik:Middleware", name, None, opts)
        real_name = args.middleware_name or name
        metadata: dict = {"name": real_name, "namespace": args.namespace}
        if args.force_conflicts:
            metadata["annotations"] = {c.PATCH_FORCE_ANNOTATION: "true"}
        depends_on = opts.depends_on if opts is not None else None
        self.resource = k8s.apiextensions.CustomResource(
            f"{name}-middleware",
            api_version=API_VERSION,
            kind="Middleware",
            metadata=metadata,
            spec=dict(args.spec),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
        self.middleware_name = pulumi.Output.from_input(real_name)
        self.reference = pulumi.Output.from_input(middleware_reference(args.namespace, real_name))
        self.register_outputs({"middleware_name": self.middleware_name, "reference": self.reference})
