"""Incremental synth: which stacks a change re-synthesizes, and worker isolation.

Each test builds a small git checkout (stacks/ + a shared package libs/) and runs the real
`python -m tools.synth` over it, then reads from summary.json which stacks were synthesized
and which were taken from the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools.synth import cache as synth_cache

REPO = Path(__file__).resolve().parent.parent

PROGRAM = '''
import pulumi_kubernetes as k8s
from libs.shared import VALUE
{extra_import}
k8s.core.v1.ConfigMap("cm", metadata={{"name": "{name}", "namespace": "demo"}},
                      data={{"value": VALUE, "payload": open("files/payload.txt").read(){extra_data}}})
'''


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / "libs").mkdir(parents=True)
    (root / "libs" / "__init__.py").write_text("")
    (root / "libs" / "shared.py").write_text('VALUE = "shared-1"\n')
    (root / "libs" / "only_gamma.py").write_text('EXTRA = "gamma-1"\n')
    (root / "requirements.txt").write_text("pulumi\n")
    for name in ("alpha", "beta", "gamma"):
        stack = root / "stacks" / name
        (stack / "files").mkdir(parents=True)
        (stack / "Pulumi.yaml").write_text(yaml.safe_dump({"name": name, "runtime": "python"}))
        (stack / "files" / "payload.txt").write_text(f"{name} payload\n")
        gamma = name == "gamma"
        (stack / "__main__.py").write_text(PROGRAM.format(
            name=name, extra_import="from libs.only_gamma import EXTRA" if gamma else "",
            extra_data=', "extra": EXTRA' if gamma else ""))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "fixture")
    return root


def synth(root: Path, *extra: str) -> dict:
    """Run the synth over the checkout; {stack: "cached" | "synthesized"} plus the raw summary."""
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-m", "tools.synth", "--jobs", "1", "--stacks-dir", str(root / "stacks"),
                           "--out", str(root / "build" / "synth"), *extra],
                          cwd=REPO, capture_output=True, text=True, env=env)
    summary = json.loads((root / "build" / "synth" / "summary.json").read_text())
    state = {name: "cached" if entry["cached"] else "synthesized" for name, entry in summary["per_stack"].items()}
    return {"state": state, "summary": summary, "proc": proc}


def synthesized(result: dict) -> list[str]:
    return sorted(name for name, how in result["state"].items() if how == "synthesized")


def value_of(root: Path, stack: str) -> dict:
    document = json.loads((root / "build" / "synth" / stack / "resources.json").read_text())
    return document["resources"][0]["inputs"]["data"]


def test_an_unchanged_checkout_synthesizes_nothing_and_keeps_the_output(checkout):
    assert synthesized(synth(checkout)) == ["alpha", "beta", "gamma"]
    before = (checkout / "build" / "synth" / "alpha" / "resources.json").read_bytes()
    again = synth(checkout)
    assert synthesized(again) == [] and again["proc"].returncode == 0
    assert again["summary"]["resources"] == 3
    assert (checkout / "build" / "synth" / "alpha" / "resources.json").read_bytes() == before


def test_a_change_to_one_stacks_files_redoes_only_that_stack(checkout):
    synth(checkout)
    (checkout / "stacks" / "alpha" / "files" / "payload.txt").write_text("alpha payload v2\n")
    result = synth(checkout)
    assert synthesized(result) == ["alpha"]
    assert value_of(checkout, "alpha")["payload"] == "alpha payload v2\n"
    (checkout / "stacks" / "beta" / "__main__.py").write_text(
        (checkout / "stacks" / "beta" / "__main__.py").read_text() + "\n# reworded\n")
    assert synthesized(synth(checkout)) == ["beta"]


def test_markdown_in_a_stack_is_not_a_change_but_a_new_untracked_file_is(checkout):
    synth(checkout)
    (checkout / "stacks" / "alpha" / "README.md").write_text("notes\n")
    assert synthesized(synth(checkout)) == []
    (checkout / "stacks" / "gamma" / "values.yaml").write_text("a: 1\n")
    assert synthesized(synth(checkout)) == ["gamma"]


def test_a_shared_module_redoes_the_stacks_that_import_it(checkout):
    synth(checkout)
    (checkout / "libs" / "only_gamma.py").write_text('EXTRA = "gamma-2"\n')
    assert synthesized(synth(checkout)) == ["gamma"]
    assert value_of(checkout, "gamma")["extra"] == "gamma-2"
    (checkout / "libs" / "shared.py").write_text('VALUE = "shared-2"\n')
    assert synthesized(synth(checkout)) == ["alpha", "beta", "gamma"]
    assert value_of(checkout, "beta")["value"] == "shared-2"


def test_dependency_pins_and_deleted_modules_redo_everything(checkout):
    synth(checkout)
    (checkout / "requirements.txt").write_text("pulumi==3\n")
    assert synthesized(synth(checkout)) == ["alpha", "beta", "gamma"]
    (checkout / "libs" / "only_gamma.py").unlink()
    result = synth(checkout)
    assert synthesized(result) == ["alpha", "beta", "gamma"]
    assert result["proc"].returncode == 1 and "gamma: program failed:" in result["proc"].stdout and "ModuleNotFoundError: No module named 'libs.only_gamma'" in result["proc"].stdout


def test_failed_stacks_are_never_cached(checkout):
    (checkout / "stacks" / "beta" / "__main__.py").write_text("raise RuntimeError('beta is broken')\n")
    assert synth(checkout)["proc"].returncode == 1
    again = synth(checkout)
    assert synthesized(again) == ["beta"] and again["proc"].returncode == 1
    assert "beta: program failed:" in again["proc"].stdout and "RuntimeError: beta is broken" in again["proc"].stdout


def test_edited_or_missing_output_is_redone(checkout):
    synth(checkout)
    target = checkout / "build" / "synth" / "alpha" / "resources.json"
    good = target.read_bytes()
    target.write_text("{}")
    (checkout / "build" / "synth" / "beta" / "resources.json").unlink()
    assert synthesized(synth(checkout)) == ["alpha", "beta"]
    assert target.read_bytes() == good


def test_no_cache_redoes_everything_and_a_new_synth_or_interpreter_drops_the_cache(checkout):
    synth(checkout)
    assert synthesized(synth(checkout, "--no-cache")) == ["alpha", "beta", "gamma"]
    assert synthesized(synth(checkout)) == []
    path = checkout / "build" / "synth" / ".cache" / "synth.json"
    state = json.loads(path.read_text())
    state["environment"] = "another interpreter or another tools/synth"
    path.write_text(json.dumps(state))
    assert synthesized(synth(checkout)) == ["alpha", "beta", "gamma"]


def test_only_a_checkouts_own_stacks_are_cached(tmp_path, checkout):
    assert synth_cache.checkout_root(checkout / "stacks") == checkout.resolve()
    (tmp_path / "loose" / "stacks").mkdir(parents=True)
    assert synth_cache.checkout_root(tmp_path / "loose" / "stacks") is None
    assert synth_cache.checkout_root(checkout / "libs") is None


def test_the_tool_fingerprint_follows_the_synth_code(tmp_path, monkeypatch):
    copy = tmp_path / "synth"
    copy.mkdir()
    for path in synth_cache.TOOL_DIR.glob("*.py"):
        (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(synth_cache, "TOOL_DIR", copy)
    before = synth_cache.tool_fingerprint()
    (copy / "schema.py").write_text((copy / "schema.py").read_text() + "\n# changed\n")
    assert synth_cache.tool_fingerprint() != before


ISOLATION = '''
import pulumi_kubernetes as k8s
import helpers
k8s.core.v1.ConfigMap("cm", metadata={{"name": "{name}", "namespace": "demo"}}, data={{"helper": helpers.WHO}})
'''


def test_stacks_sharing_a_worker_each_run_their_own_helper_module(tmp_path):
    stacks = tmp_path / "stacks"
    for name in ("first", "second"):
        (stacks / name).mkdir(parents=True)
        (stacks / name / "Pulumi.yaml").write_text(yaml.safe_dump({"name": name, "runtime": "python"}))
        (stacks / name / "helpers.py").write_text(f"WHO = {name!r}\n")
        (stacks / name / "__main__.py").write_text(ISOLATION.format(name=name))
    proc = subprocess.run([sys.executable, "-m", "tools.synth", "--jobs", "1", "--stacks-dir", str(stacks),
                           "--out", str(tmp_path / "out")], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("first", "second"):
        document = json.loads((tmp_path / "out" / name / "resources.json").read_text())
        assert document["resources"][0]["inputs"]["data"] == {"helper": name}


def test_a_stack_synthesized_after_others_in_one_worker_matches_it_alone(tmp_path):
    """The same bytes whether a worker ran other stacks first or the stack ran alone."""
    def run(out: Path, *names: str) -> None:
        proc = subprocess.run([sys.executable, "-m", "tools.synth", "--jobs", "1", "--no-cache", "--out", str(out),
                               "--stacks", *names], cwd=REPO, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    run(tmp_path / "together", "traefik", "authentik", "tandoor")
    run(tmp_path / "alone", "tandoor")
    for rel in ["resources.json", *sorted(p.name for p in (tmp_path / "alone" / "tandoor" / "manifests").iterdir())]:
        path = rel if rel == "resources.json" else f"manifests/{rel}"
        assert (tmp_path / "together" / "tandoor" / path).read_bytes() == (tmp_path / "alone" / "tandoor" / path).read_bytes()
