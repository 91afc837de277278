"""One Traefik-fronted host for a LAN appliance: its backend Service, Ingress and records.

The reverse-proxy stack's own ingress shape, not IngressFactory's: its router chain has no
error-pages or anti-AI middlewares and no allowed-groups annotation, and its Service points
at the appliance (ExternalName, or a selector-less Service + EndpointSlice for an IP).
Every host states its posture explicitly (`auth`), which also decides whether Authentik
forward-auth is in the chain; `required` hosts also name the admin group that already
reaches them. The pure functions hold every decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.external_service import ExternalService, ExternalServiceArgs
from components.settings import DnsTarget

_COMPONENT = "ReverseProxyHost"
NAMESPACE = "reverse-proxy"
MW_STRIP_AUTH_HEADERS = "traefik-strip-auth-headers@kubernetescrd"
HOST_AUTH_MODES = ("required", "app", "none")


@dataclass(frozen=True, kw_only=True)
class ProxiedHost:
    """One appliance behind ``<name>.<root domain>``."""

    name: str
    """Host label, Service and Ingress name."""
    port: int
    """The appliance's port (Service port and target port alike)."""
    auth: str
    """`required` puts Authentik forward-auth in the chain; `app`/`none` leave it out (with a reason)."""
    auth_reason: str | None = None
    external_name: str | None = None
    """DNS name of the appliance (ExternalName Service); exclusive with ``backend_ip``."""
    backend_ip: str | None = None
    """IPv4 of an appliance without a DNS name (Service + EndpointSlice)."""
    backend_protocol: str = "HTTP"
    """`HTTPS`: Traefik speaks https to it through the skip-verify ServersTransport."""
    dns_type: str = "none"
    ingress_path: Sequence[str] = ("/",)
    strip_auth_headers: bool = False
    """Drop Authentik's identity headers before the appliance sees them."""
    skip_global_rate_limit: bool = False
    extra_middlewares: Sequence[str] = ()
    extra_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    external_monitor: bool | None = None
    """None: on exactly when the host is proxied."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "name", self.name)
        require_choice(_COMPONENT, "auth", self.auth, HOST_AUTH_MODES)
        if self.auth != "required":
            require_text(_COMPONENT, "auth_reason", self.auth_reason)
        require_choice(_COMPONENT, "backend_protocol", self.backend_protocol, c.BACKEND_PROTOCOLS)
        require_choice(_COMPONENT, "dns_type", self.dns_type, c.DNS_TYPES)
        if (self.external_name is None) == (self.backend_ip is None):
            raise ArgumentError(_COMPONENT, "external_name", "and backend_ip: give exactly one")
        if isinstance(self.ingress_path, str) or not self.ingress_path:
            raise ArgumentError(_COMPONENT, "ingress_path", "must be a non-empty list of paths")
        chain = middleware_chain(self)
        has_forward_auth = c.MW_FORWARD_AUTH in chain
        if has_forward_auth != (self.auth == "required"):
            raise ArgumentError(_COMPONENT, "auth", f"is {self.auth!r} but the router chain {chain} "
                                                    f"{'has' if has_forward_auth else 'lacks'} forward-auth")


def middleware_chain(host: ProxiedHost) -> list[str]:
    """The router middlewares, in the stack's order; an explicit chain in extra_annotations wins."""
    explicit = host.extra_annotations.get(c.ROUTER_MIDDLEWARES_ANNOTATION)
    if isinstance(explicit, str):
        return explicit.split(",")
    candidates = [
        c.MW_RETRY,
        None if host.skip_global_rate_limit else c.MW_RATE_LIMIT,
        c.MW_CSP_HEADERS,
        c.MW_FORWARD_AUTH if host.auth == "required" else None,
        MW_STRIP_AUTH_HEADERS if host.strip_auth_headers else None,
        *host.extra_middlewares,
    ]
    return [m for m in candidates if m]


def service_port_name(host: ProxiedHost) -> str:
    return f"https-{host.name}" if host.backend_protocol == "HTTPS" else f"{host.name}-web"


