"""Offline policy check of the synthesized fleet.

    python -m tools.policy_check [--stacks a b] [--synth-dir build/synth] [--config cfg.json]

Starts the CrossGuard pack exactly as the CLI's analyzer host does, feeds every synthesized
resource of each stack through Analyze and then the whole stack through AnalyzeStack,
prints violations per stack and a total line. Exit status: 0 clean (advisory findings
allowed), 1 mandatory violations, 2 usage / pack errors. A stack without synth output is
reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

from tools.policy_check.analyzer import REPO, AnalyzerError
from tools.policy_check.cached import CachedPack

GROUP_TYPE = "authentik:index/group:Group"
GROUPS_POLICY = "ingress-allowed-groups"
SECRETS_POLICY = "no-plaintext-secrets"


def load_stack(synth_dir: Path, stack: str):
    path = synth_dir / stack / "resources.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return data.get("resources") or []


def fleet_groups(stacks: dict) -> list:
    """Names of Authentik groups created anywhere in the synthesized fleet."""
    names = set()
    for resources in stacks.values():
        for r in resources or []:
            if r.get("type") == GROUP_TYPE:
                name = (r.get("inputs") or {}).get("name")
                if isinstance(name, str) and name not in ("[unknown]", "[secret]"):
                    names.add(name)
    return sorted(names)


def build_config(user: dict, groups: list) -> dict:
    """User config plus the fleet's Authentik groups for the allowed-groups check."""
    from policies import pack_config

    cfg = json.loads(json.dumps(user))
    entry = cfg.get(GROUPS_POLICY)
    if isinstance(entry, str):
        entry = {"enforcementLevel": entry}
    entry = dict(entry or {})
    base = entry.get("knownGroups", pack_config.defaults().get("knownGroups") or [])
    entry["knownGroups"] = sorted(set(base) | set(groups))
    cfg[GROUPS_POLICY] = entry
    return cfg


def stack_config_findings(stack: str, user_cfg: dict) -> list:
    """no-plaintext-secrets over stacks/<stack>/Pulumi.prod.yaml (not visible to analyzers)."""
    from policies import pack_config, secret_material

    path = REPO / "stacks" / stack / "Pulumi.prod.yaml"
    if not path.is_file():
        return []
    try:
        config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    except yaml.YAMLError:
        return []
    raw = user_cfg.get(SECRETS_POLICY)
    raw = raw if isinstance(raw, dict) else {}
    cfg = pack_config.resolve(SECRETS_POLICY, raw)
    return [{"policy": SECRETS_POLICY, "message": f"{f.message}\nFix: {f.fix}", "urn": str(path.relative_to(REPO)),
             "config_file": True} for f in secret_material.check_stack_config(config, cfg)]


def is_note(d: dict) -> bool:
    return "during preview" in d["message"] and d["message"].startswith("can't run policy")


def summarize(d: dict) -> str:
    lines = d["message"].splitlines()
    if is_note(d):
        return lines[0]
    body = lines[1:] if lines and lines[0] == d.get("description") else lines
    return "\n      ".join(x for x in body if not x.startswith("Exception:"))


EXAMPLES = 3


def grouped(report: dict) -> list:
    """One line per (level, policy): count and the first stack/resource examples; under a
    mandatory policy also its first message, so the line says what to fix."""
    groups: dict = {}
    for stack, entry in report.items():
        for d in entry["findings"]:
            tag = "note" if is_note(d) else d["level"].upper()
            groups.setdefault((tag, d["policy"]), []).append((stack, d))
    order = {"MANDATORY": 0, "ADVISORY": 1, "REMEDIATE": 2, "note": 3}
    lines = []
    for (tag, policy), items in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1])):
        examples = ", ".join(f"{s}/{d['where']}" for s, d in items[:EXAMPLES])
        more = f" (+{len(items) - EXAMPLES} more, -v lists all)" if len(items) > EXAMPLES else ""
        lines.append(f"[{tag}] {policy}: {len(items)} - {examples}{more}")
        if tag == "MANDATORY":
            first = summarize(items[0][1]).splitlines()[0]
            lines.append(f"      {first[:200]}")
    return lines


