"""Inputs that cannot be planned: exit 2 with a message naming stack, address, argument."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ip_support import FIXTURES, state_file, tf_resource
from tools.import_plan import PlanError, PlanInputs, build_plan
from tools.import_plan.tfstate import load_tfstate


def test_state_format_v3_is_refused(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_state(lambda s: s.__setitem__("version", 3))
    code, out, err = ws.run(capsys=capsys)
    assert (code, out) == (2, "")
    assert err.startswith("import-plan[tandoor]: --tfstate ")
    assert "state format version 3 is not supported" in err


def test_state_that_is_not_json(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.tfstate.write_text("terraform {")
    code, _, err = ws.run(capsys=capsys)
    assert code == 2
    assert "--tfstate" in err and "not JSON" in err


def test_missing_synth_output_names_the_argument(tmp_path: Path, capsys) -> None:
    from tools.import_plan.cli import main

    code = main(["--stack", "tandoor", "--tfstate", str(state_file(FIXTURES / "tandoor")),
                 "--synth-dir", str(tmp_path), "--out-dir", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"import-plan[tandoor]: --synth-dir {tmp_path}" in err and "run `make synth` first" in err


def test_synth_of_another_project_is_refused(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: d.__setitem__("project", "immich"))
    code, _, err = ws.run(capsys=capsys)
    assert code == 2
    assert "`project` is 'immich', expected the stack name 'tandoor'" in err


def test_synth_entry_without_urn_names_the_field(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: d["resources"][3].pop("urn"))
    code, _, err = ws.run(capsys=capsys)
    assert code == 2
    assert "resources[3] field `urn` missing or not str" in err


def test_stale_accept_is_an_error(workspace, capsys) -> None:
    ws = workspace("tandoor")
    code, _, err = ws.run("--accept", "kubernetes_service.tandoor", capsys=capsys)
    assert code == 2
    assert "--accept kubernetes_service.tandoor: nothing would be replaced or orphaned" in err


def test_malformed_map_argument(workspace, capsys) -> None:
    ws = workspace("tandoor")
    code, _, err = ws.run("--map", "random_password.secret_key", capsys=capsys)
    assert code == 2
    assert "--map 'random_password.secret_key': expected ADDRESS=urn:pulumi:..." in err


def test_map_to_unknown_address(workspace, capsys) -> None:
    ws = workspace("tandoor")
    code, _, err = ws.run("--map", "random_password.nope=urn:pulumi:prod::tandoor::x::y", capsys=capsys)
    assert code == 2
    assert "--map random_password.nope: no such address in the Terraform state" in err


def test_two_pulumi_resources_claiming_one_object(workspace, capsys) -> None:
    ws = workspace("webapp")

    def duplicate(doc):
        mail = ws.resource(doc, "mail")
        doc["resources"].append({**mail, "name": "mail-again", "urn": mail["urn"].replace("::mail", "::mail-again")})

    ws.edit_synth(duplicate)
    code, _, err = ws.run(capsys=capsys)
    assert code == 2
    assert "cloudflare_record.mail: dns:" in err and "is claimed by several Pulumi resources" in err


def test_urn_that_does_not_follow_its_parent_chain(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: ws.resource(d, "tandoor-data-nfs-pv").__setitem__(
        "urn", "urn:pulumi:prod::tandoor::kubernetes:core/v1:PersistentVolume::tandoor-data-nfs-pv"))
    code, _, err = ws.run(capsys=capsys)
    assert code == 2
    assert "does not follow its parent chain" in err


def test_library_raises_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"import-plan\[tandoor\]: --tfstate .*file not found"):
        build_plan(PlanInputs(stack="tandoor", tfstate=tmp_path / "missing.tfstate", synth_dir=FIXTURES))


# ---------------------------------------------------------------- both state shapes


def _as_show_json(raw: dict) -> dict:
    """Re-express a raw v4 state as `terraform show -json` (test-local conversion)."""
    modules: dict[str, list] = {}
    for res in raw["resources"]:
        for inst in res["instances"]:
            module = res.get("module", "")
            values = {k: (v["value"] if isinstance(v, dict) and set(v) == {"value", "type"} else v)
                      for k, v in inst["attributes"].items()}
            entry = {"mode": res["mode"], "type": res["type"], "name": res["name"], "values": values,
                     "provider_name": "registry.terraform.io/x/y", "schema_version": 0, "sensitive_values": {}}
            if "index_key" in inst:
                entry["index"] = inst["index_key"]
            modules.setdefault(module, []).append(entry)
    root = {"resources": modules.pop("", []),
            "child_modules": [{"address": m, "resources": r} for m, r in modules.items()]}
    return {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": root}}


@pytest.mark.parametrize("stack", ["tandoor", "webapp", "vault"])
def test_show_json_and_raw_state_plan_identically(stack: str, tmp_path: Path) -> None:
    raw_path = state_file(FIXTURES / stack)
    show_path = tmp_path / "show.json"
    show_path.write_text(json.dumps(_as_show_json(json.loads(raw_path.read_text()))))
    raw = build_plan(PlanInputs(stack=stack, tfstate=raw_path, synth_dir=FIXTURES))
    show = build_plan(PlanInputs(stack=stack, tfstate=show_path, synth_dir=FIXTURES))
    assert sorted((m.tf.address, m.pulumi.urn, m.import_id) for m in raw.matches) == \
           sorted((m.tf.address, m.pulumi.urn, m.import_id) for m in show.matches)
    assert len(raw.matches) == len(show.matches) > 0


def test_raw_state_addresses_and_sensitive_attributes() -> None:
    instances = {i.address: i for i in load_tfstate(state_file(FIXTURES / "tandoor"), "tandoor")}
    assert "module.ingress.kubectl_manifest.sablier[0]" in instances
    assert not any(a.startswith("data.") or ".ignored_lookup" in a for a in instances)
    assert instances["random_password.secret_key"].sensitive_attributes == {"bcrypt_hash", "result"}


def test_dynamic_manifest_is_unwrapped(workspace) -> None:
    ws = workspace("tandoor")
    state = json.loads(ws.tfstate.read_text())
    manifest = tf_resource(state, "kubernetes_manifest", "external_secret")["instances"][0]["attributes"]["manifest"]
    assert set(manifest) == {"value", "type"}  # the fixture really is in raw-state shape
    plan = build_plan(PlanInputs(stack="tandoor", tfstate=ws.tfstate, synth_dir=ws.synth_dir))
    assert "kubernetes_manifest.external_secret" in {m.tf.address for m in plan.matches}
