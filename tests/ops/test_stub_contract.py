"""The stub pulumi holds the real CLI's contract (tools/ops/pulumi_cli_flags.json): what
passes against it must pass against pulumi v3.229.0."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools.ops import cli_contract
from tools.ops.version import MIN_CLI_VERSION, fmt

ROOT = Path(__file__).resolve().parents[2]
MIRROR = Path("/work/.mirror/pulumi+pulumi/repo")


def test_flag_table_is_for_the_pinned_cli_and_the_pipeline_images():
    table = cli_contract.load()
    assert table["cli_version"] == fmt(MIN_CLI_VERSION)
    for path in sorted((ROOT / ".woodpecker").glob("*.yml")):
        for step in yaml.safe_load(path.read_text())["steps"]:
            if "pulumi" in step["image"]:
                assert step["image"].endswith(":" + table["cli_version"]), path
    gh = yaml.safe_load((ROOT / ".github/workflows/pulumi.yml").read_text())
    pins = [s["with"]["pulumi-version"] for job in gh["jobs"].values() for s in job["steps"]
            if str(s.get("uses", "")).startswith("pulumi/actions")]
    assert pins and set(pins) == {table["cli_version"]}


@pytest.mark.skipif(not MIRROR.is_dir(), reason="pulumi/pulumi source not mirrored on this machine")
def test_flag_table_matches_a_fresh_extraction_from_the_cli_source():
    table = cli_contract.load()
    fresh = subprocess.run([sys.executable, "-m", "tools.ops.cli_contract", "--source", str(MIRROR),
                            "--tag", "v" + table["cli_version"]], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout
    assert json.loads(fresh) == table


def test_extractor_reads_gates_shorthands_and_optional_values():
    go = '''
    cmd.PersistentFlags().BoolVarP(&yes, "yes", "y", false, "Automatically approve")
    cmd.PersistentFlags().StringVarP(&refresh, "refresh", "r", "", "Refresh first")
    cmd.PersistentFlags().Lookup("refresh").NoOptDefVal = "true"
    targets = cmd.PersistentFlags().StringArrayP("target", "t", []string{}, "urns")
    cmd.Flags().StringVar(&x, "local-only", "default", "not inherited")
    if env.DebugCommands.Value() {
        cmd.PersistentFlags().StringVar(&eventLogPath, "event-log", "", "Log events")
    }
    cmd.PersistentFlags().StringVar(&after, "after", "", "")
    '''
    flags = {f["name"]: f for f in cli_contract.parse_flags(go)}
    assert (flags["yes"]["short"], flags["yes"]["takes_value"]) == ("y", False)
    assert flags["refresh"]["takes_value"] is False  # `--refresh` alone is valid
    assert flags["target"]["short"] == "t" and flags["target"]["takes_value"]
    assert flags["local-only"]["short"] == "" and not flags["local-only"]["persistent"]
    assert flags["event-log"]["gate"] == "debug" and flags["after"]["gate"] is None


def test_debug_only_flags_are_accepted_only_with_debug_commands():
    table = cli_contract.load()
    assert "--event-log" not in cli_contract.accepted_flags(table, "preview", {})
    assert "--event-log" in cli_contract.accepted_flags(table, "preview", {"PULUMI_DEBUG_COMMANDS": "true"})
    assert "--event-log" in cli_contract.accepted_flags(table, "preview", {"PULUMI_DEBUG_COMMANDS": "1"})
    assert "--event-log" not in cli_contract.accepted_flags(table, "preview", {"PULUMI_DEBUG_COMMANDS": "yes"})
    assert "--yes" not in cli_contract.accepted_flags(table, "preview", {})  # preview has no --yes
    assert "--cwd" in cli_contract.accepted_flags(table, "stack ls", {})


@pytest.fixture
def one(repo, stub):
    repo.stack("dashy")
    repo.write("policies/PulumiPolicy.yaml", "runtime: python\n")
    stub.adopt(repo)
    return repo


VAULT = {"VAULT_SERVER_URL": "http://127.0.0.1:8200", "VAULT_SERVER_TOKEN": "test-token"}


def pulumi(stub, *args, env=None, **kw):
    return subprocess.run(["pulumi", *args], env=env or stub.env(**VAULT), capture_output=True, text=True, **kw)


def test_unknown_and_gated_flags_fail_like_cobra(one, stub):
    cwd = str(one.root / "stacks/dashy")
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", cwd, "--event-log", "/tmp/x.jsonl")
    assert res.returncode == 1 and "error: unknown flag: --event-log" in res.stderr
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", cwd, "--yes")
    assert res.returncode == 1 and "unknown flag: --yes" in res.stderr
    res = pulumi(stub, "preview", "-s")
    assert res.returncode == 1 and "flag needs an argument: -s" in res.stderr
    assert stub.calls("preview")[0]["error"] == "unknown flag: --event-log"


def test_relative_paths_are_resolved_after_cwd(one, stub, tmp_path):
    cwd = one.root / "stacks/dashy"
    env = stub.env(PULUMI_DEBUG_COMMANDS="true", **VAULT)
    stub.scenario({"preview": {"events": [{"summaryEvent": {"resourceChanges": {"same": 1}}}]}})
    (tmp_path / "out").mkdir()
    # relative to the caller's directory this exists; after --cwd it does not
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", str(cwd), "--event-log", "out/events.jsonl",
                 env=env, cwd=tmp_path)
    assert res.returncode == 1 and f"open {cwd}/out/events.jsonl: no such file" in res.stderr
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", str(cwd), "--policy-pack", "policies",
                 env=env, cwd=one.root)
    assert res.returncode == 1 and "PulumiPolicy.yaml not found" in res.stderr
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", str(cwd), "--policy-pack", "../../policies",
                 "--event-log", "events.jsonl", env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert json.loads((cwd / "events.jsonl").read_text())["summaryEvent"]


def test_confirming_operations_need_yes_or_a_terminal(one, stub):
    cwd = str(one.root / "stacks/dashy")
    for op in ("up", "refresh", "destroy", "import"):
        res = pulumi(stub, op, "--stack", "prod", "--cwd", cwd, stdin=subprocess.DEVNULL)
        assert res.returncode == 2 and "--yes or --skip-preview or --preview-only must be passed" in res.stderr, op
    assert pulumi(stub, "refresh", "--stack", "prod", "--cwd", cwd, "--preview-only").returncode == 0
    assert pulumi(stub, "up", "--stack", "prod", "--cwd", cwd, "--yes").returncode == 0
    # a terminal, but CI is set: the CLI still refuses to prompt
    code, out = run_in_pty(["pulumi", "up", "--stack", "prod", "--cwd", cwd], stub.env(CI="true", **VAULT), answer=None)
    assert code == 2


def run_in_pty(argv, env, answer: str | None) -> tuple[int, str]:
    """Run argv with a pseudo-terminal on stdin/stdout; type `answer` at the prompt."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    seen = b""
    typed = False
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if answer is not None and not typed and b"[yes/no]" in seen:
            os.write(leader, answer.encode() + b"\n")
            typed = True
    os.close(leader)
    return proc.wait(), seen.decode(errors="replace")


