"""IngressFactory: one Traefik-served host with its auth posture, middlewares and DNS.

Behavioural port of upstream ``modules/kubernetes/ingress_factory``. The pure functions
(`middleware_chain`, `ingress_annotations`, `dns_records`, `parse_body_size`) hold every
decision and are tested on their own; the component only turns their results into
resources. Differences from upstream are listed in docs/components.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_kubernetes as k8s

from components import constants as c
from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.settings import ClusterSettings, DnsTarget

_COMPONENT = "IngressFactory"

SABLIER_STRATEGIES = ("dynamic", "blocking")
SABLIER_THEMES = ("ghost", "hacker-terminal", "matrix", "shuffle")
SABLIER_URL = "http://sablier.sablier.svc.cluster.local:10000"
# Monitors answer 200 without waking a parked workload (Go regexps, evaluated by the plugin).
SABLIER_IGNORED_USER_AGENTS = ("(?i)uptime-?kuma", "(?i)blackbox", "Go-http-client")

# Homepage tile group by namespace; anything else lands in "Other".
HOMEPAGE_GROUPS: Mapping[str, str] = {
    "monitoring": "Infrastructure",
    "prometheus": "Infrastructure",
    "technitium": "Infrastructure",
    "traefik": "Infrastructure",
    "metallb-system": "Infrastructure",
    "kyverno": "Infrastructure",
    "authentik": "Identity & Security",
    "crowdsec": "Identity & Security",
    "woodpecker": "Development & CI",
    "forgejo": "Development & CI",
    "immich": "Media & Entertainment",
    "frigate": "Smart Home",
    "home-assistant": "Smart Home",
    "ollama": "AI & Data",
    "dbaas": "Infrastructure",
    "servarr": "Media & Entertainment",
    "navidrome": "Media & Entertainment",
    "nextcloud": "Productivity",
    "n8n": "Automation",
    "changedetection": "Automation",
    "finance": "Finance & Personal",
    "homepage": "Core Platform",
    "reverse-proxy": "Smart Home",
    "mailserver": "Infrastructure",
}

_BODY_SIZE = re.compile(r"^([0-9]+)([kmgKMG]?)$")
_UNIT = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


@dataclass(frozen=True, kw_only=True)
class Sablier:
    """Scale-to-zero enrolment: a per-ingress sablier Middleware placed after every gate.

    The target Deployment must carry the sablier labels and ignore `spec.replicas`
    (see components.workload.sablier_labels / deployment_ignore_changes).
    """

    group: str | None = None
    """Sablier group; defaults to the ingress name."""
    session_duration: str = "3h"
    """Idle window before the group is parked."""
    strategy: str = "dynamic"
    """`dynamic` (loading page, browser UIs) or `blocking` (hold the request, API paths)."""
    display_name: str | None = None
    """Loading-page title; defaults to the ingress name."""
    theme: str = "ghost"
    """Loading-page theme."""
    refresh_frequency: str = "5s"
    """Loading-page poll cadence."""
    blocking_timeout: str = "5m"
    """How long a held request waits (strategy `blocking`)."""

    def __post_init__(self) -> None:
        require_choice(_COMPONENT, "sablier.strategy", self.strategy, SABLIER_STRATEGIES)
        require_choice(_COMPONENT, "sablier.theme", self.theme, SABLIER_THEMES)
        for name in ("session_duration", "refresh_frequency", "blocking_timeout"):
            value = getattr(self, name)
            if not re.fullmatch(r"[0-9]+(ms|s|m|h)", value):
                raise ArgumentError(_COMPONENT, f"sablier.{name}", f"is {value!r}, expected a duration like '5s', '3h'")


@dataclass(frozen=True, kw_only=True)
class IngressArgs:
    """Inputs of :class:`IngressFactory` (upstream ingress_factory variables)."""

    namespace: str
    """Namespace of the Ingress and its middlewares."""
    tls_secret_name: str
    """TLS secret for the host (settings.tls_secret_name)."""
    root_domain: str
    """Domain the host lives under (settings.root_domain)."""
    dns: DnsTarget
    """Record targets (settings.dns)."""
    auth: str = "required"
    """`required` (Authentik forward-auth, fail-closed default), `app` (the app's own login),
    `public` (Authentik anonymous binding) or `none` (public by design)."""
    auth_reason: str | None = None
    """Mandatory for `app`/`none`/`public`: what gates the app, or why it is open."""
    allowed_groups: Sequence[str] = c.DEFAULT_ALLOWED_GROUPS
    """Authentik groups admitted to a `required` host."""
    service_name: str | None = None
    """Backend Service; defaults to the ingress name. `anubis-*` backends get real-ip first."""
    host: str | None = None
    """Host label under root_domain; defaults to the ingress name."""
    full_host: str | None = None
    """Complete host name, overriding host/root_domain."""
    port: int = 80
    """Backend service port."""
    backend_protocol: str = "HTTP"
    """`HTTP`, or `HTTPS` for a backend that serves TLS itself: Traefik then speaks https to it
    through ``servers_transport`` (the traefik stack's skip-verify transport unless given)."""
    servers_transport: str | None = None
    """ServersTransport reference (``<ns>-<name>@kubernetescrd``) for the backend connection:
    custom TLS or timeouts. Defaults to the skip-verify transport for `HTTPS`, none for `HTTP`."""
    ingress_path: Sequence[str] = ("/",)
    """Paths routed to the backend."""
    external_name: str | None = None
    """When set, an ExternalName Service named like the ingress is created."""
    max_body_size: str | None = None
    """Request body cap (`5g`, `50m`, `1024k`, bytes) through a per-ingress Buffering middleware."""
    extra_annotations: Mapping[str, str] = field(default_factory=dict)
    """Merged over the homepage defaults."""
    allow_local_access_only: bool = False
    """Attach the local-only ipAllowList middleware."""
    custom_content_security_policy: str | None = None
    """Replaces the shared CSP middleware with a per-ingress one."""
    extra_middlewares: Sequence[str] = ()
    """Appended after the built-in chain."""
    sablier: Sablier | None = None
    """Scale-to-zero enrolment."""
    skip_default_rate_limit: bool = False
    """Leave out the shared rate-limit middleware (services with their own carve-out)."""
    anti_ai_scraping: bool | None = None
    """None = on exactly when Authentik does not front the host (`app`/`none`)."""
    dns_type: str = "none"
    """`proxied`, `non-proxied`, `internal` or `none`."""
    external_monitor: bool | None = None
    """None = on when the host has a public record (`proxied`/`non-proxied`)."""
    external_monitor_name: str | None = None
    """Monitor label override."""
    homepage_group: str | None = None
    """Homepage group; defaults from the namespace."""
    homepage_enabled: bool = True
    """Secondary ingresses of an app set this False: one app, one tile."""

    @classmethod
    def on_cluster(cls, settings: "ClusterSettings", **kwargs) -> "IngressArgs":
        """Args with the cluster facts (TLS secret, root domain, DNS targets) taken from settings."""
        return cls(tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain,
                   dns=settings.dns, **kwargs)

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_text(_COMPONENT, "tls_secret_name", self.tls_secret_name)
        require_text(_COMPONENT, "root_domain", self.root_domain)
        require_choice(_COMPONENT, "auth", self.auth, c.AUTH_MODES)
        require_choice(_COMPONENT, "dns_type", self.dns_type, c.DNS_TYPES)
        if self.auth in ("app", "none", "public"):
            if not isinstance(self.auth_reason, str) or not self.auth_reason.strip():
                raise ArgumentError(
                    _COMPONENT, "auth_reason",
                    f"is required when auth={self.auth!r}: say what gates the app (its own login, "
                    "Anubis, a token) or why the endpoint is public",
                )
        if isinstance(self.allowed_groups, str):
            raise ArgumentError(_COMPONENT, "allowed_groups", "must be a list of group names, not a string")
        if self.auth == "required":
            if not self.allowed_groups or any(not isinstance(g, str) or not g.strip() or "," in g for g in self.allowed_groups):
                raise ArgumentError(
                    _COMPONENT, "allowed_groups",
                    f"is {list(self.allowed_groups)!r}; a required ingress needs at least one "
                    "non-empty Authentik group name without commas",
                )
        require_choice(_COMPONENT, "backend_protocol", self.backend_protocol, c.BACKEND_PROTOCOLS)
        if self.servers_transport is not None and \
                not re.fullmatch(r"[a-z0-9][-a-z0-9]*@kubernetescrd", str(self.servers_transport)):
            raise ArgumentError(_COMPONENT, "servers_transport",
                                f"is {self.servers_transport!r}; expected '<namespace>-<name>@kubernetescrd'")
        backend_keys = {c.SERVERS_SCHEME_ANNOTATION, c.SERVERS_TRANSPORT_ANNOTATION} & set(self.extra_annotations)
        if backend_keys and (self.backend_protocol != "HTTP" or self.servers_transport is not None):
            raise ArgumentError(_COMPONENT, "extra_annotations",
                                f"sets {sorted(backend_keys)} as well as backend_protocol/servers_transport; give one")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 1 <= self.port <= 65535:
            raise ArgumentError(_COMPONENT, "port", f"is {self.port!r}, expected an integer 1-65535")
        if isinstance(self.ingress_path, str) or not self.ingress_path:
            raise ArgumentError(_COMPONENT, "ingress_path", "must be a non-empty list of paths")
        for path in self.ingress_path:
            if not isinstance(path, str) or not path.startswith("/"):
                raise ArgumentError(_COMPONENT, "ingress_path", f"contains {path!r}; paths start with '/'")
        if self.max_body_size is not None:
            parse_body_size(self.max_body_size)
        if isinstance(self.extra_middlewares, str):
            raise ArgumentError(_COMPONENT, "extra_middlewares", "must be a list of middleware references, not a string")
        for ref in self.extra_middlewares:
            if not isinstance(ref, str) or not re.fullmatch(r"[a-z0-9][-a-z0-9]*@[a-z]+", ref):
                raise ArgumentError(
                    _COMPONENT, "extra_middlewares",
                    f"contains {ref!r}; expected '<namespace>-<middleware>@<provider>'",
                )
        if self.custom_content_security_policy is not None:
            require_text(_COMPONENT, "custom_content_security_policy", self.custom_content_security_policy)
        if self.host is not None and self.full_host is not None:
            raise ArgumentError(_COMPONENT, "host", "and 'full_host' are mutually exclusive; give one")
        for name in ("host", "full_host", "service_name", "external_name"):
            value = getattr(self, name)
            if value is not None:
                require_dns_label(_COMPONENT, name, value)
        if self.sablier is not None and not isinstance(self.sablier, Sablier):
            raise ArgumentError(_COMPONENT, "sablier", f"must be a Sablier(...) value, got {type(self.sablier).__name__}")


# --------------------------------------------------------------------------------------
# Pure decisions
# --------------------------------------------------------------------------------------


def parse_body_size(value: str) -> int:
    """`5g` -> 5 GiB in bytes; `50m`, `1024k`, `42` likewise. Anything else is an error."""
    match = _BODY_SIZE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ArgumentError(
            _COMPONENT, "max_body_size",
            f"is {value!r}; expected digits with an optional k/m/g unit, e.g. '5g', '50m', '1024k', '42'",
        )
    return int(match.group(1)) * _UNIT[match.group(2).lower()]


def effective_host(name: str, args: IngressArgs) -> str:
    if args.full_host is not None:
        return args.full_host
    return f"{args.host or name}.{args.root_domain}"


def anti_ai_enabled(args: IngressArgs) -> bool:
    if args.anti_ai_scraping is not None:
        return args.anti_ai_scraping
    return args.auth in ("app", "none")


def middleware_chain(name: str, args: IngressArgs) -> list[str]:
    """Traefik router middlewares in upstream order, de-duplicated, first occurrence wins."""
    service = args.service_name or ""
    auth_middleware = {"required": c.MW_FORWARD_AUTH, "public": c.MW_FORWARD_AUTH_PUBLIC}.get(args.auth)
    anti_ai = anti_ai_enabled(args)
    candidates: list[str | None] = [
        c.MW_REAL_IP if service.startswith("anubis-") else None,
        c.MW_RETRY,
        c.MW_ERROR_PAGES,
        None if args.skip_default_rate_limit else c.MW_RATE_LIMIT,
        c.MW_CSP_HEADERS if args.custom_content_security_policy is None else None,
        c.MW_AI_BOT_BLOCK if anti_ai else None,
        c.MW_ANTI_AI_HEADERS if anti_ai else None,
        auth_middleware,
        c.MW_LOCAL_ONLY if args.allow_local_access_only else None,
        # Sablier only after every gate: an unauthenticated scanner must not wake a parked app.
        f"{args.namespace}-sablier-{name}@kubernetescrd" if args.sablier is not None else None,
        f"{args.namespace}-custom-csp-{name}@kubernetescrd" if args.custom_content_security_policy is not None else None,
        f"{args.namespace}-buffering-{name}@kubernetescrd" if args.max_body_size is not None else None,
        *args.extra_middlewares,
    ]
    chain: list[str] = []
    for item in candidates:
        if item and item not in chain:
            chain.append(item)
    return chain


def external_monitor_annotations(args: IngressArgs) -> dict[str, str]:
    enabled = args.external_monitor
    if enabled is None:
        enabled = args.dns_type in ("proxied", "non-proxied")
    if enabled:
        out = {c.EXTERNAL_MONITOR_ANNOTATION: "true"}
        if args.external_monitor_name is not None:
            out[c.EXTERNAL_MONITOR_NAME_ANNOTATION] = args.external_monitor_name
        return out
    if args.external_monitor is False:
        return {c.EXTERNAL_MONITOR_ANNOTATION: "false"}
    return {}


def homepage_annotations(name: str, args: IngressArgs) -> dict[str, str]:
    if not args.homepage_enabled:
        return {}
    return {
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": name.replace("-", " ").replace("_", " "),
        "gethomepage.dev/group": args.homepage_group or HOMEPAGE_GROUPS.get(args.namespace, "Other"),
        "gethomepage.dev/href": f"https://{effective_host(name, args)}",
        "gethomepage.dev/icon": f"{name.replace('-', '')}.png",
    }


def backend_annotations(args: IngressArgs) -> dict[str, str]:
    """How Traefik connects to the backend: https scheme and the ServersTransport it uses."""
    out: dict[str, str] = {}
    if args.backend_protocol == "HTTPS":
        out[c.SERVERS_SCHEME_ANNOTATION] = "https"
    transport = args.servers_transport
    if transport is None and args.backend_protocol == "HTTPS":
        transport = c.TRANSPORT_INSECURE_SKIP_VERIFY
    if transport is not None:
        out[c.SERVERS_TRANSPORT_ANNOTATION] = transport
    return out


def ingress_annotations(name: str, args: IngressArgs) -> dict[str, str]:
    """All Ingress annotations, merged in upstream precedence order (later wins)."""
    annotations: dict[str, str] = {
        c.ROUTER_MIDDLEWARES_ANNOTATION: ",".join(middleware_chain(name, args)),
        c.ROUTER_ENTRYPOINTS_ANNOTATION: "websecure",
        **backend_annotations(args),
    }
    annotations.update(homepage_annotations(name, args))
    annotations.update(args.extra_annotations)
    if args.dns_type != "none":
        annotations[c.DNS_TYPE_ANNOTATION] = args.dns_type
    annotations.update(external_monitor_annotations(args))
    if args.auth == "required":
        annotations[c.ALLOWED_GROUPS_ANNOTATION] = ",".join(args.allowed_groups)
    # Posture stamps (new in the port): the policy pack decides on these at preview.
    annotations[c.AUTH_ANNOTATION] = args.auth
    if args.auth_reason:
        annotations[c.AUTH_REASON_ANNOTATION] = " ".join(args.auth_reason.split())
    return annotations


@dataclass(frozen=True)
class DnsRecordSpec:
    suffix: str
    """Logical-name suffix of the record resource."""
    name: str
    type: str
    content: str
    proxied: bool


def dns_records(name: str, args: IngressArgs) -> list[DnsRecordSpec]:
    """Cloudflare records for the host.

    Proxied hosts ride the zone-wide wildcard CNAME (declared by the cloudflared stack),
    except the zone apex, which a wildcard never matches.
    """
    host = effective_host(name, args)
    target = args.dns
    if args.dns_type == "proxied":
        if host == args.root_domain:
            return [DnsRecordSpec("dns-proxied", host, "CNAME", f"{target.tunnel_id}.cfargotunnel.com", True)]
        return []
    if args.dns_type == "non-proxied":
        return [
            DnsRecordSpec("dns-a", host, "A", target.public_ip, False),
            DnsRecordSpec("dns-aaaa", host, "AAAA", target.public_ipv6, False),
        ]
    if args.dns_type == "internal":
        return [DnsRecordSpec("dns-internal-a", host, "A", target.internal_lb_ip, False)]
    return []


def sablier_plugin_config(name: str, sablier: Sablier) -> dict:
    config: dict = {
        "sablierUrl": SABLIER_URL,
        "group": sablier.group or name,
        "sessionDuration": sablier.session_duration,
        "failOpen": True,
        "ignoreUserAgent": list(SABLIER_IGNORED_USER_AGENTS),
    }
    if sablier.strategy == "blocking":
        config["blocking"] = {"timeout": sablier.blocking_timeout}
    else:
        config["dynamic"] = {
            "displayName": sablier.display_name or name,
            "showDetails": True,
            "theme": sablier.theme,
            "refreshFrequency": sablier.refresh_frequency,
        }
    return config


# --------------------------------------------------------------------------------------
# Component
# --------------------------------------------------------------------------------------


class IngressFactory(pulumi.ComponentResource):
    """A Traefik Ingress named ``name`` with its middlewares, records and optional ExternalName Service.

    Outputs: ``host`` (the served host name), ``middlewares`` (the router chain),
    ``ingress_name``.
    """

    host: pulumi.Output[str]
    middlewares: pulumi.Output[list]
    ingress_name: pulumi.Output[str]

    def __init__(self, name: str, args: IngressArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:Ingress", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        host = effective_host(name, args)
        chain = middleware_chain(name, args)

        if args.external_name is not None:
            # Upstream points the ExternalName at the ingress name, not at external_name;
            # kept so the live Service is adopted unchanged (see docs/components.md).
            k8s.core.v1.Service(
                f"{name}-external-service",
                metadata={"name": name, "namespace": args.namespace, "labels": {"app": name}},
                spec={
                    "type": "ExternalName",
                    "external_name": name,
                    "ports": [{"name": f"{name}-web", "port": args.port, "protocol": "TCP", "target_port": args.port}],
                },
                opts=child,
            )

        self._middleware(name, args, "custom-csp", args.custom_content_security_policy is not None,
                         lambda: {"headers": {"contentSecurityPolicy": args.custom_content_security_policy}}, child)
        self._middleware(name, args, "buffering", args.max_body_size is not None,
                         lambda: {"buffering": {"maxRequestBodyBytes": parse_body_size(args.max_body_size or "")}}, child)
        self._middleware(name, args, "sablier", args.sablier is not None,
                         lambda: {"plugin": {"sablier": sablier_plugin_config(name, args.sablier)}}, child)

        k8s.networking.v1.Ingress(
            f"{name}-ingress",
            metadata={"name": name, "namespace": args.namespace, "annotations": ingress_annotations(name, args)},
            spec={
                "ingress_class_name": c.INGRESS_CLASS,
                "tls": [{"hosts": [host], "secret_name": args.tls_secret_name}],
                "rules": [{
                    "host": host,
                    "http": {"paths": [
                        {
                            "path": path,
                            "path_type": "ImplementationSpecific",
                            "backend": {"service": {"name": args.service_name or name, "port": {"number": args.port}}},
                        }
                        for path in args.ingress_path
                    ]},
                }],
            },
            opts=child,
        )

        for record in dns_records(name, args):
            cloudflare.DnsRecord(
                f"{name}-{record.suffix}",
                zone_id=args.dns.zone_id,
                name=record.name,
                type=record.type,
                content=record.content,
                proxied=record.proxied,
                ttl=1,
                opts=child,
            )

        self.host = pulumi.Output.from_input(host)
        self.middlewares = pulumi.Output.from_input(chain)
        self.ingress_name = pulumi.Output.from_input(name)
        self.register_outputs({"host": self.host, "middlewares": self.middlewares, "ingress_name": self.ingress_name})

    @staticmethod
    def _middleware(name, args: IngressArgs, kind: str, enabled: bool, spec, opts) -> None:
        if not enabled:
            return
        k8s.apiextensions.CustomResource(
            f"{name}-{kind}",
            api_version="traefik.io/v1alpha1",
            kind="Middleware",
            metadata={"name": f"{kind}-{name}", "namespace": args.namespace},
            spec=spec(),
            opts=opts,
        )
