"""cloudflared: the tunnel every proxied host depends on, and the zone records around it."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from components.ingress import IngressArgs, dns_records
from components.settings import ClusterSettings
from upstream_inventory import INVENTORY, needs_inventory

STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "cloudflared"
DNS = "cloudflare:index/dnsRecord:DnsRecord"
ROUTE = "cloudflare:index/workersRoute:WorkersRoute"
# The live zone and tunnel, written out: a changed settings default must fail here.
ZONE_ID = "fd2c5dd4efe8fe38958944e74d0ced6d"
TUNNEL_ID = "75182cd7-bb91-4310-b961-5d8967da8b41"
ROOT = "viktorbarzin.me"
TUNNEL_TARGET = f"{TUNNEL_ID}.cfargotunnel.com"


def _stack_module(name: str):
    spec = importlib.util.spec_from_file_location(f"cloudflared_{name}", STACK_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


records_mod = _stack_module("records")
worker_mod = _stack_module("worker")


def _records(stack) -> dict[str, dict]:
    return {r["name"]: r["inputs"] for r in stack.of_type(DNS)}


def test_wildcard_cname_serves_every_proxied_ingress_host(synth_stack):
    wildcard = _records(synth_stack("cloudflared"))["wildcard"]
    assert wildcard == {
        "zoneId": ZONE_ID, "name": f"*.{ROOT}", "type": "CNAME",
        "content": TUNNEL_TARGET, "proxied": True, "ttl": 1,
    }
    # The contract with IngressFactory: a proxied non-apex host declares no record of its own
    # and relies on this one; only the apex gets its own CNAME, to the same tunnel.
    args = IngressArgs.on_cluster(ClusterSettings(), namespace="x", dns_type="proxied")
    assert dns_records("anything", args) == []
    [apex] = dns_records("blog", IngressArgs.on_cluster(ClusterSettings(), namespace="x", dns_type="proxied", full_host=ROOT))
    assert (apex.content, apex.proxied) == (wildcard["content"], wildcard["proxied"])


def test_tunnel_sends_the_zone_to_traefik_and_404s_the_rest(synth_stack):
    [tunnel] = synth_stack("cloudflared").of_type(
        "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig")
    inputs = tunnel["inputs"]
    assert inputs["tunnelId"] == TUNNEL_ID
    origin = {"service": "https://traefik.traefik.svc.cluster.local:443", "originRequest": {"noTlsVerify": True}}
    assert inputs["config"]["ingresses"] == [
        {"hostname": f"*.{ROOT}", **origin},
        {"hostname": ROOT, **origin},
        {"service": "http_status:404"},
    ], tunnel["urn"]


def test_connector_deployment(synth_stack):
    stack = synth_stack("cloudflared")
    deployment = stack.k8s("Deployment", "cloudflared", "cloudflared")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 3 and spec["strategy"] == {"type": "RollingUpdate"}
    assert spec["selector"]["matchLabels"] == {"app": "cloudflared"}
    pod = spec["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"] == "cloudflare/cloudflared"
    assert container["command"] == ["cloudflared", "tunnel", "--no-autoupdate", "run"]
    # SEC-015: the token is referenced from a Secret, never a literal in the pod spec.
    assert container["env"] == [{"name": "TUNNEL_TOKEN",
                                 "valueFrom": {"secretKeyRef": {"name": "cloudflared-tunnel-token", "key": "token"}}}]
    token = stack.k8s("Secret", "cloudflared-tunnel-token", "cloudflared")
    assert token["inputs"]["stringData"] == "[secret]", "token must stay a Pulumi secret"
    assert token["inputs"]["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}, \
        "a rotated token must roll the connectors (the Deployment's reloader search)"
    assert container["ports"] == [{"containerPort": 14333}]
    assert container["resources"] == {"requests": {"cpu": "15m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}}
    [spread] = pod["topologySpreadConstraints"]
    assert (spread["topologyKey"], spread["whenUnsatisfiable"], spread["maxSkew"]) == (
        "kubernetes.io/hostname", "ScheduleAnyway", 1)
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored and "spec.template.spec.dnsConfig" in ignored
    namespace = stack.k8s("Namespace", "cloudflared")
    assert namespace["inputs"]["metadata"]["labels"] == {"tier": "0-core", "keel.sh/enrolled": "true"}
    assert namespace["options"]["protect"]


def test_service_and_disruption_budget(synth_stack):
    stack = synth_stack("cloudflared")
    service = stack.k8s("Service", "cloudflared", "cloudflared")["inputs"]["spec"]
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 14333, "protocol": "TCP"}]
    pdb = stack.k8s("PodDisruptionBudget", "cloudflared", "cloudflared")["inputs"]["spec"]
    assert pdb == {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "cloudflared"}}}


def test_mail_records(synth_stack):
    records = _records(synth_stack("cloudflared"))
    mx = sorted((r["priority"], r["content"]) for r in records.values() if r["type"] == "MX")
    assert mx == [(1, f"mail.{ROOT}"), (20, f"mx2.{ROOT}")]
    assert records["dnstt-ns"]["name"] == f"t.{ROOT}" and "proxied" not in records["dnstt-ns"]
    assert records["status-a"] == {"zoneId": ZONE_ID, "name": f"status.{ROOT}", "type": "A",
                                   "content": "92.5.132.215", "proxied": False, "ttl": 1}
    assert records["keyserver"]["ttl"] == 3600
    # Upstream sends priority 1 on two TXT records and one A record (cloudflare.tf at 0cd4afb6)
    # and the zone stores it; every other non-MX record has none.
    with_priority = {k: r["priority"] for k, r in records.items() if r["type"] != "MX" and "priority" in r}
    assert with_priority == {"mail-spf": 1, "mail-dmarc": 1, "keyserver": 1}
    for logical, record in records.items():
        assert record["name"] == ROOT or record["name"].endswith(f".{ROOT}"), f"{logical}: not an FQDN"


@needs_inventory
def test_every_literal_upstream_record_has_its_counterpart(synth_stack):
    upstream = json.loads(INVENTORY.read_text())["stacks"]["cloudflared"]["cloudflare_records"]
    ported = list(_records(synth_stack("cloudflared")).values())
    checked = 0
    for record in upstream:
        args = record["args"]
        if str(args["name"]).startswith("expr:"):
            continue  # for_each over config lists (empty in the synth)
        name = records_mod.fqdn(args["name"], ROOT)
        found = [p for p in ported if (p["name"], p["type"]) == (name, args["type"])
                 and (p["content"] == args["content"] or str(args["content"]).startswith("expr:")
                      or str(args["content"]) == f"<text: 1 lines, {len(p['content'])} chars>")]
        assert len(found) == 1, f"upstream cloudflare_record.{record['name']} ({name} {args['type']}): {found}"
        assert found[0]["ttl"] == args["ttl"], record["name"]
        assert found[0].get("proxied", False) == args.get("proxied", False), record["name"]
        checked += 1
    assert checked == 16


def test_bot_management_and_http3(synth_stack):
    stack = synth_stack("cloudflared")
    [bots] = stack.of_type("cloudflare:index/botManagement:BotManagement")
    assert bots["inputs"] == {"zoneId": ZONE_ID, "enableJs": True, "fightMode": True,
                              "aiBotsProtection": "disabled"}
    [http3] = stack.of_type("cloudflare:index/zoneSetting:ZoneSetting")
    assert http3["inputs"] == {"zoneId": ZONE_ID, "settingId": "http3", "value": "on"}


def test_outage_worker_and_its_allow_listed_routes(synth_stack):
    stack = synth_stack("cloudflared")
    [script] = stack.of_type("cloudflare:index/workersScript:WorkersScript")
    inputs = script["inputs"]
    assert (inputs["scriptName"], inputs["mainModule"], inputs["compatibilityDate"]) == (
        "outage-failover", "worker.js", "2024-01-01")
    assert worker_mod.PAGE_MARKER not in inputs["content"] and "<!doctype html>" in inputs["content"]
    assert "export default" in inputs["content"]
    routes = {r["inputs"]["pattern"]: r["inputs"] for r in stack.of_type(ROUTE)}
    assert len(routes) == 117
    assert f"{ROOT}/*" in routes and f"test-failover.{ROOT}/*" in routes
    assert f"nextcloud.{ROOT}/*" not in routes and f"*.{ROOT}/*" not in routes
    assert {r["script"] for r in routes.values()} == {"outage-failover"}


@pytest.mark.parametrize("name, expected", [
    ("vpn", f"vpn.{ROOT}"), ("*", f"*.{ROOT}"), ("@", ROOT), (ROOT, ROOT),
    (f"alice.{ROOT}", f"alice.{ROOT}"), ("Status.", f"status.{ROOT}"),
])
def test_fqdn(name, expected):
    assert records_mod.fqdn(name, ROOT) == expected


def test_listed_names_become_one_record_each():
    proxied = records_mod.proxied_records(["a", f"b.{ROOT}", "a"], ROOT, "tid")
    assert [(r.logical, r.name, r.content, r.proxied) for r in proxied] == [
        ("proxied-a", f"a.{ROOT}", "tid.cfargotunnel.com", True),
        (f"proxied-b.{ROOT}", f"b.{ROOT}", "tid.cfargotunnel.com", True),
    ]
    [grey] = records_mod.non_proxied_records(["vpn"], ROOT, "192.0.2.1")
    assert (grey.name, grey.type, grey.content, grey.proxied) == (f"vpn.{ROOT}", "A", "192.0.2.1", False)


def test_worker_source_embeds_the_page_as_a_js_string():
    page = '<p class="x">a "quoted" line\n</p>'
    source = worker_mod.worker_source(f"const P = {worker_mod.PAGE_MARKER};", page)
    assert source == f"const P = {json.dumps(page)};"
    with pytest.raises(ValueError, match="exactly once"):
        worker_mod.worker_source("const P = 1;", page)
