"""A stand-in `pulumi` executable for hermetic tests and the drift bench, holding the real
CLI's contract at the pinned version so that code passing against it passes against the CLI.

What it enforces, each rule read from the CLI's source at the version in
`pulumi_cli_flags.json`:
- flags: every subcommand accepts exactly the flags in the table (global + its own);
  `--event-log` and the other debug-only flags only with PULUMI_DEBUG_COMMANDS=1|true;
  an unknown flag fails with cobra's `unknown flag: --x`, exit 1;
- `--cwd` changes directory first, so every relative path (`--policy-pack`, `--event-log`,
  `--config-file`, ...) is resolved from the stack directory;
- `up`, `refresh`, `destroy`, `import` without `--yes` (or `--skip-preview`,
  `--preview-only`, PULUMI_SKIP_CONFIRMATIONS) need an interactive session:
  stdin and stdout terminals, no `--non-interactive`, TERM not dumb, not in CI; otherwise
  exit 2 with the CLI's message. Interactive, it prompts on stdout and reads stdin;
- the Python language host: the program runs with the interpreter of the virtualenv named
  in Pulumi.yaml (relative to the project), with only the stack directory on sys.path
  (plus the venv's site-packages and the inherited PYTHONPATH); every module the stack's
  files import must resolve there, else the program fails with ModuleNotFoundError;
- secrets: a stack file with `secretsprovider` (not passphrase) uses that provider and,
  without `encryptedkey`, silently mints a new data key and rewrites the file; with
  `encryptionsalt` a passphrase; with neither the CLI silently creates a passphrase
  manager (and writes a salt). hashivault needs VAULT_SERVER_URL + VAULT_SERVER_TOKEN, a
  passphrase PULUMI_CONFIG_PASSPHRASE(_FILE);
- backend: the DIY layout (`.pulumi/stacks/<project>/<stack>.json`, locks under
  `.pulumi/locks/organization/<project>/<stack>/`). file:// URLs are used as they are;
  s3:// URLs map to `$PU_STUB_S3_ROOT/<bucket>`. Operations on a missing stack exit 6;
  only `stack init` creates one. Credentials listed under `readonly_keys` in the scenario
  (matched against AWS_ACCESS_KEY_ID) can read state but every write is AccessDenied.

Every call is recorded as one JSON line (argv, stack, key, environment facts) in
PU_STUB_LOG, and answered from the scenario file PU_STUB_SCENARIO keyed by command
(`preview`, `stack ls`, ... optionally `preview:<stack>`); a list answers successive calls.
A response has `stdout`, `stderr`, `exit`, `events` (engine events written to the event
log) and `hang` (block until killed: the caller's timeout is what is under test).
Production code never uses this; it only sits on PATH in tests.
"""
from __future__ import annotations

import ast
import fcntl
import json
import os
import secrets as _secrets
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote, urlparse

TOOLS_ROOT = Path(__file__).resolve().parents[2]
MUTATING = ("up", "refresh", "destroy", "import")
PROGRAM_OPS = ("preview", "up")
PATH_FLAGS = ("--policy-pack", "--event-log", "--config-file", "--save-plan", "--import-file", "--plan",
              "--policy-pack-config", "--file", "--out")
NO_CONFIRM = ("--yes or --skip-preview or --preview-only must be passed in to proceed when running in "
              "non-interactive mode")
# ciutil.IsCI: a generic CI variable or one of the systems it detects by name.
CI_VARS = ("CI", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "RUN_ID", "GITHUB_ACTIONS", "CI_WOODPECKER",
           "GITLAB_CI", "TRAVIS", "BUILDKITE", "TF_BUILD")