def monitor_annotations(host: ProxiedHost) -> dict[str, str]:
    enabled = host.external_monitor if host.external_monitor is not None else host.dns_type == "proxied"
    if enabled:
        return {c.EXTERNAL_MONITOR_ANNOTATION: "true"}
    if host.external_monitor is False:
        return {c.EXTERNAL_MONITOR_ANNOTATION: "false"}
    return {}


def host_annotations(host: ProxiedHost) -> dict:
    """Every Ingress annotation, later entries winning as in the stack's factory."""
    annotations: dict = {
        c.ROUTER_MIDDLEWARES_ANNOTATION: ",".join(middleware_chain(host)),
        c.ROUTER_ENTRYPOINTS_ANNOTATION: "websecure",
    }
    if host.backend_protocol == "HTTPS":
        annotations[c.SERVERS_SCHEME_ANNOTATION] = "https"
        annotations[c.SERVERS_TRANSPORT_ANNOTATION] = c.TRANSPORT_INSECURE_SKIP_VERIFY
    annotations.update(host.extra_annotations)
    if host.dns_type != "none":
        annotations[c.DNS_TYPE_ANNOTATION] = host.dns_type
    annotations.update(monitor_annotations(host))
    if host.auth == "required":
        # Authentik's break-glass admits these admins to a host with no row anyway; stating
        # it keeps the policy's table complete without changing who gets in.
        annotations[c.ALLOWED_GROUPS_ANNOTATION] = ",".join(c.DEFAULT_ALLOWED_GROUPS)
    annotations[c.AUTH_ANNOTATION] = host.auth
    if host.auth_reason:
        annotations[c.AUTH_REASON_ANNOTATION] = " ".join(host.auth_reason.split())
    return annotations


def dns_records(fqdn: str, dns_type: str, dns: DnsTarget) -> list[tuple[str, str, str]]:
    """(logical suffix, type, content); proxied hosts ride the zone's wildcard CNAME."""
    if dns_type == "non-proxied":
        return [("dns-a", "A", dns.public_ip), ("dns-aaaa", "AAAA", dns.public_ipv6)]
    if dns_type == "internal":
        return [("dns-internal-a", "A", dns.internal_lb_ip)]
    return []


def declare_host(host: ProxiedHost, *, root_domain: str, tls_secret_name: str, dns: DnsTarget,
                 opts: pulumi.ResourceOptions) -> None:
    """The Service (and endpoints), Ingress and records of one host."""
    fqdn = f"{host.name}.{root_domain}"
    ports = [{"name": service_port_name(host), "port": host.port, "protocol": "TCP", "target_port": host.port}]
    if host.backend_ip is not None:
        backend = ExternalServiceArgs(namespace=NAMESPACE, address=host.backend_ip, endpoints_kind="EndpointSlice",
                                      labels={"app": host.name}, ports=ports)
    else:
        backend = ExternalServiceArgs(namespace=NAMESPACE, external_name=host.external_name,
                                      labels={"app": host.name}, ports=ports)
    ExternalService(host.name, backend, opts=opts)
    k8s.networking.v1.Ingress(
        f"{host.name}-ingress",
        metadata={"name": host.name, "namespace": NAMESPACE, "annotations": host_annotations(host)},
        spec={
            "ingress_class_name": c.INGRESS_CLASS,
            "tls": [{"hosts": [fqdn], "secret_name": tls_secret_name}],
            "rules": [{"host": fqdn, "http": {"paths": [
                {"path": path, "path_type": "ImplementationSpecific",
                 "backend": {"service": {"name": host.name, "port": {"number": host.port}}}}
                for path in host.ingress_path]}}],
        },
        opts=opts,
    )
    for suffix, record_type, content in dns_records(fqdn, host.dns_type, dns):
        cloudflare.DnsRecord(f"{host.name}-{suffix}", zone_id=dns.zone_id, name=fqdn, type=record_type,
                             content=content, proxied=False, ttl=1, opts=opts)
