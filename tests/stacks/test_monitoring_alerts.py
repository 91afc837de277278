"""monitoring: the alert groups Prometheus and the Loki ruler load, by name.

The rules themselves are operator content brought over from the Terraform checkout (the
Prometheus values template and the Loki rules file are placeholders in this repository), so
the group lists below are the facts the port was made against (upstream 0cd4afb6). Once the
files are brought over (`make bring-over FROM=...`), these tests check that the operator's
copy renders to exactly these groups: a group added, renamed or dropped upstream after the
port's revision shows up here as a difference to re-diff before cut-over. With placeholders,
they skip and say so.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from components.payload import is_placeholder

STACK = Path(__file__).resolve().parents[2] / "stacks" / "monitoring"
PROMETHEUS_ALERT_GROUPS = [
    "GPU VRAM", "Chrome Pool", "R730 Host", "RPi Sofia", "Nvidia Tesla T4 GPU", "Immich Smart Search",
    "Tailscale subnet router", "Power", "Server Health", "Thermostats", "Metric Staleness", "Storage",
    "K8s Health", "Network Observability (Goldmane)", "Scale-to-zero (Sablier)", "Infrastructure Health",
    "Critical Services", "Cluster", "Node Runtime Health", "Upgrade Gates", "Traefik Ingress",
    "Slow Ingress Latency", "Networking & Access", "Storage Drivers", "Application Health",
    "Network Traffic (GoFlow2)", "DNS Anomaly Detection", "qbittorrent", "Headscale VPN", "VPN Egress",
    "External Access", "Authentik Outpost", "Image Ownership", "Infrastructure Drift", "Webterminal",
    "Traefik Router Parity", "Authentik Walling Off", "Backup MX", "Status Page", "Loki", "Egress / pfSense",
    "MyProtein Watch",
]
LOKI_RULE_GROUPS = [
    "Node Health", "Egress / pfSense", "Immich", "App auto-upgrades (Keel)", "t3 Auth & Upgrades",
    "Security Wave 1", "CrowdSec L7 bouncer", "Matrix", "Vaultwarden vault CLI", "Mail delivery",
    "Immich Share Link Analytics",
]


def _brought_over(relative: str) -> str:
    text = (STACK / "files" / relative).read_text()
    if is_placeholder(text):
        pytest.skip(f"stacks/monitoring/files/{relative} is a placeholder until `make bring-over`")
    return text


@pytest.fixture
def prometheus_part(monkeypatch):
    monkeypatch.syspath_prepend(str(STACK))
    sys.modules.pop("monitoring_prometheus", None)
    import monitoring_prometheus
    return monitoring_prometheus


def test_the_group_lists_have_no_repeats():
    assert len(set(PROMETHEUS_ALERT_GROUPS)) == len(PROMETHEUS_ALERT_GROUPS) == 42
    assert len(set(LOKI_RULE_GROUPS)) == len(LOKI_RULE_GROUPS) == 11


def test_prometheus_loads_exactly_the_ported_alert_groups(prometheus_part):
    text = _brought_over(prometheus_part.VALUES_TEMPLATE)
    values = prometheus_part.rendered_values(text, prometheus_part.AUTHENTIK_WALLOFF_TARGETS)
    groups = values["serverFiles"]["alerting_rules.yml"]["groups"]
    # (Upstream keeps "Webterminal" with every rule commented out: its `rules:` is null.)
    assert [g["name"] for g in groups] == PROMETHEUS_ALERT_GROUPS


def test_the_loki_ruler_loads_exactly_the_ported_rule_groups():
    groups = yaml.safe_load(_brought_over("loki/rules.yaml"))["groups"]
    assert [g["name"] for g in groups] == LOKI_RULE_GROUPS
    assert all(g["rules"] for g in groups), "a group without rules"


def test_grafana_datasources_in_monitoring_by_name(fleet_dir):
    """Every Grafana datasource ConfigMap in `monitoring`, fleet-wide, and which stack owns it:
    monitoring declares only Loki's; the app stacks own theirs (upstream's split)."""
    import json

    owners = {}
    for resources in sorted(fleet_dir.glob("*/resources.json")):
        for record in json.loads(resources.read_text())["resources"]:
            inputs = record.get("inputs") or {}
            metadata = inputs.get("metadata") or {}
            if (inputs.get("kind") == "ConfigMap" and metadata.get("namespace") == "monitoring"
                    and (metadata.get("labels") or {}).get("grafana_datasource") == "1"):
                owners[metadata["name"]] = resources.parent.name
    assert owners.get("grafana-loki-datasource") == "monitoring"
    assert [name for name, stack in owners.items() if stack == "monitoring"] == ["grafana-loki-datasource"]
    assert {stack for stack in owners.values()} >= {"fire-planner", "job-hunter", "payslip-ingest", "wealthfolio"}