class CliError(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code
        self.command = ""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


# ---------------------------------------------------------------- flags

def parse_command_line(args: list[str], env: Mapping[str, str], table: dict) -> tuple[str, dict, list[str]]:
    """(command, {--flag: value-or-True}, positionals), cobra-style, or CliError."""
    from .cli_contract import accepted_flags

    words: list[str] = []
    raw: list[str] = []
    # Command words come first among the non-flag tokens; global flags may precede them.
    glob = accepted_flags({"global": table["global"], "commands": {"": []}}, "", env)
    i = 0
    while i < len(args):
        tok = args[i]
        if words and words != ["stack"]:
            break
        if tok.startswith("-"):
            raw.append(tok)
            spec = glob.get(tok.split("=", 1)[0])
            if spec is not None and spec["takes_value"] and "=" not in tok and i + 1 < len(args):
                raw.append(args[i + 1])
                i += 1
        else:
            words.append(tok)
        i += 1
    raw += args[i:]
    command = " ".join(words)
    if command not in table["commands"]:
        raise CliError(f'unknown command "{command}" for "pulumi" (the stub knows only the commands in the table)')
    try:
        return command, *_parse_flags(raw, accepted_flags(table, command, env))
    except CliError as exc:
        exc.command = command
        raise


def _parse_flags(raw: list[str], accepted: dict[str, dict]) -> tuple[dict, list[str]]:
    flags: dict[str, Any] = {}
    positionals: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok == "--":
            positionals += raw[i + 1:]
            break
        if not tok.startswith("-") or tok == "-":
            positionals.append(tok)
            i += 1
            continue
        name, eq, value = tok.partition("=")
        spec = accepted.get(name)
        if spec is None:
            if name.startswith("--"):
                raise CliError(f"unknown flag: {name}")
            raise CliError(f"unknown shorthand flag: '{name[1:2]}' in {tok}")
        key = "--" + spec["name"]
        if eq:
            flags[key] = value
        elif spec["takes_value"]:
            if i + 1 >= len(raw):
                raise CliError(f"flag needs an argument: {name}")
            flags[key] = raw[i + 1]
            i += 1
        else:
            flags[key] = True
        i += 1
    return flags, positionals


# ---------------------------------------------------------------- backend

def backend_root(url: str, env: Mapping[str, str]) -> Path:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(os.path.expanduser(unquote(parsed.netloc + parsed.path)))
    if parsed.scheme == "s3":
        base = env.get("PU_STUB_S3_ROOT")
        if not base:
            raise CliError(f"the stub maps s3:// backends under PU_STUB_S3_ROOT, which is not set ({url})")
        return Path(base) / parsed.netloc / parsed.path.strip("/")
    raise CliError(f"the stub supports file:// and s3:// backends, not {url}")


def find_project(start: Path) -> Path:
    for d in [start, *start.parents]:
        if (d / "Pulumi.yaml").is_file():
            return d
    raise CliError(f"no Pulumi.yaml project file found (searching upwards from {start}). If you have not "
                   f"created a project yet, use `pulumi new` to do so")


def _yaml(path: Path) -> dict:
    import yaml

    data = yaml.safe_load(path.read_text()) if path.is_file() else None
    return data if isinstance(data, dict) else {}


def secrets_manager(stack_file: Path, env: Mapping[str, str]) -> str:
    """Which secrets manager the CLI builds for this stack file, writing it back as the CLI does."""
    import yaml

    ps = _yaml(stack_file)
    provider = str(ps.get("secretsprovider") or "")
    if provider not in ("", "passphrase", "default"):
        if provider.startswith("hashivault://") and not (env.get("VAULT_SERVER_URL") and env.get("VAULT_SERVER_TOKEN")):
            raise CliError(f"secrets (code=Unknown): hashivault: VAULT_SERVER_URL/VAULT_SERVER_TOKEN not set "
                           f"for {provider}")
        if not ps.get("encryptedkey"):
            ps["encryptedkey"] = "vault:v1:" + _secrets.token_hex(16)  # a fresh data key, saved silently
            stack_file.write_text(yaml.safe_dump(ps, sort_keys=False))
        return "cloud"
    if not (env.get("PULUMI_CONFIG_PASSPHRASE") is not None or env.get("PULUMI_CONFIG_PASSPHRASE_FILE")):
        raise CliError("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE "
                       "environment variables", 3)
    if not ps.get("encryptionsalt"):
        ps["encryptionsalt"] = "v1:" + _secrets.token_hex(8)  # the default manager, created silently
        stack_file.write_text(yaml.safe_dump(ps, sort_keys=False))
    return "passphrase"


# ---------------------------------------------------------------- the Python language host

_RESOLVE = r"""
import ast, importlib.util, os, sys
stack_dir = sys.argv[1]
sys.path[0] = stack_dir   # what the language host runs: the program dir, never the repo root
missing = []
for name in sorted(os.listdir(stack_dir)):
    if not name.endswith(".py"):
        continue
    tree = ast.parse(open(os.path.join(stack_dir, name)).read())
    for node in ast.walk(tree):
        mods = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
        for mod in mods:
            try:
                found = importlib.util.find_spec(mod.split(".")[0]) is not None
            except (ImportError, ValueError):
                found = False
            if not found and mod.split(".")[0] not in missing:
                missing.append(mod.split(".")[0])
if missing:
    print(missing[0])
    sys.exit(1)
"""


def run_program_check(project: Path, env: Mapping[str, str]) -> None:
    runtime = _yaml(project / "Pulumi.yaml").get("runtime") or {}
    options = runtime.get("options") if isinstance(runtime, dict) else None
    venv = (options or {}).get("virtualenv")
    if not venv:
        python = "python3"
    else:
        venv_dir = (project / venv) if not os.path.isabs(venv) else Path(venv)
        python = str(venv_dir / "bin" / "python")
        if not os.path.exists(python):
            raise CliError(f"The 'virtualenv' option in Pulumi.yaml is set to \"{venv}\", but \"{venv_dir}\" "
                           f"doesn't appear to be a virtual environment.")
    child_env = {k: v for k, v in env.items() if not k.startswith("PU_STUB_")}
    proc = subprocess.run([python, "-c", _RESOLVE, str(project)], env=child_env, capture_output=True, text=True)
    if proc.returncode != 0:
        module = proc.stdout.strip() or "?"
        main = project / "__main__.py"
        print("error: Program failed with an unhandled exception:\nTraceback (most recent call last):\n"
              f'  File "{main}", line 1, in <module>\n'
              f"ModuleNotFoundError: No module named '{module}'")
        raise CliError("an unhandled error occurred: Program exited with non-zero exit code: 1")


# ---------------------------------------------------------------- main

def interactive(flags: dict, env: Mapping[str, str]) -> bool:
    if flags.get("--non-interactive") or env.get("TERM", "").lower() == "dumb":
        return False
    if any(_truthy(env.get(v)) or (v != "CI" and env.get(v)) for v in CI_VARS):
        return False
    return os.isatty(0) and os.isatty(1)


def _respond(scenario_path: str, scenario: dict, key: str, stack: str) -> dict:
    defaults = {"version": {"stdout": "v3.229.0\n"}}
    resp = scenario.get(f"{key}:{stack}", scenario.get(key, defaults.get(key, {})))
    if isinstance(resp, list):
        with open(scenario_path + ".count", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            counts = json.loads(fh.read() or "{}")
            n = counts.get(f"{key}:{stack}", 0)
            counts[f"{key}:{stack}"] = n + 1
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(counts))
        resp = resp[min(n, len(resp) - 1)]
    return resp


def _record(env: Mapping[str, str], record: dict) -> None:
    fd = os.open(env["PU_STUB_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps(record) + "\n").encode())
    os.close(fd)


def main(args: list[str], env: Mapping[str, str]) -> int:
    from .cli_contract import load

    t0 = time.time()
    scenario_path = env["PU_STUB_SCENARIO"]
    scenario = json.loads(Path(scenario_path).read_text())
    record: dict[str, Any] = {"argv": args, "t0": t0, "stack": "", "key": "",
                              "backend": env.get("PULUMI_BACKEND_URL"),
                              "vault_token": bool(env.get("VAULT_SERVER_TOKEN")),
                              "passphrase": "PULUMI_CONFIG_PASSPHRASE" in env or "PULUMI_CONFIG_PASSPHRASE_FILE" in env,
                              "debug_commands": _truthy(env.get("PULUMI_DEBUG_COMMANDS")),
                              "tty": os.isatty(0) and os.isatty(1)}
    code = 0
    try:
        command, flags, positionals = parse_command_line(args, env, load())
        record["key"] = command
        if "--cwd" in flags:
            target = Path(flags["--cwd"])
            if not target.is_dir():
                raise CliError(f"changing the working directory: chdir {target}: no such file or directory")
            os.chdir(target)
        cwd = Path.cwd()
        record["stack"] = cwd.name
        record["paths"] = {f: str((cwd / flags[f]).resolve()) for f in PATH_FLAGS if isinstance(flags.get(f), str)}
        record["flags"] = {k: v for k, v in flags.items()}
        code = run_command(command, flags, positionals, cwd, env, scenario, record)
        if code is None:
            resp = _respond(scenario_path, scenario, command, cwd.name)
            if resp.get("events") and "--event-log" in flags:
                with open(record["paths"]["--event-log"], "w") as fh:
                    for ev in resp["events"]:
                        fh.write(json.dumps(ev) + "\n")
            if resp.get("hang"):
                _record(env, {**record, "t1": time.time(), "hung": True})
                os.read(_blocking_fd(), 1)
            sys.stdout.write(resp.get("stdout", ""))
            sys.stderr.write(resp.get("stderr", ""))
            code = int(resp.get("exit", 0))
    except CliError as exc:
        sys.stdout.flush()
        sys.stderr.write(f"error: {exc}\n")
        code = exc.code
        record["error"] = str(exc)
        record["key"] = record["key"] or exc.command
    record["t1"] = time.time()
    record["exit"] = code
    _record(env, record)
    return code


def _blocking_fd() -> int:
    """A pipe nobody writes to: reading it blocks until the process is killed."""
    r, _w = os.pipe()
    return r


def run_command(command: str, flags: dict, positionals: list[str], cwd: Path, env: Mapping[str, str],
                scenario: dict, record: dict) -> int | None:
    """Apply the contract; None = answer from the scenario."""
    if command == "version":
        return None
    for flag in ("--policy-pack",):
        if isinstance(flags.get(flag), str):
            for pack in flags[flag].split(","):
                if not (cwd / pack / "PulumiPolicy.yaml").is_file():
                    raise CliError(f"failed to load policy pack {pack}: PulumiPolicy.yaml not found in "
                                   f"{(cwd / pack).resolve()}")
    if isinstance(flags.get("--event-log"), str):
        log = Path(record["paths"]["--event-log"])
        if not log.parent.is_dir():
            raise CliError(f"failed to create event log: open {log}: no such file or directory")
        log.touch()
    project_dir = find_project(cwd)
    project = str(_yaml(project_dir / "Pulumi.yaml").get("name") or project_dir.name)
    url = env.get("PULUMI_BACKEND_URL")
    if not url:
        raise CliError("PULUMI_BACKEND_URL is not set and the stub has no stored login", 3)
    root = backend_root(url, env)
    stack = flags.get("--stack") or (positionals[0] if command == "stack init" and positionals else None)
    readonly = env.get("AWS_ACCESS_KEY_ID", "") in scenario.get("readonly_keys", [])
    stacks_dir = root / ".pulumi" / "stacks" / project

    def need_write(what: str) -> None:
        if readonly:
            raise CliError(f"{what}: AccessDenied: Access Denied (status code: 403); these credentials "
                           f"are read-only")

    if command == "stack ls":
        names = sorted(p.stem for p in stacks_dir.glob("*.json")) if stacks_dir.is_dir() else []
        resp = scenario.get("stack ls")
        if resp is not None:
            return None
        print(json.dumps([{"name": n, "current": False, "updateInProgress": False,
                           "url": f"{url.split('?')[0]}/.pulumi/stacks/{project}/{n}.json"} for n in names]))
        return 0
    if not stack:
        raise CliError("no stack selected; please use `pulumi stack select`", 6)
    exists = (stacks_dir / f"{stack}.json").is_file()
    if command == "stack init":
        if exists:
            raise CliError(f"stack '{stack}' already exists")
        need_write("creating the stack")
        stack_file = project_dir / f"Pulumi.{stack}.yaml"
        provider = flags.get("--secrets-provider", "")
        if provider and provider != "passphrase":
            import yaml

            ps = _yaml(stack_file)
            ps["secretsprovider"] = provider
            ps.pop("encryptedkey", None)
            stack_file.write_text(yaml.safe_dump(ps, sort_keys=False))
        secrets_manager(stack_file, env)
        stacks_dir.mkdir(parents=True, exist_ok=True)
        (stacks_dir / f"{stack}.json").write_text(json.dumps({"version": 3, "checkpoint": {}}))
        return 0
    if not exists:
        raise CliError(f"no stack named '{stack}' found", 6)
    if command in ("stack select", "stack change-secrets-provider", "cancel"):
        return None
    if command in MUTATING:
        yes = flags.get("--yes") or flags.get("--skip-preview") or _truthy(env.get("PULUMI_SKIP_CONFIRMATIONS"))
        preview_only = bool(flags.get("--preview-only"))  # refresh, destroy and import have it
        if not yes and not preview_only:
            if not interactive(flags, env):
                raise CliError(NO_CONFIRM, 2)
            sys.stdout.write("Do you want to perform this update? [yes/no]: ")
            sys.stdout.flush()
            if sys.stdin.readline().strip().lower() not in ("yes", "y"):
                raise CliError("confirmation declined, not proceeding with the update", 8)
        if not preview_only:
            need_write("writing the checkpoint")
            lock_dir = root / ".pulumi" / "locks" / "organization" / project / stack
            held = sorted(lock_dir.glob("*.json")) if lock_dir.is_dir() else []
            if held:
                raise CliError(f"the stack is currently locked by {len(held)} lock(s). Either wait for the other "
                               f"process(es) to end or delete the lock file with `pulumi cancel`.", 255)
    record["secrets_manager"] = secrets_manager(project_dir / f"Pulumi.{stack}.yaml", env)
    if command in PROGRAM_OPS:
        run_program_check(project_dir, env)
    return None


# ---------------------------------------------------------------- installing it for tests

_LAUNCHER = """#!{python}
import os, sys
sys.path.insert(0, {root!r})
from tools.ops.stub_pulumi import main
sys.exit(main(sys.argv[1:], os.environ))
"""


def install(bin_dir: Path) -> Path:
    """Write the stub as `bin_dir/pulumi` and return its path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / "pulumi"
    path.write_text(_LAUNCHER.format(python=sys.executable, root=str(TOOLS_ROOT)))
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def read_log(log: Path) -> list[dict[str, Any]]:
    if not log.is_file():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def stub_env(bin_dir: Path, scenario: Path, log: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(base if base is not None else os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PU_STUB_SCENARIO"] = str(scenario)
    env["PU_STUB_LOG"] = str(log)
    return env
