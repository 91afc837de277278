"""Fixtures for tools/ops tests: synthetic repos, a stub pulumi on PATH, an S3 API on loopback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from tools.ops import stub_pulumi

class Repo:
    """A throwaway repository laid out like this one (stacks/<name>/Pulumi.yaml + stack.yaml)."""

    def __init__(self, root: Path, venv_link: bool = True):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        if not venv_link:
            return
        # Stacks name `../../.venv`, as the real ones do: the language host (and the stub) runs
        # programs with that interpreter, so point it at the one running the tests.
        (root / ".venv").symlink_to(sys.prefix, target_is_directory=True)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def stack(self, name: str, *, main: str = "import pulumi\n", human_only: bool = False,
              bootstrap: bool = False, depends_on: tuple[str, ...] = (), config: str | None = None) -> None:
        self.write(f"stacks/{name}/Pulumi.yaml",
                   f"name: {name}\nruntime:\n  name: python\n  options:\n    virtualenv: ../../.venv\n")
        deps = ", ".join(depends_on)
        self.write(f"stacks/{name}/stack.yaml",
                   f"bootstrap: {str(bootstrap).lower()}\nhuman_only: {str(human_only).lower()}\ndepends_on: [{deps}]\n")
        self.write(f"stacks/{name}/__main__.py", main)
        if config is not None:
            self.write(f"stacks/{name}/Pulumi.prod.yaml", config)

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.root), *args], check=True, capture_output=True,
                              text=True).stdout.strip()

    def init_git(self) -> None:
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "test@example.invalid")
        self.git("config", "user.name", "test")

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


class Stub:
    """The stub pulumi CLI plus a clean environment (no CI variables leak from the host)."""

    def __init__(self, tmp: Path):
        self.bin = tmp / "bin"
        self.scenario_path = tmp / "scenario.json"
        self.log = tmp / "pulumi-calls.jsonl"
        self.home = tmp / "home"
        self.home.mkdir()
        self.state = tmp / "state"
        self.state.mkdir()
        stub_pulumi.install(self.bin)
        self.scenario({})

    def scenario(self, data: dict[str, Any]) -> None:
        self.scenario_path.write_text(json.dumps(data))
        count = Path(str(self.scenario_path) + ".count")
        if count.exists():
            count.unlink()

    def env(self, **extra: str) -> dict[str, str]:
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "PULUMI_BACKEND_URL": f"file://{self.state}",
            "VAULT_ADDR": "http://127.0.0.1:8200",
            "VAULT_TOKEN": "test-token",
            "PULUMI_CONFIG_PASSPHRASE": "test-passphrase",
            "PU_LOCK_POLL_SECONDS": "1",
        }
        base.update(extra)
        return stub_pulumi.stub_env(self.bin, self.scenario_path, self.log, base)

    def adopt(self, repo: Repo, *stacks: str) -> None:
        """Initialise stacks as `scripts/pu init` would have: state in the backend, the secrets
        provider and a (fake) key recorded in Pulumi.prod.yaml. All stacks when none is named."""
        from tools.ops.backend import PASSPHRASE_PROVIDER, secrets_provider
        from tools.ops.repo import load_all_meta

        metas = load_all_meta(repo.root)
        for name in stacks or sorted(metas):
            path = repo.root / "stacks" / name / "Pulumi.prod.yaml"
            data = (yaml.safe_load(path.read_text()) if path.is_file() else None) or {}
            if not ({"secretsprovider", "encryptedkey", "encryptionsalt"} & set(data)):
                if secrets_provider(name, metas) == PASSPHRASE_PROVIDER:
                    data = {"encryptionsalt": "v1:dGVzdHNhbHQ=:v1:fake", **data}
                else:
                    data = {"secretsprovider": "hashivault://pulumi-state", "encryptedkey": "dmF1bHQ6djE6ZmFrZQ==",
                            **data}
                path.write_text(yaml.safe_dump(data, sort_keys=False))
            state = self.state / ".pulumi/stacks" / name / "prod.json"
            state.parent.mkdir(parents=True, exist_ok=True)
            state.write_text('{"version": 3, "checkpoint": {}}')

    def calls(self, key: str | None = None) -> list[dict[str, Any]]:
        entries = stub_pulumi.read_log(self.log)
        return [e for e in entries if key is None or e["key"] == key]


@pytest.fixture
def stub(tmp_path: Path) -> Stub:
    return Stub(tmp_path)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 API on 127.0.0.1 (random port), shared by the lock tests."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_test_creds(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    creds = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    for k, v in creds.items():
        monkeypatch.setenv(k, v)
    return creds
