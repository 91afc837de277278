"""The zone's DNS records that no ingress owns: the tunnel wildcard, mail, and a few hosts.

Each record is a plain value; `__main__` turns them into `cloudflare.DnsRecord`s. Names
are full host names (pulumi-cloudflare 6.x stores and compares FQDNs; the Terraform v4
resources used relative names for `*`, `t`, `status` and `test-failover`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The Oracle Always-Free VM (mx2): backup MX, dnstt server and the gatus status page.
MX2_IP = "92.5.132.215"
# The Oracle VPS behind keyserver.<root> (grey cloud, 1 h TTL).
KEYSERVER_IP = "130.162.165.220"
# A tunnel id that does not exist: the edge answers 530 for the canary host forever.
DEAD_TUNNEL_TARGET = "00000000-0000-0000-0000-000000000000.cfargotunnel.com"

# Long TXT values kept exactly as published (quoted, the DKIM key split in two strings).
DKIM_RSPAMD = (
    '"v=DKIM1; h=sha256; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs9XHeFBKhUAEJSikXx+P49Q3nEBbnaSpn6h'
    '/9TqIhKaZWSVa2uGUGYQieNdon7DEJZ0VFo0Tvm3/UFsy2qF7ZmF+E/+N8EmkcPrMlxgJT281dpk5DxrZ+kbzw/DosfHH71K6vCLB4rSexzx'
    'JHaAx0AUddI3bFUJGjMgCXXCMZF+p8YCx+DDGPIX" "z2FOTtlJlR7aeZ2xXavwE/lBfI3MLnsq7X+GhPjQEax070nndOdZI0S8HpZkVxdGWl1'
    'N2Ec6LukYm2RiUkEMMQHSYX7WF3JBc+CGqUyd706Iy/5oeC3UGwZSM2uLkrp8YBjmw/h1rAeyv/ITt6ZXraP/cIMRiVQIDAQAB"'
)
DMARC = (
    '"v=DMARC1; p=quarantine; pct=100; fo=1; ri=3600; sp=quarantine; adkim=r; aspf=r; '
    'rua=mailto:dmarc@viktorbarzin.me,mailto:adb84997@inbox.ondmarc.com; '
    'ruf=mailto:dmarc@viktorbarzin.me,mailto:adb84997@inbox.ondmarc.com,mailto:postmaster@viktorbarzin.me;"'
)


@dataclass(frozen=True, kw_only=True)
class Record:
    """One Cloudflare record; ``logical`` is its Pulumi logical name."""

    logical: str
    name: str
    type: str
    content: str
    proxied: bool | None = False
    """None leaves the flag out (NS records cannot be proxied)."""
    ttl: int = 1
    """1 = automatic."""
    priority: int | None = None
    """MX preference. Cloudflare uses it only on MX/SRV/URI but keeps whatever was sent, and
    upstream sent 1 on three TXT/A records: those carry it too so adoption shows no diff."""


def fqdn(name: str, root_domain: str) -> str:
    """`vpn` -> `vpn.<root>`; a name already under the root (or the root itself) is kept."""
    name = name.strip().rstrip(".").lower()
    if name in ("@", root_domain) or name.endswith(f".{root_domain}"):
        return root_domain if name == "@" else name
    return f"{name}.{root_domain}"


def tunnel_target(tunnel_id: str) -> str:
    return f"{tunnel_id}.cfargotunnel.com"


def wildcard(root_domain: str, tunnel_id: str) -> Record:
    """`*` -> tunnel: every host without its own record reaches Traefik through cloudflared.

    IngressFactory relies on it for every `dns_type="proxied"` host (docs/components.md).
    """
    return Record(logical="wildcard", name=f"*.{root_domain}", type="CNAME",
                  content=tunnel_target(tunnel_id), proxied=True)


def zone_records(root_domain: str) -> list[Record]:
    """Mail (primary and backup MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, Brevo), mx2's hosts,
    the failover canary and the key server."""
    root = root_domain
    mx2 = f"mx2.{root}"
    return [
        Record(logical="mail-mx", name=root, type="MX", content=f"mail.{root}", priority=1),
        Record(logical="backup-mx-a", name=mx2, type="A", content=MX2_IP),
        # mx2 answers for t.<root>: the dnstt DNS tunnel rides ordinary recursive lookups.
        Record(logical="dnstt-ns", name=f"t.{root}", type="NS", content=mx2, proxied=None),
        # Senders fall back to mx2 only while the primary (priority 1) is unreachable.
        Record(logical="backup-mx-mx", name=root, type="MX", content=mx2, priority=20),
        # Grey cloud on purpose: the status page must stay up when the tunnel is down, and
        # the Worker's fetch of it can then never re-enter a Worker route.
        Record(logical="status-a", name=f"status.{root}", type="A", content=MX2_IP),
        # Canary for the outage Worker (worker.py covers it): always an origin failure.
        Record(logical="test-failover", name=f"test-failover.{root}", type="CNAME",
               content=DEAD_TUNNEL_TARGET, proxied=True),
        Record(logical="mail-spf", name=root, type="TXT", content='"v=spf1 include:spf.brevo.com ~all"',
               priority=1),
        Record(logical="mail-domainkey-rspamd", name=f"mail._domainkey.{root}", type="TXT", content=DKIM_RSPAMD),
        Record(logical="brevo-domainkey1", name=f"brevo1._domainkey.{root}", type="CNAME",
               content="b1.viktorbarzin-me.dkim.brevo.com."),
        Record(logical="brevo-domainkey2", name=f"brevo2._domainkey.{root}", type="CNAME",
               content="b2.viktorbarzin-me.dkim.brevo.com."),
        Record(logical="brevo-code", name=root, type="TXT", content='"brevo-code:a6ef1dd91b248559900246eb4e7ceebd"'),
        Record(logical="mail-mta-sts", name=f"_mta-sts.{root}", type="TXT", content='"v=STSv1; id=20260412"'),
        Record(logical="mail-tlsrpt", name=f"_smtp._tls.{root}", type="TXT",
               content=f'"v=TLSRPTv1; rua=mailto:postmaster@{root}"'),
        Record(logical="mail-dmarc", name=f"_dmarc.{root}", type="TXT", content=DMARC, priority=1),
        Record(logical="keyserver", name=f"keyserver.{root}", type="A", content=KEYSERVER_IP, ttl=3600,
               priority=1),
    ]


def proxied_records(names: Iterable[str], root_domain: str, tunnel_id: str) -> list[Record]:
    """One proxied CNAME to the tunnel per listed name (operator list + owner domains)."""
    return [Record(logical=f"proxied-{name}", name=fqdn(name, root_domain), type="CNAME",
                   content=tunnel_target(tunnel_id), proxied=True)
            for name in _unique(names)]


def non_proxied_records(names: Iterable[str], root_domain: str, public_ip: str) -> list[Record]:
    """One grey-cloud A record to the WAN address per listed name.

    IPv4 only: these names serve non-web ports (WireGuard, TURN, Xray) that the IPv6
    bridge does not carry, so an AAAA would send v6-first clients to a closed port.
    """
    return [Record(logical=f"non-proxied-{name}", name=fqdn(name, root_domain), type="A", content=public_ip)
            for name in _unique(names)]


def _unique(names: Iterable[str]) -> list[str]:
    # Terraform keyed these by name (for_each over a map), so a repeated name was one record.
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen
