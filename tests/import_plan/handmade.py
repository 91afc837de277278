"""Hand-written import-plan inputs: Terraform state (v4 or `show -json`) and synth output.

Each test states the few objects it is about; the shapes are the documented ones
(Terraform state format 4, `terraform show -json` format 1.0, docs/architecture.md's
resources.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tools.import_plan import PlanInputs, build_plan
from tools.import_plan.cli import main
from tools.import_plan.plan import Plan

STACK = "demo"
ROOT = f"urn:pulumi:prod::{STACK}::pulumi:pulumi:Stack::{STACK}-prod"
_PROVIDERS = {"kubectl": "gavinbunney", "authentik": "goauthentik", "proxmox": "telmate", "oci": "oracle"}


def tf(rtype: str, name: str, attrs: dict[str, Any], *, module: str = "", index: Any = None,
       deposed: str = "", mode: str = "managed") -> dict[str, Any]:
    """One resource block of a v4 state holding one instance."""
    provider = rtype.split("_")[0]
    block: dict[str, Any] = {
        "mode": mode, "type": rtype, "name": name,
        "provider": f'provider["registry.terraform.io/{_PROVIDERS.get(provider, "hashicorp")}/{provider}"]',
        "instances": [{"schema_version": 0, "attributes": attrs, "sensitive_attributes": []}],
    }
    if module:
        block["module"] = module
    if index is not None:
        block["instances"][0]["index_key"] = index
    if deposed:
        block["instances"][0]["deposed"] = deposed
    return block


def pu(rtype: str, name: str, inputs: dict[str, Any], *, ignore: list[str] | None = None,
       parent: str = ROOT) -> dict[str, Any]:
    """One resource of build/synth/<stack>/resources.json, parented on the stack."""
    return {
        "urn": f"urn:pulumi:prod::{STACK}::{rtype}::{name}", "type": rtype, "name": name, "parent": parent,
        "custom": True, "inputs": inputs,
        "options": {"protect": False, "dependsOn": [], "ignoreChanges": ignore or [], "retainOnDelete": False,
                    "deleteBeforeReplace": False, "import": "", "aliases": []},
    }


def meta(name: str, namespace: str | None = None, **extra: Any) -> list[dict[str, Any]]:
    """Terraform's `metadata` block (a list of one object)."""
    block: dict[str, Any] = {"name": name, "labels": {}, "annotations": {}, **extra}
    if namespace:
        block["namespace"] = namespace
    return [block]


def show_json(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The same objects as `terraform show -json` prints them (root module only)."""
    out = []
    for block in resources:
        inst = block["instances"][0]
        entry = {"address": f"{block['type']}.{block['name']}", "mode": block["mode"], "type": block["type"],
                 "name": block["name"], "provider_name": block["provider"][10:-2],
                 "values": inst["attributes"], "sensitive_values": {}}
        if inst.get("deposed"):
            entry["deposed_key"] = inst["deposed"]
        out.append(entry)
    return {"format_version": "1.0", "terraform_version": "1.9.8",
            "values": {"root_module": {"resources": out}}}


@dataclass
class Case:
    """Inputs of one plan, written under a test's tmp_path."""

    root: Path
    terraform: list[dict[str, Any]] = field(default_factory=list)
    pulumi: list[dict[str, Any]] = field(default_factory=list)
    shape: str = "v4"

    @property
    def state_path(self) -> Path:
        return self.root / ("terraform.tfstate" if self.shape == "v4" else "show.json")

    @property
    def synth_dir(self) -> Path:
        return self.root / "synth"

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    def write(self) -> None:
        doc = (show_json(self.terraform) if self.shape == "show" else
               {"version": 4, "terraform_version": "1.9.8", "serial": 1, "lineage": "x", "outputs": {},
                "resources": self.terraform})
        self.state_path.write_text(json.dumps(doc, indent=2))
        (self.synth_dir / STACK).mkdir(parents=True, exist_ok=True)
        stack = {"urn": ROOT, "type": "pulumi:pulumi:Stack", "name": f"{STACK}-prod", "parent": None,
                 "custom": False, "inputs": {}, "options": {}}
        (self.synth_dir / STACK / "resources.json").write_text(
            json.dumps({"stack": "prod", "project": STACK, "resources": [stack, *self.pulumi]}, indent=2))

    def plan(self, accept: tuple[str, ...] = ()) -> Plan:
        self.write()
        return build_plan(PlanInputs(stack=STACK, tfstate=self.state_path, synth_dir=self.synth_dir, accept=accept))

    def run(self, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
        self.write()
        code = main(["--stack", STACK, "--tfstate", str(self.state_path), "--synth-dir", str(self.synth_dir),
                     "--out-dir", str(self.out_dir), *extra])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    def report(self) -> dict[str, Any]:
        return json.loads((self.out_dir / STACK / "report.json").read_text())

    def import_file(self) -> dict[str, Any]:
        return json.loads((self.out_dir / STACK / "import.json").read_text())


def diff_of(plan: Plan, address: str, field_name: str):
    """The one diff of ``field_name`` on the object at ``address``."""
    found = [d for m in plan.matches if m.tf.label == address for d in m.diffs if d.field == field_name]
    assert len(found) == 1, [d for m in plan.matches if m.tf.label == address for d in m.diffs]
    return found[0]


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return Case(tmp_path)
