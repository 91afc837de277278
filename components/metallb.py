"""MetalLB addressing of a LoadBalancer Service: the annotations and the field MetalLB owns.

MetalLB hands out addresses from the 10.0.20.x pool. A Service asks for a fixed one with the
``loadBalancerIPs`` annotation; several Services may hold the *same* address when each
carries ``allow-shared-ip`` with the same key (they must then use distinct ports and
``externalTrafficPolicy: Cluster``). MetalLB writes the pool it allocated from back onto the
Service, so that annotation is always ignored.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from components.errors import ArgumentError, require_text

_COMPONENT = "MetalLbAddress"

LB_IPS_ANNOTATION = "metallb.io/loadBalancerIPs"
LEGACY_LB_IPS_ANNOTATION = "metallb.universe.tf/loadBalancerIPs"
"""The pre-0.13 spelling; MetalLB still honours it and a few live Services carry it."""
SHARED_IP_ANNOTATION = "metallb.io/allow-shared-ip"
SHARED_IP_KEY = "shared"
"""The sharing key every Service on the shared address uses."""
POOL_ANNOTATION = "metallb.io/ip-allocated-from-pool"
IGNORE_POOL_ANNOTATION = f'metadata.annotations["{POOL_ANNOTATION}"]'


@dataclass(frozen=True, kw_only=True)
class MetalLbAddress:
    """A fixed MetalLB address for one Service, optionally shared with others."""

    ip: str
    """IPv4 address from the MetalLB pool."""
    shared: bool = False
    """Share the address (`allow-shared-ip: <sharing_key>`)."""
    sharing_key: str = SHARED_IP_KEY
    legacy_annotation: bool = False
    """Spell the address annotation `metallb.universe.tf/...`, as some live Services do
    (changing the key is an annotation change on the live object, so adoption keeps it)."""

    def __post_init__(self) -> None:
        try:
            ipaddress.IPv4Address(self.ip)
        except (ipaddress.AddressValueError, ValueError):
            raise ArgumentError(_COMPONENT, "ip", f"is {self.ip!r}, expected an IPv4 address") from None
        require_text(_COMPONENT, "sharing_key", self.sharing_key)

    @property
    def annotations(self) -> dict[str, str]:
        """Service annotations that request this address."""
        key = LEGACY_LB_IPS_ANNOTATION if self.legacy_annotation else LB_IPS_ANNOTATION
        out = {key: self.ip}
        if self.shared:
            out[SHARED_IP_ANNOTATION] = self.sharing_key
        return out

    @property
    def ignore_changes(self) -> list[str]:
        """``ignore_changes`` for the Service: the pool annotation MetalLB writes."""
        return [IGNORE_POOL_ANNOTATION]
