"""`python -m tools.policy_check` over a synthesized fleet written by the test."""

from __future__ import annotations

import json
import subprocess
import sys

from policy_fixtures import container, group, ingress, workload
from tools.policy_check.analyzer import REPO


def write_stack(root, name, resources):
    d = root / name
    d.mkdir(parents=True)
    (d / "resources.json").write_text(json.dumps({"stack": "prod", "project": name, "resources": resources}))


def run_tool(*args):
    return subprocess.run([sys.executable, "-m", "tools.policy_check", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_mandatory_violation_fails_and_is_reported_per_stack(tmp_path):
    write_stack(tmp_path, "good", [ingress(project="good"), workload(project="good")])
    write_stack(tmp_path, "bad", [ingress(name="admin", auth=None, mws=[], project="bad")])
    out = run_tool("--synth-dir", str(tmp_path), "--json", str(tmp_path / "report.json"), "-v")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "== bad: 1 resources, 1 mandatory" in out.stdout
    assert "[MANDATORY] ingress-auth-posture admin:" in out.stdout
    assert "== good: 2 resources, 0 mandatory, 0 advisory" in out.stdout
    assert "policy-check: 2 stacks checked, 0 skipped, 1 mandatory, 0 advisory" in out.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["totals"]["mandatory"] == 1


def test_advisory_only_passes_and_missing_stack_is_skipped(tmp_path):
    write_stack(tmp_path, "apps", [workload(containers=[container(image="nginx")], project="apps")])
    out = run_tool("--synth-dir", str(tmp_path), "--stacks", "apps", "missing")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "== missing: skipped" in out.stdout
    assert "[ADVISORY] image-pinned: 1 - apps/app" in out.stdout
    assert "1 stacks checked, 1 skipped, 0 mandatory, 1 advisory" in out.stdout


def test_groups_defined_in_another_stack_are_known(tmp_path):
    write_stack(tmp_path, "authentik", [group("Media Users")])
    write_stack(tmp_path, "media", [ingress(groups="Media Users", project="media")])
    assert run_tool("--synth-dir", str(tmp_path)).returncode == 0
    # without the defining stack the same ingress names a group nobody created
    out = run_tool("--synth-dir", str(tmp_path), "--stacks", "media")
    assert out.returncode == 1 and "Media Users" in out.stdout


def test_config_file_overrides_level(tmp_path):
    write_stack(tmp_path, "apps", [ingress(name="admin", auth=None, mws=[], project="apps")])
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"ingress-auth-posture": "advisory"}))
    out = run_tool("--synth-dir", str(tmp_path), "--config", str(cfg))
    assert out.returncode == 0, out.stdout
    assert "[ADVISORY] ingress-auth-posture" in out.stdout


def test_no_synth_dir_is_clean(tmp_path):
    out = run_tool("--synth-dir", str(tmp_path / "nothing"))
    assert out.returncode == 0
    assert "0 stacks checked" in out.stdout


def test_stack_config_plaintext_is_reported(tmp_path, monkeypatch):
    from policies import pack_config, secret_material

    cfg = pack_config.resolve("no-plaintext-secrets", None)
    found = secret_material.check_stack_config(
        {"app:apiToken": "abc", "app:dbPassword": {"secure": "v1:xyz"}, "app:logLevel": "info"}, cfg)
    assert [f.message.split("'")[1] for f in found] == ["app:apiToken"]


def test_default_output_is_one_line_per_policy_with_count_and_first_examples(tmp_path):
    bad = [workload(name=f"w{i}", containers=[container(image="nginx")], project="apps") for i in range(5)]
    write_stack(tmp_path, "apps", bad)
    write_stack(tmp_path, "web", [ingress(name="open", auth=None, mws=[], project="web")])
    out = run_tool("--synth-dir", str(tmp_path))
    lines = out.stdout.splitlines()
    pinned = [x for x in lines if x.startswith("[ADVISORY] image-pinned")]
    assert pinned == ["[ADVISORY] image-pinned: 5 - apps/w0, apps/w1, apps/w2 (+2 more, -v lists all)"]
    posture = lines.index("[MANDATORY] ingress-auth-posture: 1 - web/open")
    assert "states no auth posture" in lines[posture + 1]
    assert posture < lines.index(pinned[0]), "mandatory groups come first"
    assert not any(x.startswith("==") for x in lines), "per-stack listing only with -v"
    assert any(x.startswith("policy-check: ") and "reviewed exceptions applied" in x for x in lines)
    verbose = run_tool("--synth-dir", str(tmp_path), "-v").stdout
    assert sum(1 for x in verbose.splitlines() if "[ADVISORY] image-pinned" in x) == 5
