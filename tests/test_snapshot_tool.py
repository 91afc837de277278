"""tools.snapshot: what it records, what it masks, and how it reports a difference."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import snapshot

REPO = Path(__file__).resolve().parent.parent
STACK_URN = "urn:pulumi:prod::demo::pulumi:pulumi:Stack::demo-prod"


def _opts(**overrides):
    base = {"protect": False, "dependsOn": [], "ignoreChanges": [], "retainOnDelete": False,
            "deleteBeforeReplace": False, "import": "", "aliases": []}
    return {**base, **overrides}


def records() -> list[dict]:
    return [
        {"urn": "urn:pulumi:prod::demo::homelab:k8s:WebApp::web", "type": "homelab:k8s:WebApp", "name": "web",
         "parent": STACK_URN, "custom": False, "inputs": {}, "options": _opts()},
        {"urn": "urn:pulumi:prod::demo::homelab:k8s:WebApp$kubernetes:apps/v1:Deployment::web-deployment",
         "type": "kubernetes:apps/v1:Deployment", "name": "web-deployment",
         "parent": "urn:pulumi:prod::demo::homelab:k8s:WebApp::web", "custom": True,
         "inputs": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "demo"},
                    "spec": {"template": {"spec": {"containers": [
                        {"name": "sidecar", "image": "busybox:1.36"},
                        {"name": "web", "image": "nginx:1.27", "env": [{"name": "MODE", "value": "prod"}]}]}}}},
         "options": _opts(ignoreChanges=["spec.template.spec.dnsConfig"])},
        {"urn": "urn:pulumi:prod::demo::kubernetes:core/v1:Secret::creds", "type": "kubernetes:core/v1:Secret",
         "name": "creds", "parent": STACK_URN, "custom": True,
         "inputs": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds", "namespace": "demo"},
                    "data": {"cert": "Y2VydA=="}, "stringData": {"user": "admin", "password": "[secret]"}},
         "options": _opts()},
        {"urn": "urn:pulumi:prod::demo::kubernetes:core/v1:PersistentVolume::data", "type": "kubernetes:core/v1:PersistentVolume",
         "name": "data", "parent": STACK_URN, "custom": True,
         "inputs": {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "demo-data"},
                    "spec": {"nfs": {"server": "192.0.2.1", "path": "/export/demo"}}},
         "options": _opts(protect=True, retainOnDelete=True)},
    ]


@pytest.fixture
def committed(tmp_path) -> Path:
    root = tmp_path / "snapshots"
    snapshot.write_stack("demo", snapshot.render_stack(records()), root)
    return root


def diff_lines(root: Path, changed: list[dict]) -> list[str]:
    return [line for d in snapshot.compare_stack("demo", snapshot.render_stack(changed), root) for line in d.lines()]


def test_unchanged_synth_has_no_difference(committed):
    assert diff_lines(committed, records()) == []


def test_files_are_named_by_kind_and_logical_name(committed):
    assert sorted(p.name for p in (committed / "demo").iterdir()) == [
        "Deployment_web-deployment.yaml", "PersistentVolume_data.yaml", "Secret_creds.yaml", "WebApp_web.yaml"]


def test_image_change_names_stack_object_and_container(committed):
    changed = records()
    changed[1]["inputs"]["spec"]["template"]["spec"]["containers"][1]["image"] = "nginx:1.28"
    assert diff_lines(committed, changed) == [
        "demo: Deployment_web-deployment.yaml (kubernetes:apps/v1:Deployment web-deployment)",
        '    inputs.spec.template.spec.containers[name=web].image: "nginx:1.27" -> "nginx:1.28"',
    ]


def test_emptied_list_is_reported(committed):
    changed = records()
    changed[1]["inputs"]["spec"]["template"]["spec"]["containers"][1]["env"] = []
    assert diff_lines(committed, changed)[1:] == [
        '    inputs.spec.template.spec.containers[name=web].env[name=MODE]: removed (was {"name": "MODE", "value": "prod"})']


def test_emptied_string_list_is_reported(committed):
    changed = records()
    changed[1]["inputs"]["spec"]["template"]["spec"]["containers"][1]["args"] = ["--a"]
    snapshot.write_stack("demo", snapshot.render_stack(changed), committed)
    changed[1]["inputs"]["spec"]["template"]["spec"]["containers"][1]["args"] = []
    assert diff_lines(committed, changed)[1:] == ['    inputs.spec.template.spec.containers[name=web].args: ["--a"] -> []']


@pytest.mark.parametrize("option, value, expected", [
    ("protect", False, "    options.protect: true -> false"),
    ("retainOnDelete", False, "    options.retainOnDelete: true -> false"),
    ("deleteBeforeReplace", True, "    options.deleteBeforeReplace: false -> true"),
    ("ignoreChanges", ["spec.claimRef"], '    options.ignoreChanges: [] -> ["spec.claimRef"]'),
    ("dependsOn", [STACK_URN], f'    options.dependsOn: [] -> ["{STACK_URN}"]'),
    ("import", "demo-data", '    options.import: "" -> "demo-data"'),
    ("aliases", ["urn:old"], '    options.aliases: [] -> ["urn:old"]'),
])
def test_resource_options_that_matter_are_compared(committed, option, value, expected):
    changed = records()
    changed[3]["options"][option] = value
    assert diff_lines(committed, changed) == [
        "demo: PersistentVolume_data.yaml (kubernetes:core/v1:PersistentVolume data)", expected]


def test_dropped_ignore_change_is_reported(committed):
    changed = records()
    changed[1]["options"]["ignoreChanges"] = []
    assert diff_lines(committed, changed)[1:] == ['    options.ignoreChanges: ["spec.template.spec.dnsConfig"] -> []']


def test_reparenting_is_reported(committed):
    changed = records()
    changed[1]["parent"] = STACK_URN
    assert diff_lines(committed, changed)[1:] == [
        f'    parent: "urn:pulumi:prod::demo::homelab:k8s:WebApp::web" -> "{STACK_URN}"']


def test_added_and_removed_objects(committed):
    changed = records()
    renamed = changed.pop(3)
    renamed = {**renamed, "name": "data2", "urn": renamed["urn"].replace("::data", "::data2")}
    assert diff_lines(committed, changed + [renamed]) == [
        "demo: PersistentVolume_data.yaml (kubernetes:core/v1:PersistentVolume data)",
        "    removed from the stack",
        "demo: PersistentVolume_data2.yaml (kubernetes:core/v1:PersistentVolume data2)",
        "    added (not in the snapshot)",
    ]


def test_secret_values_are_masked_and_pulumi_secrets_stay_marked(committed):
    text = (committed / "demo" / "Secret_creds.yaml").read_text()
    entry = yaml.safe_load(text)
    assert entry["inputs"]["data"] == {"cert": "[masked]"}
    assert entry["inputs"]["stringData"] == {"password": "[secret]", "user": "[masked]"}
    assert "admin" not in text and "Y2VydA==" not in text


def test_secret_value_change_is_invisible_but_a_new_key_is_not(committed):
    changed = records()
    changed[2]["inputs"]["stringData"]["user"] = "root"
    assert diff_lines(committed, changed) == []
    changed[2]["inputs"]["stringData"]["token"] = "abc"
    assert diff_lines(committed, changed)[1:] == ['    inputs.stringData.token: added "[masked]"']


def test_only_kubernetes_secrets_are_masked():
    record = copy.deepcopy(records()[1])
    record["inputs"]["data"] = {"plain": "visible"}
    assert snapshot.render_record(record)["inputs"]["data"] == {"plain": "visible"}


def test_multiline_strings_are_block_literals():
    record = copy.deepcopy(records()[1])
    record["inputs"]["spec"]["script"] = "set -e\necho one\necho two\n"
    assert "script: |\n      set -e\n      echo one\n      echo two\n" in snapshot.dump(snapshot.render_record(record))


def test_same_kind_and_name_under_two_types_get_distinct_files():
    a = {**records()[0]}
    b = {**records()[0], "type": "homelab:db:WebApp", "urn": "urn:pulumi:prod::demo::homelab:db:WebApp::web"}
    assert sorted(snapshot.file_names([a, b])) == ["homelab-db-WebApp_web.yaml", "homelab-k8s-WebApp_web.yaml"]


def test_synth_errors_refuse_a_comparison(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"per_stack": {"demo": {"errors": ["demo: program failed: boom"]}}}))
    with pytest.raises(snapshot.SnapshotError, match="demo: synth failed"):
        snapshot.load_synth(tmp_path, "demo")
    with pytest.raises(snapshot.SnapshotError, match="missing"):
        snapshot.load_synth(tmp_path, "other")


def test_cli_update_then_check_round_trip(tmp_path, fleet_dir):
    snaps = tmp_path / "snaps"
    run = lambda *a: subprocess.run([sys.executable, "-m", "tools.snapshot", *a, "--synth", str(fleet_dir),
                                     "--snapshots", str(snaps), "--stacks", "blog"],
                                    cwd=REPO, capture_output=True, text=True)
    assert run("update").returncode == 0
    assert run("check").returncode == 0
    path = snaps / "blog" / "Namespace_website-namespace.yaml"
    path.write_text(path.read_text().replace("protect: true", "protect: false"))
    out = run("check")
    assert out.returncode == 1
    assert "blog: Namespace_website-namespace.yaml (kubernetes:core/v1:Namespace website-namespace)" in out.stdout
    assert "options.protect: false -> true" in out.stdout and "run `make snapshots`" in out.stdout


def test_long_lists_report_the_entries_that_went():
    urns = [f"urn:pulumi:prod::demo::kubernetes:core/v1:ConfigMap::config-{i}" for i in range(3)]
    assert snapshot.field_diff({"dependsOn": urns}, {"dependsOn": urns[:1] + urns[2:]}) == [
        'dependsOn: removed "urn:pulumi:prod::demo::kubernetes:core/v1:ConfigMap::config-1"']


def test_long_strings_show_where_they_differ():
    chain = ",".join(f"traefik-{n}@kubernetescrd" for n in ("real-ip", "retry", "error-pages", "rate-limit",
                                                            "csp-headers", "x402", "compress", "crowdsec"))
    [line] = snapshot.field_diff({"m": chain}, {"m": chain.replace("rate-limit", "ratelimit")})
    old, new = line.removeprefix("m: ").split(" -> ")
    assert "traefik-rate-limit@" in old and "traefik-ratelimit@" in new
    assert old.startswith('"...') and len(old) < len(chain)


def test_a_stack_with_no_resources_leaves_a_file_git_can_keep(tmp_path):
    snapshot.write_stack("vpa", {}, tmp_path)
    assert [p.name for p in (tmp_path / "vpa").iterdir()] == [snapshot.EMPTY_MARKER]
    assert snapshot.compare_stack("vpa", {}, tmp_path) == []