def test_a_terminal_lets_the_cli_prompt(one, stub):
    cwd = str(one.root / "stacks/dashy")
    code, out = run_in_pty(["pulumi", "up", "--stack", "prod", "--cwd", cwd], stub.env(**VAULT), answer="yes")
    assert code == 0 and "Do you want to perform this update?" in out
    code, _ = run_in_pty(["pulumi", "up", "--stack", "prod", "--cwd", cwd], stub.env(**VAULT), answer="no")
    assert code == 8


def test_language_host_puts_only_the_stack_dir_on_sys_path(repo, stub, tmp_path):
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    repo.write("components/__init__.py", "")
    repo.stack("dashy", main="import components\nimport helper\n")
    repo.write("stacks/dashy/helper.py", "")
    repo.write("stacks/dashy/Pulumi.yaml",
               f"name: dashy\nruntime:\n  name: python\n  options:\n    virtualenv: {bare}\n")
    stub.adopt(repo)
    cwd = str(repo.root / "stacks/dashy")
    # run from the repo root: the repo root is still not importable for the program
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", cwd, cwd=repo.root)
    assert res.returncode == 1 and "ModuleNotFoundError: No module named 'components'" in res.stdout
    # installed into the venv (what `pip install -e .` does), it resolves; helper.py is in the stack dir
    site = next((bare / "lib").glob("python3*/site-packages"))
    (site / "repo.pth").write_text(str(repo.root) + "\n")
    assert pulumi(stub, "preview", "--stack", "prod", "--cwd", cwd).returncode == 0


def test_virtualenv_named_in_pulumi_yaml_must_exist(repo, stub):
    repo.stack("dashy")
    repo.write("stacks/dashy/Pulumi.yaml", "name: dashy\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n")
    stub.adopt(repo)
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", str(repo.root / "stacks/dashy"))
    assert res.returncode == 1 and "doesn't appear to be a virtual environment" in res.stderr


def test_missing_stack_is_exit_6_and_only_stack_init_creates_one(repo, stub):
    repo.stack("dashy", config="secretsprovider: hashivault://pulumi-state\n")
    cwd = str(repo.root / "stacks/dashy")
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", cwd)
    assert res.returncode == 6 and "no stack named 'prod' found" in res.stderr
    assert pulumi(stub, "stack", "init", "prod", "--secrets-provider", "hashivault://pulumi-state",
                  "--non-interactive", "--cwd", cwd).returncode == 0
    assert yaml.safe_load((repo.root / "stacks/dashy/Pulumi.prod.yaml").read_text())["encryptedkey"]
    listing = json.loads(pulumi(stub, "stack", "ls", "--json", "--cwd", cwd).stdout)
    assert [s["name"] for s in listing] == ["prod"]


def test_vault_transit_needs_vault_server_variables(one, stub):
    env = stub.env()
    res = pulumi(stub, "preview", "--stack", "prod", "--cwd", str(one.root / "stacks/dashy"), env=env)
    assert res.returncode == 1 and "VAULT_SERVER_URL/VAULT_SERVER_TOKEN" in res.stderr
    env.update(VAULT)
    assert pulumi(stub, "preview", "--stack", "prod", "--cwd", str(one.root / "stacks/dashy"), env=env).returncode == 0


def test_read_only_state_credentials_preview_but_never_write(one, stub):
    stub.scenario({"readonly_keys": ["ro-key"]})
    env = stub.env(AWS_ACCESS_KEY_ID="ro-key", VAULT_SERVER_URL="http://127.0.0.1:8200", VAULT_SERVER_TOKEN="t")
    cwd = str(one.root / "stacks/dashy")
    assert pulumi(stub, "preview", "--stack", "prod", "--cwd", cwd, env=env).returncode == 0
    res = pulumi(stub, "up", "--stack", "prod", "--cwd", cwd, "--yes", env=env)
    assert res.returncode == 1 and re.search(r"AccessDenied", res.stderr)