def exceptions_line() -> str:
    """The reviewed debt: exceptions on file and the register entries they name."""
    from policies import pack_config

    entries = pack_config.file_exceptions()
    live = [e for e in entries if not pack_config.expired(e)]
    registers = {e.get("register") for e in live if e.get("register")}
    return (f"policy-check: {len(live)} reviewed exceptions applied ({len(registers)} register entries in "
            f"docs/security.md" + (f"; {len(entries) - len(live)} expired, no longer applied" if len(entries) > len(live) else "")
            + ")")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.policy_check", description=__doc__.splitlines()[0])
    ap.add_argument("--stacks", nargs="*", help="stack names (default: every stack with synth output)")
    ap.add_argument("--synth-dir", default="build/synth", help="synth output directory (default build/synth)")
    ap.add_argument("--config", help="policy pack config JSON, as for pulumi --policy-pack-config")
    ap.add_argument("--json", dest="json_out", help="also write all findings to this JSON file")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list every finding per stack (default: one line per policy with its count)")
    ap.add_argument("-q", "--quiet", action="store_true", help="with -v: only print stacks with findings")
    ap.add_argument("--no-cache", action="store_true",
                    help="analyse every stack, even those whose verdict is stored (tools/policy_check/cached.py)")
    args = ap.parse_args(argv)

    synth_dir = Path(args.synth_dir)
    if not synth_dir.is_absolute():
        synth_dir = (Path.cwd() / synth_dir)
    if args.stacks:
        names = list(dict.fromkeys(args.stacks))
    elif synth_dir.is_dir():
        names = sorted(p.name for p in synth_dir.iterdir() if (p / "resources.json").is_file())
    else:
        names = []
    user_cfg = json.loads(Path(args.config).read_text()) if args.config else {}

    stacks = {n: load_stack(synth_dir, n) for n in names}
    present = {n: r for n, r in stacks.items() if r is not None}
    skipped = [n for n, r in stacks.items() if r is None]
    for n in skipped:
        print(f"== {n}: skipped (no {synth_dir / n / 'resources.json'})")
    if not present:
        print(f"policy-check: 0 stacks checked, {len(skipped)} skipped, 0 mandatory, 0 advisory")
        return 0

    totals = {"mandatory": 0, "advisory": 0, "notes": 0}
    report = {}
    t_start = time.monotonic()
    try:
        cache = None if args.no_cache else synth_dir / ".cache" / "policy.json"
        with CachedPack(build_config(user_cfg, fleet_groups(present)), cache) as pack:
            levels = pack.levels
            t_ready = time.monotonic()
            for name, resources in present.items():
                t0 = time.monotonic()
                found = pack.findings(name, synth_dir / name / "resources.json", resources)
                for d in stack_config_findings(name, user_cfg):
                    d["level"] = levels.get(SECRETS_POLICY, "advisory")
                    if d["level"] != "disabled":
                        found.append(d)
                elapsed = time.monotonic() - t0
                by_urn = {r.get("urn"): r for r in resources}
                counts = {"mandatory": 0, "advisory": 0, "notes": 0}
                for d in found:
                    key = "notes" if is_note(d) else ("mandatory" if d["level"] == "mandatory" else "advisory")
                    counts[key] += 1
                    totals[key] += 1
                report[name] = {"findings": found, "seconds": round(elapsed, 4), "resources": len(resources)}
                for d in found:
                    res = by_urn.get(d.get("urn")) if d.get("urn") else None
                    d["where"] = res.get("name") if res else (d.get("urn") or "")
                if not args.verbose or args.quiet and not (counts["mandatory"] or counts["advisory"]):
                    continue
                print(f"== {name}: {len(resources)} resources, {counts['mandatory']} mandatory, "
                      f"{counts['advisory']} advisory, {counts['notes']} preview notes ({elapsed:.2f}s)")
                for d in found:
                    tag = "note" if is_note(d) else d["level"].upper()
                    print(f"  [{tag}] {d['policy']} {d['where']}: {summarize(d)}".rstrip())
    except AnalyzerError as e:
        print(f"policy-check: cannot run the policy pack: {e}", file=sys.stderr)
        return 2
    total_time = time.monotonic() - t_start
    if not args.verbose:
        for line in grouped(report):
            print(line)
    print(exceptions_line())
    print(f"policy-check: {len(present)} stacks checked, {len(skipped)} skipped, "
          f"{totals['mandatory']} mandatory, {totals['advisory']} advisory, {totals['notes']} preview notes "
          f"({total_time:.1f}s, pack start {t_ready - t_start:.1f}s)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"stacks": report, "skipped": skipped, "totals": totals},
                                                  indent=1))
    return 1 if totals["mandatory"] else 0


if __name__ == "__main__":
    sys.exit(main())
