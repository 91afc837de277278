"""`make new-stack`: the scaffold synthesizes, passes the pack and its own test as written."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import SynthStack
from tools.new_stack import ScaffoldError, scaffold

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """A root with every real stack's metadata (so the secrets-provider choice is the real one)."""
    for stack in (REPO / "stacks").iterdir():
        if (stack / "Pulumi.yaml").is_file():
            (tmp_path / "stacks" / stack.name).mkdir(parents=True)
            for name in ("Pulumi.yaml", "stack.yaml"):
                if (stack / name).is_file():
                    shutil.copy(stack / name, tmp_path / "stacks" / stack.name / name)
    return tmp_path


def test_scaffold_synthesizes_passes_the_pack_and_its_test(repo_copy, tmp_path_factory):
    written = scaffold(repo_copy, "recipe-box")
    assert sorted(p.relative_to(repo_copy).as_posix() for p in written) == [
        "stacks/recipe-box/Pulumi.prod.yaml", "stacks/recipe-box/Pulumi.yaml", "stacks/recipe-box/__main__.py",
        "stacks/recipe-box/stack.yaml", "tests/stacks/test_recipe_box.py"]
    prod = yaml.safe_load((repo_copy / "stacks/recipe-box/Pulumi.prod.yaml").read_text())
    assert prod == {"secretsprovider": "hashivault://pulumi-state", "config": {}}

    out = tmp_path_factory.mktemp("out")
    synth = subprocess.run([sys.executable, "-m", "tools.synth", "--stacks-dir", str(repo_copy / "stacks"),
                            "--out", str(out), "--stacks", "recipe-box"], cwd=REPO, capture_output=True, text=True)
    assert synth.returncode == 0, synth.stdout + synth.stderr
    pack = subprocess.run([sys.executable, "-m", "tools.policy_check", "--synth-dir", str(out), "--stacks",
                           "recipe-box", "--json", str(out / "findings.json")], cwd=REPO, capture_output=True, text=True)
    assert pack.returncode == 0, pack.stdout + pack.stderr
    assert "0 mandatory" in pack.stdout.splitlines()[-1]

    # The generated test, run against this synth output through the same fixture shape.
    spec = importlib.util.spec_from_file_location("generated", repo_copy / "tests/stacks/test_recipe_box.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    document = json.loads((out / "recipe-box" / "resources.json").read_text())

    def synth_stack(name):
        return SynthStack(name, document, out / name / "manifests")

    tests = [getattr(module, n) for n in dir(module) if n.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        test(synth_stack)


@pytest.mark.parametrize("name", ["", "Recipe", "recipe_box", "1recipe", "recipe-", "a" * 64, "re cipe"])
def test_bad_names_are_refused_with_the_rule_and_nothing_written(repo_copy, name):
    before = sorted(repo_copy.rglob("*"))
    proc = subprocess.run([sys.executable, "-m", "tools.new_stack", name, "--root", str(repo_copy)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"stack name {name!r} is not usable" in proc.stderr and "lowercase letters" in proc.stderr
    assert sorted(repo_copy.rglob("*")) == before


def test_an_existing_stack_is_refused(repo_copy):
    with pytest.raises(ScaffoldError, match="stacks/tandoor already exists"):
        scaffold(repo_copy, "tandoor")
    assert sorted(p.name for p in (repo_copy / "stacks" / "tandoor").iterdir()) == ["Pulumi.yaml", "stack.yaml"]


def test_an_existing_test_file_is_refused(repo_copy):
    (repo_copy / "tests" / "stacks").mkdir(parents=True)
    (repo_copy / "tests" / "stacks" / "test_new_app.py").write_text("")
    with pytest.raises(ScaffoldError, match="test_new_app.py already exists"):
        scaffold(repo_copy, "new-app")
    assert not (repo_copy / "stacks" / "new-app").exists()


def test_a_stack_vault_depends_on_would_get_the_passphrase_provider(repo_copy):
    """The provider is the rule of docs/state.md, not a constant: vault's dependencies use a passphrase."""
    scaffold(repo_copy, "pre-vault")
    (repo_copy / "stacks/vault/stack.yaml").write_text("depends_on: [platform, pre-vault]\n")
    shutil.rmtree(repo_copy / "stacks" / "pre-vault")
    (repo_copy / "tests/stacks/test_pre_vault.py").unlink()
    scaffold(repo_copy, "pre-vault")
    prod = yaml.safe_load((repo_copy / "stacks/pre-vault/Pulumi.prod.yaml").read_text())
    assert prod["secretsprovider"] == "passphrase"
