"""Every pipeline's steps, exactly as written in .woodpecker/*.yml and the GitHub workflow,
run in a fresh checkout with a clean venv against the contract-enforcing stub pulumi.

Only what no test machine has is substituted: secrets get fake values, the in-cluster
addresses (Vault, the Pushgateway) point at a recorder on loopback, the state bucket is a
local directory (and moto for the lock objects), and `python` is a plain interpreter, as
the pipeline image and actions/setup-python give one.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
import yaml

from conftest import Repo, Stub
from tools.ops.backend import passphrase_stacks
from tools.ops.repo import load_all_meta

ROOT = Path(__file__).resolve().parents[2]
RO_KEY = "r2-read-only-key"
CANONICAL = "forgejo.viktorbarzin.me"


class Recorder(BaseHTTPRequestHandler):
    calls: list[tuple[str, str, dict]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            data = {"raw": body.decode(errors="replace")}
        Recorder.calls.append((self.command, self.path, data))
        reply = {"auth": {"client_token": f"hvs.{data.get('role')}"}} if self.path.endswith("/login") else {}
        out = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_POST = do_PUT = do_GET = _answer

    def log_message(self, *args) -> None:
        pass


def pipelines() -> dict[str, list[dict]]:
    """pipeline -> steps [{name, image, environment, commands, when}] as written."""
    out: dict[str, list[dict]] = {}
    for path in sorted((ROOT / ".woodpecker").glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        out[f"woodpecker/{path.stem}"] = [
            {"name": s["name"], "image": s["image"], "environment": s.get("environment") or {},
             "commands": s["commands"], "when": s.get("when")} for s in doc["steps"]]
    gh = yaml.safe_load((ROOT / ".github/workflows/pulumi.yml").read_text())
    for job_name, job in gh["jobs"].items():
        steps = []
        for s in job["steps"]:
            if "run" in s:
                steps.append({"name": s["run"][:40], "image": "github", "environment": s.get("env") or {},
                              "commands": [s["run"]], "when": None})
        out[f"github/{job_name}"] = steps
    return out


def install_command(steps: list[dict]) -> str | None:
    # The venv comes from the hash-checked lock, with the repository on its path (what the
    # language host needs to import components/), exactly as `make venv` builds it.
    return next((c for s in steps for c in s["commands"] if "tools/setup_venv.py" in c), None)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pipelines")
    # origin: this working tree (what would be pushed), every stack initialised as
    # `scripts/pu init` leaves it; the checkout is a clone of it, like the CI clone step.
    origin = tmp / "origin"
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (origin / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, origin / rel)
    (tmp / "stubhome").mkdir()
    stub = Stub(tmp / "stubhome")
    repo = Repo(origin, venv_link=False)
    repo.init_git()
    stub.adopt(repo)
    base = repo.commit("base")
    checkout = tmp / "checkout"
    subprocess.run(["git", "clone", "-q", str(origin), str(checkout)], check=True)
    work = Repo(checkout, venv_link=False)
    work.git("config", "user.email", "ci@example.invalid")
    work.git("config", "user.name", "ci")
    metas = load_all_meta(checkout)
    changed = next(n for n in sorted(metas) if n not in passphrase_stacks(metas) and not metas[n].human_only)
    main = checkout / "stacks" / changed / "__main__.py"
    main.write_text(main.read_text() + "\n# touched by the pipeline test\n")
    head = work.commit("pr: touch one stack")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    recorder = f"http://127.0.0.1:{server.server_address[1]}"

    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    s3 = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=s3, region_name="us-east-1", aws_access_key_id="x",
                 aws_secret_access_key="x").create_bucket(Bucket="homelab-pulumi-state")
    s3_root = tmp / "s3"
    s3_root.mkdir()
    (s3_root / "homelab-pulumi-state").symlink_to(stub.state, target_is_directory=True)
    jwt = tmp / "sa-token"
    jwt.write_text("eyJ.fake.jwt")
    # a plain interpreter for `python` (the image's, or the one setup-python installs)
    plain = tmp / "plain"
    subprocess.run([sys._base_executable, "-m", "venv", str(plain)], check=True)
    stub.scenario({"readonly_keys": [RO_KEY]})

    steps = pipelines()
    installs = {install_command(s) for s in steps.values()} - {None}
    assert len(installs) == 1, f"the pipelines install the venv differently: {installs}"
    w = {"tmp": tmp, "stub": stub, "checkout": checkout, "base": base, "head": head, "changed": changed,
         "recorder": recorder, "s3": s3, "s3_root": s3_root, "jwt": jwt, "plain": plain, "steps": steps}
    proc = run_commands(w, [installs.pop()], {})
    assert proc.returncode == 0, proc.stderr[-3000:]
    yield w
    server.shutdown()
    moto.stop()


def fake_secret(name: str) -> str:
    return RO_KEY if re.search(r"read", name, re.I) and "access_key_id" in name.lower() else f"fake-{name}"


def step_env(w, raw: dict) -> dict[str, str]:
    env: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, dict) and "from_secret" in value:
            env[key] = fake_secret(value["from_secret"])
        else:
            text = str(value)
            match = re.fullmatch(r"\$\{\{\s*secrets\.(\w+)\s*\}\}", text)
            env[key] = fake_secret(match.group(1)) if match else text
    # in-cluster addresses and the bucket: loopback stand-ins
    for key in ("VAULT_ADDR", "PUSHGATEWAY_URL", "SLACK_WEBHOOK"):
        if key in env:
            env[key] = w["recorder"] + ("/slack" if key == "SLACK_WEBHOOK" else "")
    env["PULUMI_BACKEND_URL"] = (f"s3://homelab-pulumi-state?endpoint={w['s3']}&region=us-east-1"
                                 f"&s3ForcePathStyle=true")
    return env


def run_commands(w, commands: list[str], env: dict[str, str], extra: dict[str, str] | None = None):
    stub: Stub = w["stub"]
    base = stub.env(**{"PU_STUB_S3_ROOT": str(w["s3_root"]), "VAULT_K8S_JWT_PATH": str(w["jwt"]),
                       "AWS_DEFAULT_REGION": "us-east-1"})
    for k in ("VAULT_TOKEN", "VAULT_ADDR", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"):
        base.pop(k, None)
    base["PATH"] = f"{stub.bin}:{w['plain'] / 'bin'}:/usr/bin:/bin"
    base.update(env)
    base.update(extra or {})
    script = "set -e\n" + "\n".join(commands)
    return subprocess.run(["bash", "-c", script], cwd=w["checkout"], env=base, capture_output=True, text=True,
                          timeout=900)


def pulumi_steps(w, name: str) -> list[dict]:
    return [s for s in w["steps"][name] if s["image"] != "curlimages/curl"]


def commands_after_install(step: dict) -> list[str]:
    return [c for c in step["commands"] if install_command([{"commands": [c]}]) is None]


def test_every_pipeline_step_is_accounted_for(world):
    names = set(world["steps"])
    assert names == {"woodpecker/pr", "woodpecker/apply", "woodpecker/drift", "github/preview", "github/apply-guard"}
    [notify] = [s for s in world["steps"]["woodpecker/apply"] if s["image"] == "curlimages/curl"]
    assert notify["when"] == {"status": ["failure"]}  # runs only when apply failed; needs no pulumi


def test_pr_pipeline_previews_with_read_only_credentials_and_the_base_policy_pack(world):
    Recorder.calls.clear()
    [step] = pulumi_steps(world, "woodpecker/pr")
    proc = run_commands(world, commands_after_install(step), step_env(world, step["environment"]),
                        {"CI": "woodpecker", "CI_COMMIT_TARGET_BRANCH": "main", "CI_FORGE_URL": f"https://{CANONICAL}",
                         "CI_REPO": "viktor/infra", "CI_PIPELINE_URL": "https://ci.example.invalid/1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    previews = [c for c in world["stub"].calls("preview") if c.get("stack") == world["changed"]]
    assert previews and "error" not in previews[-1], previews[-1:]
    call = previews[-1]
    assert call["debug_commands"] and "--event-log" in call["flags"]
    assert "/.base-policies/policies" in call["paths"]["--policy-pack"]
    assert world["stub"].calls("stack init") == [] and world["stub"].calls("up") == []
    logins = [c for c in Recorder.calls if c[1].endswith("/auth/kubernetes/login")]
    assert [c[2]["role"] for c in logins] == ["ci-preview"]
    assert "### Pulumi preview: 1 affected stack(s)" in (world["checkout"] / "build/ci/comment.md").read_text()


def test_apply_pipeline_applies_on_the_canonical_forge(world):
    Recorder.calls.clear()
    [step] = pulumi_steps(world, "woodpecker/apply")
    env = step_env(world, step["environment"])
    proc = run_commands(world, commands_after_install(step), env,
                        {"CI": "woodpecker", "CI_PREV_COMMIT_SHA": world["base"], "CI_FORGE_URL": f"https://{CANONICAL}"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    ups = [c for c in world["stub"].calls("up") if c["stack"] == world["changed"]]
    assert ups and ups[-1]["exit"] == 0, ups[-1:]
    assert {"--yes", "--non-interactive"} <= set(ups[-1]["flags"])
    assert [c[2]["role"] for c in Recorder.calls if c[1].endswith("/login")] == ["ci"]


def test_drift_pipeline_measures_every_stack_without_writing(world):
    Recorder.calls.clear()
    [step] = pulumi_steps(world, "woodpecker/drift")
    before = len(world["stub"].calls())
    proc = run_commands(world, commands_after_install(step), step_env(world, step["environment"]),
                        {"CI": "woodpecker", "CI_COMMIT_SHA": world["head"]})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    report = json.loads((world["checkout"] / "build/drift/report.json").read_text())
    status = {r["stack"]: r["status"] for r in report["results"]}
    assert "unmeasured" not in status.values(), {s: r["reason"] for s, r in
                                                 ((r["stack"], r) for r in report["results"]) if r["status"] == "unmeasured"}
    assert status["vault"] == "skipped"
    calls = world["stub"].calls()[before:]
    assert {c["key"] for c in calls} <= {"version", "preview"}
    assert any(c[0] == "PUT" and "/metrics/job/pulumi-drift" in c[1] for c in Recorder.calls)


def test_github_preview_job_runs_its_steps(world):
    steps = world["steps"]["github/preview"]
    commands = [c for s in steps for c in s["commands"] if install_command([{"commands": [c]}]) is None]
    env: dict[str, str] = {}
    for s in steps:
        env.update(step_env(world, s["environment"]))
    commands = [c.replace("${{ github.base_ref }}", "main") for c in commands]
    proc = run_commands(world, commands, env, {"CI": "true", "GITHUB_ACTIONS": "true",
                                               "GITHUB_SERVER_URL": "https://github.com"})
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_github_push_never_applies(world):
    before = len(world["stub"].calls())
    steps = world["steps"]["github/apply-guard"]
    env: dict[str, str] = {}
    for s in steps:
        env.update(step_env(world, s["environment"]))
    commands = [c.replace("${{ github.event.before }}", world["base"]) for s in steps for c in s["commands"]]
    proc = run_commands(world, commands, env, {"CI": "true", "GITHUB_ACTIONS": "true",
                                               "GITHUB_SERVER_URL": "https://github.com"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "not the canonical forge" in proc.stderr
    assert world["stub"].calls()[before:] == []
