"""Cluster-wide settings, read once per program from the ``cluster:`` config namespace.

Upstream took these from the root terragrunt config, ``tiers.tf`` and the encrypted
``config.tfvars``. The defaults below are the public, non-secret upstream values; an
operator overrides any of them per stack with ``pulumi config set cluster:<key> <value>``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components import constants

if TYPE_CHECKING:
    from components.metallb import MetalLbAddress


@dataclass(frozen=True)
class DnsTarget:
    """Where the Cloudflare records an ingress asks for point."""

    zone_id: str = "fd2c5dd4efe8fe38958944e74d0ced6d"
    """Cloudflare zone of the root domain."""
    tunnel_id: str = "75182cd7-bb91-4310-b961-5d8967da8b41"
    """cloudflared tunnel that serves proxied hosts."""
    public_ip: str = "176.12.22.76"
    """WAN IPv4 for non-proxied A records."""
    public_ipv6: str = "2001:470:6e:43d::2"
    """WAN IPv6 for non-proxied AAAA records."""
    internal_lb_ip: str = "10.0.20.203"
    """Traefik's MetalLB address, target of `internal` records."""


@dataclass(frozen=True)
class ClusterSettings:
    """Facts every stack may need. Construct with :meth:`load` inside a program."""

    root_domain: str = "viktorbarzin.me"
    nfs_server: str = "192.168.1.127"
    postgresql_host: str = "pg-cluster-rw.dbaas.svc.cluster.local"
    mysql_host: str = "mysql.dbaas.svc.cluster.local"
    redis_host: str = "redis-master.redis.svc.cluster.local"
    mail_host: str = "mail.viktorbarzin.me"
    tls_secret_name: str = "tls-secret"
    vault_address: str = "https://vault.viktorbarzin.me"
    shared_lb_ip: str = "10.0.20.200"
    """The MetalLB address several LoadBalancer Services share (distinct ports each)."""
    dns: DnsTarget = field(default_factory=DnsTarget)
    tiers: dict[str, str] = field(default_factory=lambda: dict(constants.TIERS))

    # Keys an operator may set: cluster:<camelCase of the field>.
    @classmethod
    def config_keys(cls) -> dict[str, str]:
        keys = {_camel(f.name): f.name for f in dataclasses.fields(cls) if f.name not in ("dns", "tiers")}
        keys.update({_camel(f.name): f"dns.{f.name}" for f in dataclasses.fields(DnsTarget)})
        return keys

    @classmethod
    def load(cls) -> "ClusterSettings":
        """Read overrides from the ``cluster`` config namespace of the running stack."""
        import pulumi

        config = pulumi.Config("cluster")
        top: dict[str, object] = {}
        dns: dict[str, object] = {}
        for key, attr in cls.config_keys().items():
            value = config.get(key)
            if value is None:
                continue
            if attr.startswith("dns."):
                dns[attr[4:]] = value
            else:
                top[attr] = value
        return cls(dns=DnsTarget(**dns), **top)  # type: ignore[arg-type]

    def shared_lb(self, *, legacy_annotation: bool = False) -> "MetalLbAddress":
        """The shared MetalLB address, with the sharing key every holder of it uses."""
        from components.metallb import MetalLbAddress

        return MetalLbAddress(ip=self.shared_lb_ip, shared=True, legacy_annotation=legacy_annotation)

    def tier(self, key: str) -> str:
        """Tier label value by its short name (core, cluster, gpu, edge, aux)."""
        try:
            return self.tiers[key]
        except KeyError:
            raise KeyError(f"unknown tier {key!r} (known: {', '.join(self.tiers)})") from None


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)
