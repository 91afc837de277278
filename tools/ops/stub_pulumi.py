"""A stand-in `pulumi` executable for hermetic tests and the drift bench.

It records every call (argv, stack, selected env, start/end time) as one JSON line and
answers from a scenario file keyed by command (`version`, `stack ls`, `preview`, ...),
optionally per stack (`preview:dashy`). A response may be a list: successive calls take
successive entries (the last one repeats). Responses carry `stdout`, `stderr`, `exit`,
`sleep` and `events` (engine events written to the `--event-log` path if one is given).
Production code never uses this; it only sits on PATH in tests.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "version": {"stdout": "v3.229.0\n"},
    "stack ls": {"stdout": json.dumps([{"name": "prod", "current": True, "lastUpdate": "2026-01-10T03:12:44.000Z",
                                        "updateInProgress": False, "resourceCount": 12,
                                        "url": "s3://homelab-pulumi-state/.pulumi/stacks/x/prod.json"}])},
}

_SCRIPT = r'''#!{python} -S
import fcntl, json, os, sys, time
t0 = time.time()
args = sys.argv[1:]
cwd = args[args.index("--cwd") + 1] if "--cwd" in args else os.getcwd()
stack = os.path.basename(cwd.rstrip("/"))
key = " ".join(args[:2]) if args[:1] == ["stack"] else (args[0] if args else "")
scenario_path = os.environ["PU_STUB_SCENARIO"]
with open(scenario_path) as fh:
    scenario = json.load(fh)
defaults = {defaults}
resp = scenario.get(key + ":" + stack, scenario.get(key, defaults.get(key, {{}})))
if isinstance(resp, list):
    counter = scenario_path + ".count"
    with open(counter, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        counts = json.loads(fh.read() or "{{}}")
        n = counts.get(key + ":" + stack, 0)
        counts[key + ":" + stack] = n + 1
        fh.seek(0); fh.truncate(); fh.write(json.dumps(counts))
    resp = resp[min(n, len(resp) - 1)]
if "--event-log" in args and resp.get("events"):
    with open(args[args.index("--event-log") + 1], "w") as fh:
        for ev in resp["events"]:
            fh.write(json.dumps(ev) + "\n")
time.sleep(resp.get("sleep", 0))
sys.stdout.write(resp.get("stdout", ""))
sys.stderr.write(resp.get("stderr", ""))
record = {{"argv": args, "stack": stack, "key": key, "t0": t0, "t1": time.time(),
          "backend": os.environ.get("PULUMI_BACKEND_URL"),
          "vault_token": bool(os.environ.get("VAULT_SERVER_TOKEN")),
          "passphrase": "PULUMI_CONFIG_PASSPHRASE" in os.environ or "PULUMI_CONFIG_PASSPHRASE_FILE" in os.environ}}
fd = os.open(os.environ["PU_STUB_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
os.write(fd, (json.dumps(record) + "\n").encode())
os.close(fd)
sys.exit(resp.get("exit", 0))
'''


def install(bin_dir: Path) -> Path:
    """Write the stub as `bin_dir/pulumi` and return its path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / "pulumi"
    path.write_text(_SCRIPT.format(python=sys.executable, defaults=repr(DEFAULTS)))
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
