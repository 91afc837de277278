"""``make bring-over FROM=<Terraform checkout>``: put the operator's content in place.

Large operator content (plugin sources, policy expressions, dashboards, node scripts) is
a placeholder in this repository; a real ``pulumi up`` refuses to deploy a placeholder
(components/payload.py). This copies every file listed in ``bring_over.toml`` from the
operator's own Terraform checkout into place. The repository itself never contains it.

Safe by construction: every source is read and checked first (present, not git-crypt
encrypted, a heredoc that interpolates nothing but its `keep` list, a `yamlencode` of a
literal HCL value); a destination holding real
content that differs is never overwritten without ``--force``. If anything is wrong,
nothing is written.

Exit status: 0 done (or nothing to do), 1 refused because real content would be
overwritten (``--force`` to overwrite), 2 a source is missing, encrypted or unreadable.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from components.payload import is_placeholder
from components.tf_encoding import yamlencode
from tools.import_plan.hcl_literal import HclLiteralError, line_of, parse_value, skip_blank

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST = Path(__file__).with_name("bring_over.toml")
GIT_CRYPT_HEADER = b"\x00GITCRYPT\x00"
EXIT_OK, EXIT_CONFLICT, EXIT_ERROR = 0, 1, 2


class BringOverError(Exception):
    """A source cannot be brought over; the message names the manifest entry."""


VARIABLE = "variable"


@dataclass(frozen=True)
class Heredoc:
    resource: str  # Terraform resource type, e.g. authentik_policy_expression; or `variable`
    name: str  # value of the block's `name` attribute (a variable: its label)
    attribute: str  # the heredoc attribute, e.g. expression
    # Terraform expressions the body may interpolate, each written out as the given token
    # (the stack substitutes the token when it renders the payload), e.g.
    # {"var.name" = "@USER_NAME@"}. Any other interpolation is refused.
    keep: dict = field(default_factory=dict)
    # Which heredoc of that attribute, counting from 0, when the block has several (the
    # `command` of each container of one Deployment).
    occurrence: int = 0


@dataclass(frozen=True)
class YamlEncode:
    resource: str  # Terraform resource type, e.g. kubernetes_config_map
    name: str  # value of the block's `name` attribute
    key: str  # the `data` key whose value is `yamlencode(<literal HCL value>)`, e.g. rules.yaml


@dataclass(frozen=True)
class Entry:
    dest: str
    source: str
    reason: str
    heredoc: Heredoc | None = None
    yamlencode: YamlEncode | None = None

    def upstream_cell(self) -> str:
        cell = f"`{self.source}`"
        if self.heredoc:
            cell += f" (heredoc of `{self.heredoc.resource}` `{self.heredoc.name}`)"
        if self.yamlencode:
            spec = self.yamlencode
            cell += f" (yamlencode of `{spec.resource}` `{spec.name}` key `{spec.key}`)"
        return cell


def load_manifest(path: Path = MANIFEST) -> list[Entry]:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = []
    for i, raw in enumerate(doc.get("file") or []):
        missing = [k for k in ("dest", "source", "reason") if not isinstance(raw.get(k), str) or not raw[k]]
        if missing:
            raise BringOverError(f"{path}: file[{i}] lacks {', '.join(missing)}")
        heredoc, encoded = raw.get("heredoc"), raw.get("yamlencode")
        if heredoc and encoded:
            raise BringOverError(f"{path}: file[{i}] gives both heredoc and yamlencode")
        if encoded and (set(encoded) != {"resource", "name", "key"}
                        or not all(isinstance(v, str) and v for v in encoded.values())):
            raise BringOverError(f"{path}: file[{i}] yamlencode needs exactly resource, name and key (strings)")
        entries.append(Entry(raw["dest"], raw["source"], raw["reason"], Heredoc(**heredoc) if heredoc else None,
                             YamlEncode(**encoded) if encoded else None))
    dests = [e.dest for e in entries]
    duplicates = sorted({d for d in dests if dests.count(d) > 1})
    if duplicates:
        raise BringOverError(f"{path}: destination listed twice: {', '.join(duplicates)}")
    return entries


def render_table(entries: list[Entry]) -> str:
    """The table of docs/migration.md, "Bring over from the Terraform repo"."""
    lines = ["| file | upstream path | reason |", "|---|---|---|"]
    lines += [f"| `{e.dest}` | {e.upstream_cell()} | {e.reason} |" for e in entries]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- reading sources


def _heredoc_body(text: str, spec: Heredoc, where: str) -> str:
    """The heredoc of ``spec.attribute`` in the ``spec.resource`` block named ``spec.name``.

    Handles ``<<EOT`` and ``<<-EOT`` (common indentation removed, as Terraform does),
    ``trimspace(...)`` around it, and the ``$${`` / ``%%{`` escapes. A body that
    interpolates Terraform values cannot be reproduced offline and is refused."""
    blocks = re.split(r'(?m)^(?=(?:resource|variable)\s+")', text)
    if spec.resource == VARIABLE:
        # `variable "<name>" { default = <<EOT ... }`: the block's label is the name.
        header = re.compile(rf'variable\s+"{re.escape(spec.name)}"\s*\{{')
        found = [b for b in blocks if header.match(b)]
    else:
        header = re.compile(rf'resource\s+"{re.escape(spec.resource)}"\s+"[^"]+"\s*\{{')
        name_line = re.compile(rf'(?m)^\s*name\s*=\s*"{re.escape(spec.name)}"\s*$')
        found = [b for b in blocks if header.match(b) and name_line.search(b)]
    if len(found) != 1:
        raise BringOverError(
            f"{where}: expected one `{spec.resource}` with name = \"{spec.name}\", found {len(found)}")
    # `attr = <<-EOT`, `attr = trimspace(<<-EOT` or, as the last (or only) element of a list
    # on one line or several, `command = ["/bin/bash", "-c", <<-EOT`.
    opener = re.compile(rf'(?m)^\s*{re.escape(spec.attribute)}\s*=\s*(?:\[(?:[^\[\]<]*,)?\s*)?(trimspace\()?\s*<<(-?)([A-Za-z_]+)\s*$')
    heads = list(opener.finditer(found[0]))
    if len(heads) <= spec.occurrence:
        raise BringOverError(f"{where}: `{spec.name}` has no heredoc `{spec.attribute}`"
                             + (f" number {spec.occurrence}" if spec.occurrence else ""))
    head = heads[spec.occurrence]
    trim, indented, marker = head.group(1), head.group(2), head.group(3)
    rest = found[0][head.end() + 1:]
    end = re.search(rf"(?m)^\s*{marker}\s*\)?\s*$", rest)
    if end is None:
        raise BringOverError(f"{where}: heredoc {marker} of `{spec.name}` is not terminated")
    lines = rest[: end.start()].split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if indented:
        widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(widths, default=0)
        lines = [line[cut:] for line in lines]
    body = "\n".join(lines) + "\n"
    for expression, token in spec.keep.items():
        body = re.sub(rf"(?<!\$)\$\{{{re.escape(expression)}\}}", lambda _m, t=token: t, body)
    if re.search(r"(?<!\$)\$\{|(?<!%)%\{", body):
        raise BringOverError(
            f"{where}: `{spec.name}` interpolates Terraform values (`${{...}}`); bring it over by hand")
    body = body.replace("$${", "${").replace("%%{", "%{")
    return body.strip() + "\n" if trim else body


def _yamlencode_value(text: str, spec: YamlEncode, where: str) -> str:
    """``yamlencode`` of the literal value at ``"<key>" = yamlencode(...)`` in the named block.

    The value is read by the strict literal reader (objects, lists, strings, heredocs,
    numbers, bools, null) and rendered with Terraform's byte layout; anything that needs
    Terraform to evaluate (a reference, a function call, an interpolation) is refused."""
    starts = [m.start() for m in re.finditer(r'(?m)^(?:resource|variable)\s+"', text)] + [len(text)]
    header = re.compile(rf'resource\s+"{re.escape(spec.resource)}"\s+"[^"]+"\s*\{{')
    name_line = re.compile(rf'(?m)^\s*name\s*=\s*"{re.escape(spec.name)}"\s*$')
    found = [(a, b) for a, b in zip(starts, starts[1:]) if header.match(text, a) and name_line.search(text, a, b)]
    if len(found) != 1:
        raise BringOverError(
            f"{where}: expected one `{spec.resource}` with name = \"{spec.name}\", found {len(found)}")
    block_start, block_end = found[0]
    block = f"`{spec.resource}` `{spec.name}`"
    key = re.escape(spec.key)
    opener = re.compile(rf'(?m)^\s*(?:"{key}"|{key})\s*[=:]\s*yamlencode\(')
    heads = list(opener.finditer(text, block_start, block_end))
    if len(heads) != 1:
        raise BringOverError(f"{where}: {block} has {len(heads)} `{spec.key} = yamlencode(...)`, expected one")
    try:
        value, end = parse_value(text, heads[0].end())
        close = skip_blank(text, end)
        if not text.startswith(")", close):
            raise HclLiteralError("`yamlencode(` takes one literal value, then `)`", line_of(text, close))
    except HclLiteralError as exc:
        raise BringOverError(f"{where}: {block} `{spec.key}`, line {exc.line}: {exc.reason}") from None
    try:
        return yamlencode(value)
    except ValueError as exc:
        raise BringOverError(f"{where}: {block} `{spec.key}`: {exc}") from None


def read_source(checkout: Path, entry: Entry) -> bytes:
    path = checkout / entry.source
    where = f"{entry.dest}: {path}"
    if not path.is_file():
        raise BringOverError(f"{where}: not found in the Terraform checkout")
    data = path.read_bytes()
    if data.startswith(GIT_CRYPT_HEADER):
        raise BringOverError(f"{where}: encrypted by git-crypt; run `git-crypt unlock` in the checkout first")
    if entry.heredoc is None and entry.yamlencode is None:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BringOverError(f"{where}: not UTF-8 text") from None
    if entry.yamlencode is not None:
        return _yamlencode_value(text, entry.yamlencode, where).encode("utf-8")
    return _heredoc_body(text, entry.heredoc, where).encode("utf-8")


# ---------------------------------------------------------------- planning and copying


@dataclass(frozen=True)
class Step:
    entry: Entry
    content: bytes
    action: str  # "copy" | "unchanged" | "conflict" | "overwrite"


def plan(checkout: Path, root: Path, entries: list[Entry], force: bool) -> list[Step]:
    if not checkout.is_dir():
        raise BringOverError(f"FROM={checkout}: not a directory (the operator's Terraform checkout)")
    errors: list[str] = []
    steps: list[Step] = []
    for entry in entries:
        try:
            content = read_source(checkout, entry)
        except BringOverError as exc:
            errors.append(str(exc))
            continue
        if content.lstrip().startswith(b"PLACEHOLDER"):
            errors.append(f"{entry.dest}: the source {entry.source} is itself a placeholder")
            continue
        steps.append(Step(entry, content, _action(root / entry.dest, content, force)))
    if errors:
        raise BringOverError("\n".join(errors))
    return steps


def _action(dest: Path, content: bytes, force: bool) -> str:
    if not dest.exists():
        return "copy"
    current = dest.read_bytes()
    if current == content:
        return "unchanged"
    if is_placeholder(current.decode("utf-8", errors="replace")):
        return "copy"
    return "overwrite" if force else "conflict"


def apply(steps: list[Step], root: Path) -> None:
    for step in steps:
        if step.action in ("copy", "overwrite"):
            dest = root / step.entry.dest
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(step.content)


def main(argv: Sequence[str] | None = None, root: Path = REPO_ROOT) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.import_plan.bring_over",
        description="Copy the operator's content (placeholders here) from the Terraform checkout.")
    parser.add_argument("--from", dest="checkout", default="", help="the operator's Terraform checkout")
    parser.add_argument("--force", action="store_true", help="overwrite real content that differs")
    parser.add_argument("--table", action="store_true", help="print the docs/migration.md table and exit")
    args = parser.parse_args(argv)
    try:
        entries = load_manifest()
        if args.table:
            sys.stdout.write(render_table(entries))
            return EXIT_OK
        if not args.checkout.strip():  # `make bring-over` without FROM passes ""
            raise BringOverError("FROM is required: make bring-over FROM=<path of the Terraform checkout>")
        steps = plan(Path(args.checkout).expanduser(), root, entries, args.force)
    except BringOverError as exc:
        print(f"bring-over: {exc}\nnothing written", file=sys.stderr)
        return EXIT_ERROR
    conflicts = [s for s in steps if s.action == "conflict"]
    if conflicts:
        for step in conflicts:
            print(f"bring-over: {step.entry.dest} holds real content that differs from {step.entry.source}; "
                  "pass --force to overwrite it", file=sys.stderr)
        print("bring-over: nothing written", file=sys.stderr)
        return EXIT_CONFLICT
    apply(steps, root)
    for step in steps:
        verb = {"copy": "copied", "overwrite": "overwrote", "unchanged": "unchanged"}[step.action]
        print(f"{verb:10} {step.entry.dest}  <- {step.entry.source}")
    changed = sum(1 for s in steps if s.action != "unchanged")
    print(f"bring-over: {changed} written, {len(steps) - changed} already up to date")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
