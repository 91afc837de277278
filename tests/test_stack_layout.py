"""Every stack directory is a runnable Pulumi project with the metadata tooling reads."""

from pathlib import Path

import pytest
import yaml

from tools.stacks_doc import render

REPO = Path(__file__).resolve().parent.parent
STACK_DIRS = sorted(p for p in (REPO / "stacks").iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


@pytest.mark.parametrize("stack_dir", STACK_DIRS, ids=[p.name for p in STACK_DIRS])
def test_stack_is_a_complete_project(stack_dir: Path):
    project = yaml.safe_load((stack_dir / "Pulumi.yaml").read_text())
    assert project["name"] == stack_dir.name, f"{stack_dir}: project name must equal the directory name"
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == "../../.venv"
    assert (stack_dir / "__main__.py").is_file()
    meta = yaml.safe_load((stack_dir / "stack.yaml").read_text())
    assert set(meta) <= {"bootstrap", "human_only", "depends_on"}, f"{stack_dir}/stack.yaml: unknown keys"
    assert isinstance(meta.get("bootstrap", False), bool) and isinstance(meta.get("human_only", False), bool)
    config = yaml.safe_load((stack_dir / "Pulumi.prod.yaml").read_text()) or {}
    for key, value in (config.get("config") or {}).items():
        assert not (isinstance(value, dict) and "secure" in value and not str(value["secure"]).startswith("v1:")), key


def test_docs_stacks_md_is_current():
    assert (REPO / "docs" / "stacks.md").read_text() == render(), "run `python -m tools.stacks_doc`"
