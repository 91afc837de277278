"""The real pulumi CLI's command-line contract at the pinned version, as data.

`pulumi_cli_flags.json` (next to this file) lists, for every subcommand our tooling or the
pipelines run, the flags the CLI accepts, extracted from the CLI's Go source at the tag
recorded in the file. Flags registered only when `PULUMI_DEBUG_COMMANDS` is true (e.g.
`--event-log`) carry `"gate": "debug"`; remote-operation flags, registered only when
`PULUMI_EXPERIMENTAL` is true, carry `"gate": "experimental"`. The stub `pulumi` used by
the tests refuses any flag the table does not allow, exactly as cobra would.

Regenerate after bumping the pinned CLI (tools/ops/version.py, the pipeline images):

    python -m tools.ops.cli_contract --source <pulumi/pulumi git dir> --tag v3.229.0 \
        > tools/ops/pulumi_cli_flags.json
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, Mapping

TABLE = Path(__file__).with_name("pulumi_cli_flags.json")

# subcommand -> the Go files (under pkg/cmd/pulumi/) that register its flags, parent first:
# cobra hands a parent's persistent flags down to its children, never its local ones.
COMMAND_FILES: dict[str, tuple[str, ...]] = {
    "version": ("version/version.go",),
    "preview": ("operations/preview.go",),
    "up": ("operations/up.go",),
    "refresh": ("operations/refresh.go",),
    "destroy": ("operations/destroy.go",),
    "import": ("operations/import.go",),
    "cancel": ("cancel/cancel.go",),
    "stack ls": ("stack/stack.go", "stack/stack_ls.go"),
    "stack init": ("stack/stack.go", "stack/stack_init.go"),
    "stack select": ("stack/stack.go", "stack/stack_select.go"),
    "stack change-secrets-provider": ("stack/stack.go", "stack/stack_change_secrets_provider.go"),
}
ROOT_FILE = "pulumi.go"
REMOTE_FILE = "deployment/remote.go"

_FLAG_CALL = re.compile(
    r'cmd\.(?P<scope>PersistentFlags|Flags)\(\)\.(?P<method>\w+)\(\s*'
    r'(?:&[\w.\[\]]+\s*,\s*)?"(?P<name>[\w-]+)"(?:\s*,\s*"(?P<short>\w?)")?')
_NO_OPT = re.compile(r'(?:Lookup|Flag)\("(?P<name>[\w-]+)"\)\.NoOptDefVal\s*=')
_DEBUG_IF = re.compile(r'\bif env\.DebugCommands\.Value\(\) \{')


def _block_spans(text: str, opener: re.Pattern[str]) -> list[tuple[int, int]]:
    """Character spans of `if ... {` blocks (brace matched) opened by `opener`."""
    spans = []
    for m in opener.finditer(text):
        depth, i = 0, m.end() - 1
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        spans.append((m.start(), i))
    return spans


def _func_body(text: str, signature: str) -> str:
    start = text.index(signature)
    return text[start:text.index("\n}\n", start) + 2]


def parse_flags(text: str, gate: str | None = None) -> list[dict]:
    """Flags registered by `cmd.Flags()` / `cmd.PersistentFlags()` calls in Go source."""
    debug_spans = _block_spans(text, _DEBUG_IF)
    no_opt = {m.group("name") for m in _NO_OPT.finditer(text)}
    flags = []
    for m in _FLAG_CALL.finditer(text):
        method = m.group("method")
        if method.startswith(("Mark", "Lookup", "Visit", "Set")):
            continue
        kind = re.sub(r"(Var)?P?$", "", method).lower()
        inside_debug = any(a <= m.start() <= b for a, b in debug_spans)
        flags.append({
            "name": m.group("name"),
            "short": (m.group("short") or "") if method.endswith("P") else "",
            "type": kind,
            "persistent": m.group("scope") == "PersistentFlags",
            "takes_value": kind != "bool" and m.group("name") not in no_opt,
            "gate": "debug" if inside_debug else gate,
        })
    return flags


def extract(read: Callable[[str], str], tag: str) -> dict:
    """Build the table; `read(rel)` returns pkg/cmd/pulumi/<rel> at `tag`."""
    remote = parse_flags(_func_body(read(REMOTE_FILE), "func (r *RemoteArgs) ApplyFlags("), gate="experimental")
    commands: dict[str, list[dict]] = {}
    for command, files in COMMAND_FILES.items():
        merged: dict[str, dict] = {}
        for i, rel in enumerate(files):
            text = read(rel)
            own = i == len(files) - 1
            found = parse_flags(text)
            if own and "remoteArgs.ApplyFlags(cmd)" in text:
                found += remote
            for flag in found:
                if own or flag["persistent"]:
                    merged.setdefault(flag["name"], flag)
        commands[command] = sorted(merged.values(), key=lambda f: f["name"])
    root = [f for f in parse_flags(read(ROOT_FILE)) if f["persistent"]]
    return {
        "cli_version": tag.lstrip("v"),
        "source": f"pulumi/pulumi {tag}, pkg/cmd/pulumi (extracted by tools/ops/cli_contract.py)",
        "global": sorted(root, key=lambda f: f["name"]),
        "commands": commands,
    }


def load(path: Path = TABLE) -> dict:
    return json.loads(path.read_text())


def gates_open(env: Mapping[str, str]) -> set[str]:
    """Which gated flag sets the CLI registers under this environment (env.Bool semantics)."""
    def on(name: str) -> bool:
        return env.get(name, "").strip().lower() in ("1", "true")
    return {g for g, var in (("debug", "PULUMI_DEBUG_COMMANDS"), ("experimental", "PULUMI_EXPERIMENTAL"))
            if on(var)}


def accepted_flags(table: dict, command: str, env: Mapping[str, str]) -> dict[str, dict]:
    """`--name`/`-s` -> flag spec for `command` under `env`; KeyError for an unknown command."""
    opened = gates_open(env)
    out: dict[str, dict] = {}
    for flag in [*table["global"], *table["commands"][command]]:
        if flag["gate"] is None or flag["gate"] in opened:
            out["--" + flag["name"]] = flag
            if flag["short"]:
                out["-" + flag["short"]] = flag
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ops.cli_contract")
    parser.add_argument("--source", required=True, help="git dir of pulumi/pulumi")
    parser.add_argument("--tag", required=True)
    args = parser.parse_args(argv)

    def read(rel: str) -> str:
        return subprocess.run(["git", "-C", args.source, "show", f"{args.tag}:pkg/cmd/pulumi/{rel}"],
                              check=True, capture_output=True, text=True).stdout

    json.dump(extract(read, args.tag), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
