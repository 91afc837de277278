"""The node cache's Corefile, built from its zones (byte-identical to the live ConfigMap).

``__PILLAR__CLUSTER__DNS__`` is left for the node-cache binary, which substitutes the
kube-dns-upstream Service's address at start-up.
"""

from __future__ import annotations

UPSTREAM = "__PILLAR__CLUSTER__DNS__"


def _zone(name: str, *, bind: str, forward: str, cache: list[str], force_tcp: bool, health: str | None) -> str:
    lines = [f"{name}:53 {{", "    errors", *[f"    {line}" for line in cache], "    reload", "    loop",
             f"    bind {bind}"]
    lines += [f"    forward . {forward} {{", "        force_tcp", "    }"] if force_tcp else [f"    forward . {forward}"]
    lines.append("    prometheus :9253")
    if health:
        lines.append(f"    health {health}")
    return "\n".join([*lines, "}"]) + "\n"


def corefile(link_local_ip: str, kube_dns_ip: str, technitium_ip: str) -> str:
    bind = f"{link_local_ip} {kube_dns_ip}"
    short = ["cache 30"]
    return "".join([
        _zone("cluster.local", bind=bind, forward=UPSTREAM, force_tcp=True, health=f"{link_local_ip}:8080",
              cache=["cache {", "    success 9984 30", "    denial 9984 5", "}"]),
        _zone("in-addr.arpa", bind=bind, forward=UPSTREAM, force_tcp=True, health=None, cache=short),
        _zone("ip6.arpa", bind=bind, forward=UPSTREAM, force_tcp=True, health=None, cache=short),
        # The LAN zone is Technitium's.
        _zone("viktorbarzin.lan", bind=bind, forward=technitium_ip, force_tcp=False, health=None, cache=short),
        _zone(".", bind=bind, forward=UPSTREAM, force_tcp=False, health=None, cache=short),
    ])
