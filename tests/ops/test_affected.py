"""Affected stacks on synthetic git histories."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.ops.affected import affected_stacks, GitError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def history(repo):
    """components/ with a transitive chain, three stacks using different parts of it."""
    repo.init_git()
    repo.write("components/__init__.py", "")
    repo.write("components/constants.py", "AUTH = 'x'\n")
    repo.write("components/util.py", "def label(x):\n    return x\n")
    repo.write("components/ingress.py", "from .util import label\nfrom components import constants\n")
    repo.write("components/nfs.py", "import os\n")
    repo.write("components/k8s/__init__.py", "from .deploy import Deployment\n")
    repo.write("components/k8s/deploy.py", "import pulumi_kubernetes\n")
    repo.write("components/unused.py", "")
    repo.stack("web", main="import pulumi\nfrom components.ingress import Ingress\n")
    repo.stack("files", main="from components import nfs\n")
    repo.stack("apps", main="import components.k8s\nimport helpers\n")
    repo.write("stacks/apps/helpers.py", "from components.util import label\n")
    repo.stack("lonely", main="import pulumi\n")
    repo.write("policies/__main__.py", "")
    repo.write("requirements.txt", "pulumi==3.272.0\n")
    repo.write("docs/architecture.md", "# x\n")
    repo.commit("base")
    return repo


def change(repo, rel: str, text: str = "# changed\n") -> str:
    path = repo.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((path.read_text() if path.exists() else "") + text)
    return repo.commit(f"change {rel}")


def names(repo, base: str = "HEAD~1", head: str | None = "HEAD", purpose: str = "preview") -> list[str]:
    return affected_stacks(repo.root, base, head, purpose).names()


def test_component_change_affects_only_its_users(history):
    change(history, "components/nfs.py")
    assert names(history) == ["files"]


def test_transitive_import_through_relative_import(history):
    change(history, "components/util.py")
    assert names(history) == ["apps", "web"]  # web via ingress -> util, apps via helpers.py


def test_package_init_runs_for_every_importer(history):
    change(history, "components/__init__.py")
    assert names(history) == ["apps", "files", "web"]


def test_subpackage_module_reached_through_package_init(history):
    change(history, "components/k8s/deploy.py")
    assert names(history) == ["apps"]


def test_unused_component_affects_nothing(history):
    change(history, "components/unused.py")
    assert names(history) == []


def test_stack_config_and_payload_changes_affect_that_stack(history):
    change(history, "stacks/lonely/Pulumi.prod.yaml", "config: {}\n")
    assert names(history) == ["lonely"]
    change(history, "stacks/files/files/notes.md", "payload\n")
    assert names(history) == ["files"]


def test_docs_only_changes_affect_nothing(history):
    history.write("docs/architecture.md", "# new\n")
    history.write("stacks/web/README.md", "why\n")
    history.commit("docs")
    assert names(history) == []


def test_policy_change_previews_every_stack_but_applies_none(history):
    change(history, "policies/__main__.py")
    assert names(history) == ["apps", "files", "lonely", "web"]
    assert names(history, purpose="apply") == []


def test_dependency_pins_affect_every_stack(history):
    change(history, "requirements.txt", "boto3==1.0\n")
    assert names(history, purpose="apply") == ["apps", "files", "lonely", "web"]


def test_new_stack_is_affected(history):
    history.stack("newbie")
    history.commit("add newbie")
    assert names(history) == ["newbie"]


def test_merge_base_is_used_so_master_moving_on_does_not_leak_in(history):
    base = history.git("rev-parse", "HEAD")
    history.git("checkout", "-q", "-b", "feature")
    change(history, "components/nfs.py")
    history.git("checkout", "-q", "main")
    change(history, "stacks/lonely/__main__.py")
    # compare the feature branch against the moved main: only the branch's own change counts
    assert affected_stacks(history.root, "main", "feature").names() == ["files"]
    assert base


def test_worktree_mode_sees_uncommitted_and_untracked_files(history):
    (history.root / "components/nfs.py").write_text("import sys\n")
    history.write("stacks/lonely/extra.py", "from components import util\n")
    assert names(history, base="HEAD", head=None) == ["files", "lonely"]


def test_syntax_error_in_a_component_is_handled_conservatively(history):
    history.write("components/ingress.py", "def broken(:\n")
    history.commit("broken ingress")
    result = affected_stacks(history.root, "HEAD~1", "HEAD")
    assert result.names() == ["web"]
    change(history, "components/unused.py")
    result = affected_stacks(history.root, "HEAD~1", "HEAD")
    assert result.names() == ["web"]  # unknown imports of broken ingress -> assume all of components/
    assert any("syntax error" in w for w in result.warnings)


def test_python_payloads_under_files_are_not_parsed_as_imports(history):
    history.write("stacks/web/files/server.py", "PLACEHOLDER: bring over app/server.py\n")
    history.commit("payload placeholder")
    change(history, "components/nfs.py")
    result = affected_stacks(history.root, "HEAD~1", "HEAD")
    assert result.names() == ["files"] and result.warnings == []
    change(history, "stacks/web/files/server.py")
    assert names(history) == ["web"]


def test_result_is_deterministic_and_explained(history):
    change(history, "components/util.py")
    first = affected_stacks(history.root, "HEAD~1", "HEAD")
    second = affected_stacks(history.root, "HEAD~1", "HEAD")
    assert first.stacks == second.stacks
    assert "imports components/util.py (changed)" in first.stacks["web"]


def test_unknown_base_is_a_clear_error(history):
    with pytest.raises(GitError, match="base revision 'nope' not found"):
        affected_stacks(history.root, "nope", "HEAD")


def test_cli_prints_one_stack_per_line(history):
    change(history, "components/util.py")
    proc = subprocess.run([sys.executable, "-m", "tools.ops.affected", "--base", "HEAD~1", "--head", "HEAD",
                           "--root", str(history.root), "--explain"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["apps", "web"]
    assert "web: imports components/util.py (changed)" in proc.stderr
