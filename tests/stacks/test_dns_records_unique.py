"""Across the fleet, no two stacks (or two resources of one stack) claim the same DNS record.

Two Pulumi resources managing one Cloudflare record fight on every apply, and the import
plan cannot adopt the live record for both. Identity is (zone, FQDN, type), as in
tools/import_plan: record types that hold several values at one name (MX, TXT, A, ...)
may repeat, but only with different content, like the apex MX pair and TXT records.
"""

from __future__ import annotations

import json
from collections import defaultdict


DNS = "cloudflare:index/dnsRecord:DnsRecord"
# Types whose record sets legitimately hold several records at one name.
MULTI_VALUE = frozenset({"A", "AAAA", "MX", "TXT", "NS", "SRV", "CAA", "URI"})


def _fleet_records(fleet_dir) -> list[tuple[str, dict]]:
    found = []
    for path in sorted(fleet_dir.glob("*/resources.json")):
        document = json.loads(path.read_text())
        for resource in document["resources"]:
            if resource["type"] == DNS:
                found.append((resource["urn"], resource["inputs"]))
    return found


def _key(inputs: dict) -> tuple[str, str, str]:
    return (str(inputs.get("zoneId")), str(inputs.get("name")).lower().rstrip("."), str(inputs.get("type")).upper())


def test_fleet_synthesized_with_the_zone_records(fleet_dir):
    names = {_key(inputs)[1] for _, inputs in _fleet_records(fleet_dir)}
    assert "*.viktorbarzin.me" in names, "the cloudflared wildcard is missing from the fleet synth (see synth.log)"


def test_no_two_resources_claim_one_record(fleet_dir):
    groups: dict[tuple[str, str, str], list[tuple[str, dict]]] = defaultdict(list)
    for urn, inputs in _fleet_records(fleet_dir):
        groups[_key(inputs)].append((urn, inputs))
    clashes = []
    for key, claims in groups.items():
        if len(claims) == 1:
            continue
        if key[2] in MULTI_VALUE:
            values = [(str(i.get("content")), i.get("priority")) for _, i in claims]
            if len(set(values)) == len(values):
                continue
        clashes.append(f"{key}: {[urn for urn, _ in claims]}")
    assert not clashes, "records declared twice:\n" + "\n".join(clashes)


def test_cname_names_hold_no_other_record(fleet_dir):
    # A CNAME must be alone at its name; Cloudflare allows the exception only at the zone
    # apex (CNAME flattening), where the blog's CNAME sits next to the MX and TXT records.
    apex = ("fd2c5dd4efe8fe38958944e74d0ced6d", "viktorbarzin.me")
    by_name: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for urn, inputs in _fleet_records(fleet_dir):
        zone, name, rtype = _key(inputs)
        by_name[(zone, name)].append((rtype, urn))
    clashes = [f"{name}: {claims}" for name, claims in by_name.items()
               if name != apex and any(t == "CNAME" for t, _ in claims) and len(claims) > 1]
    assert not clashes, "CNAME shares its name with other records:\n" + "\n".join(clashes)
