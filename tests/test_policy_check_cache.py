"""Stored policy verdicts: reused only while the stack's synth output, the pack and its config match.

Runs the real pack over the analyzer protocol (tools/policy_check/cached.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tools.policy_check import cached
from tools.policy_check.analyzer import REPO

PRIVILEGED = {
    "urn": "urn:pulumi:prod::apps::kubernetes:apps/v1:Deployment::web", "type": "kubernetes:apps/v1:Deployment",
    "name": "web", "parent": None, "custom": True,
    "options": {"protect": False, "dependsOn": [], "ignoreChanges": [], "retainOnDelete": False,
                "deleteBeforeReplace": False, "import": "", "aliases": []},
    "inputs": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "apps"},
               "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                   "metadata": {"labels": {"app": "web"}},
                   "spec": {"containers": [{"name": "web", "image": "docker.io/library/nginx:1.27.0",
                                            "securityContext": {"privileged": True}}]}}}},
}


def write_stack(root: Path, name: str, resources: list) -> Path:
    path = root / name / "resources.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"stack": "prod", "project": name, "resources": resources}))
    return path


def check(root: Path, config: dict, stacks: list[str]) -> tuple[dict, int, int]:
    """Findings per stack, and how many stacks the pack analysed / the cache answered."""
    with cached.CachedPack(config, root / ".cache" / "policy.json") as pack:
        found = {s: pack.findings(s, root / s / "resources.json",
                                  json.loads((root / s / "resources.json").read_text())["resources"])
                 for s in stacks}
    return found, pack.analysed, pack.reused


def policies_of(findings: list) -> list[str]:
    return sorted(d["policy"] for d in findings)


def test_verdicts_are_reused_until_the_stack_or_the_config_changes(tmp_path):
    write_stack(tmp_path, "apps", [PRIVILEGED])
    write_stack(tmp_path, "other", [dict(PRIVILEGED, urn=PRIVILEGED["urn"].replace("apps", "other"))])
    first, analysed, reused = check(tmp_path, {}, ["apps", "other"])
    assert (analysed, reused) == (2, 0)
    assert "deny-privileged-containers" in policies_of(first["apps"])

    again, analysed, reused = check(tmp_path, {}, ["apps", "other"])
    assert (analysed, reused) == (0, 2) and again == first

    fixed = json.loads(json.dumps(PRIVILEGED))
    fixed["inputs"]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"] = False
    write_stack(tmp_path, "apps", [fixed])
    after_fix, analysed, reused = check(tmp_path, {}, ["apps", "other"])
    assert (analysed, reused) == (1, 1)
    assert "deny-privileged-containers" not in policies_of(after_fix["apps"])
    assert after_fix["other"] == first["other"]

    _, analysed, reused = check(tmp_path, {"deny-privileged-containers": "disabled"}, ["apps", "other"])
    assert (analysed, reused) == (2, 0)
    # Verdicts under the first config are still there (e.g. after a `STACKS=...` run).
    _, analysed, reused = check(tmp_path, {}, ["apps", "other"])
    assert (analysed, reused) == (0, 2)


def test_a_change_to_the_pack_or_this_tool_changes_the_key(tmp_path):
    pack = tmp_path / "policies"
    shutil.copytree(cached.PACK_DIR, pack, ignore=shutil.ignore_patterns("__pycache__"))
    before = cached.pack_key({}, pack)
    assert cached.pack_key({}, pack) == before
    (pack / "config" / "defaults.yaml").write_text((pack / "config" / "defaults.yaml").read_text() + "\n# edited\n")
    assert cached.pack_key({}, pack) != before
    assert cached.pack_key({"deny-privileged-containers": "disabled"}, pack) != cached.pack_key({}, pack)


def test_a_fully_cached_run_does_not_start_the_pack_and_prints_the_same(tmp_path):
    write_stack(tmp_path, "apps", [PRIVILEGED])

    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tools.policy_check", "--synth-dir", str(tmp_path), *extra],
                              cwd=REPO, capture_output=True, text=True, timeout=120)

    cold = run()
    [state] = json.loads((tmp_path / ".cache" / "policy.json").read_text())["packs"].values()
    assert list(state["stacks"]) == ["apps"] and state["levels"]["deny-privileged-containers"] == "mandatory"
    warm = run()
    strip = (lambda text: [line.split(" (")[0] for line in text.splitlines()])
    assert cold.returncode == warm.returncode == 1
    assert strip(cold.stdout) == strip(warm.stdout)
    assert "[MANDATORY] deny-privileged-containers: 1 - apps/web" in warm.stdout
    uncached = run("--no-cache")
    assert strip(uncached.stdout) == strip(cold.stdout)
