"""The dev-VM wrapper through its public entry points, with a stub pulumi on PATH."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from tools.ops import exitcodes
from tools.ops.wrapper import Context, init_stack, main, run_stack_op

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fleet(repo, stub):
    repo.stack("platform", bootstrap=True)
    repo.stack("vault", bootstrap=True, human_only=True, depends_on=("platform",))
    repo.stack("dashy", depends_on=("platform", "vault"))
    repo.write("policies/PulumiPolicy.yaml", "runtime: python\n")
    stub.adopt(repo)
    return repo


class Clock:
    def __init__(self, on_sleep=None):
        self.now = 0.0
        self.sleeps = 0
        self.on_sleep = on_sleep

    def monotonic(self):
        return self.now

    def sleep(self, s):
        self.now += s
        self.sleeps += 1
        if self.on_sleep:
            self.on_sleep(self.sleeps)


def ctx_for(fleet, stub, clock=None, **env):
    clock = clock or Clock()
    logs: list[str] = []
    ctx = Context(fleet.root, stub.env(**env), log=logs.append, sleep=clock.sleep, monotonic=clock.monotonic)
    return ctx, logs


def write_lock(stub, project: str, when: datetime, pid: int = 4242, host: str = "ci-pod-1") -> Path:
    path = stub.state / ".pulumi/locks/organization" / project / "prod" / f"{uuid.uuid4()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.000000001Z")
    path.write_text(json.dumps({"pid": pid, "username": "runner", "hostname": host, "timestamp": stamp}))
    return path


def test_preview_targets_the_stack_with_backend_and_policy_pack(fleet, stub):
    ctx, _ = ctx_for(fleet, stub)
    res = run_stack_op(ctx, "preview", "dashy", echo=False)
    assert res.outcome == "ok"
    [call] = stub.calls("preview")
    argv = call["argv"]
    assert argv[:5] == ["preview", "--stack", "prod", "--cwd", str(fleet.root / "stacks/dashy")]
    assert argv[argv.index("--policy-pack") + 1] == str(fleet.root / "policies")
    assert "--diff" in argv and "--yes" not in argv
    assert call["backend"] == f"file://{stub.state}"
    assert call["vault_token"] is True


def test_ci_up_is_non_interactive_and_auto_approved(fleet, stub):
    ctx, _ = ctx_for(fleet, stub, CI="woodpecker")
    assert run_stack_op(ctx, "up", "dashy", echo=False).exit_code == 0
    argv = stub.calls("up")[0]["argv"]
    assert "--non-interactive" in argv and "--yes" in argv and "--diff" in argv


def test_human_only_stack_is_refused_in_ci_without_touching_pulumi(fleet, stub):
    ctx, _ = ctx_for(fleet, stub, CI="true")
    res = run_stack_op(ctx, "up", "vault", echo=False)
    assert res.exit_code == exitcodes.REFUSED
    assert "human-only" in res.message and "scripts/pu <op> vault" in res.message
    assert stub.calls("up") == []


# The node-level and CNI stacks of wave 6 (and the DNS change unit): their real stack.yaml,
# copied into the fake checkout, must keep CI from applying them.
HUMAN_ONLY_REAL = ["calico", "proxmox-csi", "nvidia", "nodelocal-dns"]


@pytest.mark.parametrize("name", HUMAN_ONLY_REAL)
def test_real_human_only_stacks_are_refused_in_ci(fleet, stub, name):
    meta_text = (REPO / "stacks" / name / "stack.yaml").read_text()
    for dep in yaml.safe_load(meta_text)["depends_on"]:
        if not (fleet.root / "stacks" / dep).exists():
            fleet.stack(dep)
    fleet.stack(name)
    fleet.write(f"stacks/{name}/stack.yaml", meta_text)
    ctx, _ = ctx_for(fleet, stub, CI="true")
    for op in ("up", "preview"):
        res = run_stack_op(ctx, op, name, echo=False)
        assert res.exit_code == exitcodes.REFUSED, f"{name}: CI {op} was not refused"
        assert "human-only" in res.message
    assert stub.calls("up") == [] and stub.calls("preview") == []


def test_human_only_stack_runs_for_a_human(fleet, stub):
    ctx, _ = ctx_for(fleet, stub)
    assert run_stack_op(ctx, "up", "vault", ["--yes"], echo=False).outcome == "ok"


def test_old_cli_is_rejected_before_anything_runs(fleet, stub):
    stub.scenario({"version": {"stdout": "v3.200.1\n"}})
    ctx, _ = ctx_for(fleet, stub)
    res = run_stack_op(ctx, "up", "dashy", echo=False)
    assert res.exit_code == exitcodes.CLI_TOO_OLD
    assert "3.200.1 is older than 3.229.0" in res.message
    assert stub.calls("up") == []


def test_init_creates_the_stack_with_the_right_secrets_provider_and_records_it(repo, stub):
    repo.stack("platform", bootstrap=True)
    repo.stack("vault", bootstrap=True, human_only=True, depends_on=("platform",))
    repo.stack("dashy")
    ctx, _ = ctx_for(repo, stub)
    assert init_stack(ctx, "dashy").outcome == "ok"
    assert init_stack(ctx, "platform").outcome == "ok"  # vault depends on platform: passphrase
    inits = {c["stack"]: c["argv"] for c in stub.calls("stack init")}
    assert inits["dashy"][inits["dashy"].index("--secrets-provider") + 1] == "hashivault://pulumi-state"
    assert inits["platform"][inits["platform"].index("--secrets-provider") + 1] == "passphrase"
    recorded = yaml.safe_load((repo.root / "stacks/dashy/Pulumi.prod.yaml").read_text())
    assert recorded["secretsprovider"] == "hashivault://pulumi-state" and recorded["encryptedkey"]
    assert yaml.safe_load((repo.root / "stacks/platform/Pulumi.prod.yaml").read_text())["encryptionsalt"]
    # and from then on the stack runs
    assert run_stack_op(ctx, "preview", "dashy", echo=False).outcome == "ok"


def test_preview_of_a_stack_never_initialised_never_creates_it(repo, stub):
    repo.stack("dashy")
    ctx, _ = ctx_for(repo, stub)
    res = run_stack_op(ctx, "preview", "dashy", echo=False)
    assert res.outcome == "uninitialised" and "scripts/pu init dashy" in res.message
    assert stub.calls("stack init") == [] and stub.calls("preview") == []


def test_stack_file_without_secrets_keys_is_refused_before_the_cli_can_invent_a_passphrase(fleet, stub):
    # the stack exists in the backend, but its file lost the provider and key
    fleet.write("stacks/dashy/Pulumi.prod.yaml", "config:\n  dashy:replicas: '2'\n")
    ctx, _ = ctx_for(fleet, stub)
    res = run_stack_op(ctx, "preview", "dashy", echo=False)
    assert res.outcome == "uninitialised"
    assert "silently create a new passphrase secrets manager" in res.message
    assert stub.calls("preview") == []
    # against the CLI directly, that file would be rewritten with a fresh passphrase salt
    env = stub.env()
    subprocess.run(["pulumi", "preview", "--stack", "prod", "--cwd", str(fleet.root / "stacks/dashy")],
                   env=env, capture_output=True, check=True)
    assert "encryptionsalt" in (fleet.root / "stacks/dashy/Pulumi.prod.yaml").read_text()


def test_ci_never_initialises_a_stack(repo, stub):
    repo.stack("dashy")
    ctx, _ = ctx_for(repo, stub, CI="woodpecker")
    assert init_stack(ctx, "dashy").exit_code == exitcodes.REFUSED
    assert stub.calls("stack init") == []


def test_mismatched_secrets_provider_is_reported_with_the_fix(fleet, stub):
    fleet.write("stacks/dashy/Pulumi.prod.yaml", "secretsprovider: passphrase\nconfig: {}\n")
    ctx, _ = ctx_for(fleet, stub)
    res = run_stack_op(ctx, "up", "dashy", echo=False)
    assert res.exit_code == exitcodes.CONFIG
    assert "pulumi stack change-secrets-provider --stack prod hashivault://pulumi-state" in res.message


def test_vault_backed_stack_without_vault_credentials_fails_clearly(fleet, stub):
    env = stub.env()
    del env["VAULT_TOKEN"]
    ctx = Context(fleet.root, env, log=lambda m: None)
    res = run_stack_op(ctx, "up", "dashy", echo=False)
    assert res.exit_code == exitcodes.CONFIG and "vault login" in res.message


def test_contended_lock_waits_then_runs(fleet, stub):
    lock = write_lock(stub, "dashy", datetime.now(timezone.utc) - timedelta(seconds=20))
    clock = Clock(on_sleep=lambda n: n == 3 and lock.unlink())
    ctx, logs = ctx_for(fleet, stub, clock)
    res = run_stack_op(ctx, "up", "dashy", ["--yes"], echo=False)
    assert res.outcome == "ok"
    assert clock.sleeps == 3
    assert len(stub.calls("up")) == 1
    assert any("runner@ci-pod-1 (pid 4242)" in m for m in logs)


def test_lock_held_past_timeout_fails_with_holder_and_never_unlocks(fleet, stub):
    lock = write_lock(stub, "dashy", datetime.now(timezone.utc) - timedelta(minutes=1))
    ctx, _ = ctx_for(fleet, stub, PU_LOCK_TIMEOUT="30")
    res = run_stack_op(ctx, "up", "dashy", echo=False)
    assert res.exit_code == exitcodes.LOCKED and res.outcome == "locked"
    assert "runner@ci-pod-1 (pid 4242)" in res.message and "since" in res.message
    assert stub.calls("up") == [] and stub.calls("cancel") == []
    assert lock.exists()


def test_stale_lock_fails_fast_with_clear_commands(fleet, stub):
    lock = write_lock(stub, "dashy", datetime.now(timezone.utc) - timedelta(hours=5), host="gone-pod")
    clock = Clock()
    ctx, _ = ctx_for(fleet, stub, clock)
    res = run_stack_op(ctx, "up", "dashy", echo=False)
    assert res.outcome == "stale" and res.exit_code == exitcodes.LOCKED
    assert "pulumi cancel --yes prod" in res.message and f"rm '{lock}'" in res.message
    assert clock.sleeps == 0 and lock.exists()


def test_preview_never_waits_for_a_lock(fleet, stub):
    write_lock(stub, "dashy", datetime.now(timezone.utc))
    clock = Clock()
    ctx, _ = ctx_for(fleet, stub, clock)
    assert run_stack_op(ctx, "preview", "dashy", echo=False).outcome == "ok"
    assert clock.sleeps == 0


def test_lock_taken_between_check_and_cli_is_waited_out(fleet, stub):
    locked = {"exit": 255, "stderr": "error: the stack is currently locked by 1 lock(s). Either wait for the "
                                     "other process(es) to end or delete the lock file with `pulumi cancel`.\n"}
    stub.scenario({"up": [locked, {"stdout": "Resources:\n    4 unchanged\n"}]})
    clock = Clock()
    ctx, logs = ctx_for(fleet, stub, clock)
    res = run_stack_op(ctx, "up", "dashy", ["--yes"], echo=False)
    assert res.outcome == "ok" and len(stub.calls("up")) == 2
    assert any("waiting again" in m for m in logs)


def test_ordinary_failure_passes_the_exit_code_through(fleet, stub):
    stub.scenario({"up": {"exit": 255, "stderr": "error: update failed\n"}})
    ctx, _ = ctx_for(fleet, stub)
    res = run_stack_op(ctx, "up", "dashy", ["--yes"], echo=False)
    assert (res.outcome, res.exit_code) == ("failed", 255)
    assert len(stub.calls("up")) == 1


def test_extra_arguments_reach_pulumi_and_preview_only_refresh_takes_no_lock(fleet, stub):
    write_lock(stub, "dashy", datetime.now(timezone.utc))
    clock = Clock()
    ctx, _ = ctx_for(fleet, stub, clock)
    assert main(["refresh", "dashy", "--", "--preview-only", "--expect-no-changes"],
                env=dict(stub.env(PU_REPO_ROOT=str(fleet.root)))) == 0
    argv = stub.calls("refresh")[0]["argv"]
    assert argv[-2:] == ["--preview-only", "--expect-no-changes"]


def test_unknown_stack_names_known_ones(fleet, stub):
    ctx, _ = ctx_for(fleet, stub)
    res = run_stack_op(ctx, "up", "dashboard", echo=False)
    assert res.exit_code == exitcodes.CONFIG and "no stack 'dashboard'" in res.message and "dashy" in res.message


def test_script_runs_from_any_directory(fleet, stub, tmp_path):
    env = stub.env(PU_REPO_ROOT=str(fleet.root), PU_PYTHON=sys.executable)
    proc = subprocess.run([str(REPO / "scripts/pu"), "preview", "dashy"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert stub.calls("preview")[0]["stack"] == "dashy"


# ---------------------------------------------------------------- people at the wrapper

from test_stub_contract import run_in_pty  # noqa: E402


def pu_env(fleet, stub, **extra):
    return stub.env(PU_REPO_ROOT=str(fleet.root), PU_PYTHON=sys.executable, **extra)


def test_up_from_a_terminal_prompts_through_the_wrapper(fleet, stub):
    code, out = run_in_pty([str(REPO / "scripts/pu"), "up", "dashy"], pu_env(fleet, stub), answer="yes")
    assert code == 0, out
    assert "Do you want to perform this update?" in out
    [call] = stub.calls("up")
    assert call["tty"] and "--yes" not in call["flags"]


def test_up_without_a_terminal_exits_2_with_the_way_forward(fleet, stub):
    proc = subprocess.run([str(REPO / "scripts/pu"), "up", "dashy"], env=pu_env(fleet, stub),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "scripts/pu up dashy -- --yes" in proc.stderr
    proc = subprocess.run([str(REPO / "scripts/pu"), "up", "dashy", "--", "--yes"], env=pu_env(fleet, stub),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_stack_is_inferred_from_the_current_directory(fleet, stub):
    proc = subprocess.run([str(REPO / "scripts/pu"), "preview", "--", "--diff"], cwd=fleet.root / "stacks/dashy",
                          env=pu_env(fleet, stub), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert [c["stack"] for c in stub.calls("preview")] == ["dashy"]
    proc = subprocess.run([str(REPO / "scripts/pu"), "preview"], cwd=fleet.root, env=pu_env(fleet, stub),
                          capture_output=True, text=True)
    assert proc.returncode == exitcodes.USAGE and "which stack?" in proc.stderr


def test_run_all_goes_in_dependency_order_and_stops_at_the_first_failure(fleet, stub):
    assert main(["run-all", "preview"], env=pu_env(fleet, stub), cwd=fleet.root) == 0
    assert [c["stack"] for c in stub.calls("preview")] == ["platform", "vault", "dashy"]
    stub.scenario({"preview:vault": {"exit": 255, "stderr": "error: boom\n"}})
    assert main(["run-all", "preview"], env=pu_env(fleet, stub), cwd=fleet.root) == 255
    assert [c["stack"] for c in stub.calls("preview")][3:] == ["platform", "vault"]


def test_run_all_destroy_goes_dependents_first(fleet, stub):
    assert main(["run-all", "destroy", "--", "--yes"], env=pu_env(fleet, stub), cwd=fleet.root) == 0
    assert [c["stack"] for c in stub.calls("destroy")] == ["dashy", "vault", "platform"]


def test_state_bucket_error_during_the_lock_check_is_a_clear_message(fleet, stub):
    from tools.ops.locks import LockReadError

    class Broken:
        def list_locks(self, project, stack):
            raise LockReadError("could not read the stack locks of dashy from bucket homelab-pulumi-state: "
                                "AccessDenied")

    ctx = Context(fleet.root, stub.env(), log=lambda m: None, lock_store=lambda url: Broken())
    res = run_stack_op(ctx, "up", "dashy", ["--yes"], echo=False)
    assert res.exit_code == exitcodes.CONFIG and "could not read the stack locks" in res.message
    assert stub.calls("up") == []
