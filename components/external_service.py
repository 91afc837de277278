"""ExternalService: a cluster Service name for a backend that runs outside the cluster.

Two flavours, chosen by which of ``address`` / ``external_name`` is given:

- ``address`` (an IP): a selector-less Service plus the hand-kept endpoint object that
  points it at the address, either a core ``Endpoints`` (``endpoints_kind="Endpoints"``)
  or a ``discovery.k8s.io/v1`` ``EndpointSlice``. Each endpoint port is the Service port's
  ``target_port``, named like it, so Traefik and kube-proxy pair them.
- ``external_name`` (a DNS name): an ``ExternalName`` Service, no endpoint object.

Port entries are written as given (snake_case, like any Service port), so the Service is
exactly what a hand-written one would be.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text

_COMPONENT = "ExternalService"

ENDPOINTS_KINDS: tuple[str, ...] = ("Endpoints", "EndpointSlice")
_PORT_KEYS = ("name", "port", "target_port", "protocol")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def endpoint_ports(ports: Sequence[Mapping]) -> list[dict]:
    """Endpoint ports for Service ``ports``: same name and protocol, the target port's number."""
    out = []
    for p in ports:
        entry = {"name": p["name"], "port": p.get("target_port", p["port"])}
        if "protocol" in p:
            entry["protocol"] = p["protocol"]
        out.append(entry)
    return out


@dataclass(frozen=True, kw_only=True)
class ExternalServiceArgs:
    """Inputs of :class:`ExternalService`."""

    namespace: str
    """Namespace of the Service (and its endpoint object)."""
    ports: Sequence[Mapping]
    """Service ports: ``name``, ``port``, optional ``target_port`` (the backend's port) and ``protocol``."""
    address: str | None = None
    """IPv4 address of the backend; exclusive with ``external_name``."""
    external_name: str | None = None
    """DNS name of the backend (an ExternalName Service); exclusive with ``address``."""
    endpoints_kind: str = "Endpoints"
    """With ``address``: ``Endpoints`` or ``EndpointSlice``."""
    service_name: str | None = None
    """Kubernetes name of the Service (and endpoint object); defaults to the component name."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels of the Service; an EndpointSlice gets them too, plus its Service-name label."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        if self.service_name is not None:
            require_dns_label(_COMPONENT, "service_name", self.service_name)
        if (self.address is None) == (self.external_name is None):
            raise ArgumentError(_COMPONENT, "address", "and external_name: give exactly one")
        if self.address is not None:
            try:
                ipaddress.IPv4Address(self.address)
            except ValueError:
                raise ArgumentError(_COMPONENT, "address", f"is {self.address!r}, expected an IPv4 address") from None
        else:
            require_text(_COMPONENT, "external_name", self.external_name)
        require_choice(_COMPONENT, "endpoints_kind", self.endpoints_kind, ENDPOINTS_KINDS)
        if isinstance(self.ports, (str, Mapping)) or not self.ports:
            raise ArgumentError(_COMPONENT, "ports", "must be a non-empty list of port mappings")
        names = []
        for p in self.ports:
            if not isinstance(p, Mapping) or not set(p) <= set(_PORT_KEYS):
                raise ArgumentError(_COMPONENT, "ports", f"has entry {p!r}", _PORT_KEYS)
            require_text(_COMPONENT, "ports[].name", p.get("name"))
            for key in ("port", "target_port"):
                value = p.get(key, 1)
                if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
                    raise ArgumentError(_COMPONENT, f"ports[].{key}", f"is {value!r}, expected a port number")
            names.append(p["name"])
        if len(set(names)) != len(names):
            raise ArgumentError(_COMPONENT, "ports", f"repeats a port name: {names}")


class ExternalService(pulumi.ComponentResource):
    """Service ``args.service_name or name`` for an off-cluster backend. Output: ``service_name``."""

    service_name: pulumi.Output[str]

    def __init__(self, name: str, args: ExternalServiceArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:ExternalService", name, None, opts)
        real_name = args.service_name or name
        child = pulumi.ResourceOptions(parent=self)
        metadata: dict = {"name": real_name, "namespace": args.namespace}
        if args.labels:
            metadata["labels"] = dict(args.labels)
        spec: dict = {"ports": [dict(p) for p in args.ports]}
        if args.external_name is not None:
            spec = {"type": "ExternalName", "external_name": args.external_name, **spec}
        self.service = k8s.core.v1.Service(f"{name}-service", metadata=metadata, spec=spec, opts=child)

        after_service = pulumi.ResourceOptions(parent=self, depends_on=[self.service])
        if args.address is not None and args.endpoints_kind == "Endpoints":
            k8s.core.v1.Endpoints(
                f"{name}-endpoints",
                metadata={"name": real_name, "namespace": args.namespace},
                subsets=[{"addresses": [{"ip": args.address}], "ports": endpoint_ports(args.ports)}],
                opts=after_service,
            )
        elif args.address is not None:
            k8s.discovery.v1.EndpointSlice(
                f"{name}-endpointslice",
                metadata={"name": real_name, "namespace": args.namespace,
                          "labels": {SERVICE_NAME_LABEL: real_name, **args.labels}},
                address_type="IPv4",
                ports=endpoint_ports(args.ports),
                endpoints=[{"addresses": [args.address], "conditions": {"ready": True}}],
                opts=after_service,
            )
        self.service_name = pulumi.Output.from_input(real_name)
        self.register_outputs({"service_name": self.service_name})
