"""Authentik and Cloudflare tunnel/Workers objects match by their natural keys."""

from __future__ import annotations

import json
from pathlib import Path

from tools.import_plan.cli import main

STACK = "edge"
ROOT = f"urn:pulumi:prod::{STACK}::pulumi:pulumi:Stack::{STACK}-prod"


def _tf(rtype: str, name: str, attrs: dict) -> dict:
    return {"mode": "managed", "type": rtype, "name": name,
            "provider": f'provider["registry.terraform.io/x/{rtype.split("_")[0]}"]',
            "instances": [{"schema_version": 0, "attributes": attrs}]}


def _pulumi(rtype: str, name: str, inputs: dict) -> dict:
    return {"urn": f"urn:pulumi:prod::{STACK}::{rtype}::{name}", "type": rtype, "name": name, "parent": ROOT,
            "custom": True, "inputs": inputs,
            "options": {"protect": False, "dependsOn": [], "ignoreChanges": [], "retainOnDelete": False,
                        "deleteBeforeReplace": False, "import": "", "aliases": []}}


def _write(tmp: Path, tf: list[dict], pulumi: list[dict]) -> tuple[Path, Path]:
    state = tmp / "terraform.tfstate"
    state.write_text(json.dumps({"version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "x",
                                 "outputs": {}, "resources": tf}))
    synth = tmp / "synth"
    (synth / STACK).mkdir(parents=True)
    (synth / STACK / "resources.json").write_text(json.dumps({"stack": "prod", "project": STACK, "resources": pulumi}))
    return state, synth


TF = [
    _tf("authentik_group", "admins", {"id": "8f0c-uuid", "name": "Home Server Admins"}),
    _tf("authentik_application", "grafana", {"id": "grafana", "slug": "grafana", "name": "Grafana"}),
    _tf("cloudflare_worker_route", "apex", {"id": "r123", "zone_id": "z1", "pattern": "example.org/*"}),
    _tf("cloudflare_zero_trust_tunnel_cloudflared_config", "cfg", {"id": "t1", "account_id": "a1", "tunnel_id": "t1"}),
]
PULUMI = [
    _pulumi("authentik:index/group:Group", "admins-group", {"name": "Home Server Admins"}),
    _pulumi("authentik:index/application:Application", "grafana-app", {"slug": "grafana", "name": "Grafana"}),
    _pulumi("cloudflare:index/workersRoute:WorkersRoute", "route-apex", {"zoneId": "z1", "pattern": "example.org/*"}),
    _pulumi("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig", "tunnel",
            {"accountId": "a1", "tunnelId": "t1"}),
]


def test_natural_keys_match_and_carry_provider_import_ids(tmp_path, capsys):
    state, synth = _write(tmp_path, TF, PULUMI)
    code = main(["--stack", STACK, "--tfstate", str(state), "--synth-dir", str(synth), "--out-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0, out
    imported = json.loads((tmp_path / "out" / STACK / "import.json").read_text())["resources"]
    ids = {r["type"]: r["id"] for r in imported}
    assert ids == {
        "authentik:index/group:Group": "8f0c-uuid",
        "authentik:index/application:Application": "grafana",
        "cloudflare:index/workersRoute:WorkersRoute": "z1/r123",
        "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig": "a1/t1",
    }


def test_a_renamed_group_is_orphaned_not_silently_adopted(tmp_path, capsys):
    renamed = [dict(PULUMI[0], inputs={"name": "Home Server Admin"}), *PULUMI[1:]]
    state, synth = _write(tmp_path, TF, renamed)
    code = main(["--stack", STACK, "--tfstate", str(state), "--synth-dir", str(synth), "--out-dir", str(tmp_path / "out")])
    capsys.readouterr()
    report = json.loads((tmp_path / "out" / STACK / "report.json").read_text())
    assert code == 1
    assert [o["address"] for o in report["orphaned"]] == ["authentik_group.admins"]
    assert [c["type"] for c in report["created"]] == ["authentik:index/group:Group"]
