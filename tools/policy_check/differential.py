"""Differential check: the pack vs checkov's Kubernetes framework on the overlapping rules.

    python -m tools.policy_check.differential <manifests dir> [<dir> ...]

Runs ``checkov --framework kubernetes -d <dir> -o json`` (offline, from the separate
``.venv-checkov``; created on demand with a pinned version) and the pack, through the
analyzer protocol, over the same manifests, then compares per object and rule. Known,
intentional differences are explained (see docs/policies.md); anything else is a
disagreement and exits 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import yaml

from components.constants import IMAGE_POLICY_ANNOTATION, IMAGE_POLICY_KEEL
from tools.policy_check.analyzer import REPO, PackProcess, diagnostics

CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = REPO / ".venv-checkov"

# pack policy -> checkov checks that flag the same condition
MAPPING = {
    "deny-privileged-containers": ("CKV_K8S_16",),
    "deny-host-namespaces": ("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"),
    "restrict-sys-admin": ("CKV_K8S_39",),
    "image-pinned": ("CKV_K8S_14",),
    "resource-requests-set": ("CKV_K8S_10", "CKV_K8S_12"),
}
# pack policy -> checkov check with the opposite intent (checkov wants what the cluster strips)
INVERSE = {"no-cpu-limits": "CKV_K8S_11"}
SECURITY = ("deny-privileged-containers", "deny-host-namespaces", "restrict-sys-admin")


def checkov_bin() -> Path:
    return CHECKOV_VENV / "bin" / "checkov"


def ensure_checkov(create: bool = True, timeout: int = 900) -> Optional[Path]:
    """Path of a pinned checkov in .venv-checkov, creating the venv if asked; None if unavailable."""
    exe = checkov_bin()
    if exe.exists():
        return exe
    if not create:
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True, timeout=120,
                       capture_output=True)
        subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "-q", f"checkov=={CHECKOV_VERSION}"],
                       check=True, timeout=timeout, capture_output=True)
    except (subprocess.SubprocessError, OSError):
        return None
    return exe if exe.exists() else None


def load_manifests(directory: Path) -> list:
    objs = []
    for path in sorted(Path(directory).glob("*.y*ml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind"):
                objs.append(doc)
    return objs


def object_key(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    return f"{obj['kind']}.{meta.get('namespace') or 'default'}.{meta.get('name')}"


def manifest_to_resource(obj: dict) -> dict:
    gv = obj.get("apiVersion", "v1")
    token = f"kubernetes:{gv if '/' in gv else 'core/' + gv}:{obj['kind']}"
    name = (obj.get("metadata") or {}).get("name", "")
    return {"urn": f"urn:pulumi:prod::manifests::{token}::{name}", "type": token, "name": name,
            "parent": None, "custom": True, "inputs": obj, "options": {}}


def run_checkov(exe: Path, directory: Path) -> dict:
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    out = subprocess.run([str(exe), "--framework", "kubernetes", "-d", str(directory), "-o", "json", "--quiet",
                          "--skip-download"], capture_output=True, text=True, timeout=600, env=env)
    if not out.stdout.strip():
        raise RuntimeError(f"checkov produced no output (rc={out.returncode}): {out.stderr[-2000:]}")
    data = json.loads(out.stdout)
    reports = data if isinstance(data, list) else [data]
    failed: dict = {}
    for rep in reports:
        if not isinstance(rep, dict) or rep.get("check_type") not in (None, "kubernetes"):
            continue
        for c in (rep.get("results") or {}).get("failed_checks") or []:
            failed.setdefault(c["resource"], set()).add(c["check_id"])
    return failed


def run_pack(objs: list) -> dict:
    flagged: dict = {}
    with PackProcess() as pack:
        pack.configure({})
        for obj in objs:
            for d in diagnostics(pack.analyze(manifest_to_resource(obj))):
                if not d["message"].startswith("can't run policy"):
                    flagged.setdefault(object_key(obj), set()).add(d["policy"])
    return flagged


def explain(policy: str, obj: dict, pack_flag: bool, checkov_flag: bool) -> Optional[str]:
    """Reason for a documented difference, or None if the disagreement is unexplained."""
    from policies import pack_config
    ns = (obj.get("metadata") or {}).get("namespace")
    if policy in SECURITY and checkov_flag and not pack_flag and \
            ns in pack_config.defaults()["excludedNamespaces"]:
        return "excluded-namespace"
    ann = (obj.get("metadata") or {}).get("annotations") or {}
    if policy == "image-pinned" and checkov_flag and not pack_flag and \
            ann.get(IMAGE_POLICY_ANNOTATION) == IMAGE_POLICY_KEEL:
        return "keel-managed-tag"
    return None


def compare(objs: list, pack: dict, checkov: dict) -> list:
    rows = []
    for obj in objs:
        key = object_key(obj)
        if obj["kind"] not in ("Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"):
            continue
        for policy, checks in MAPPING.items():
            p = policy in pack.get(key, set())
            c = bool(set(checks) & checkov.get(key, set()))
            rows.append({"object": key, "policy": policy, "pack": p, "checkov": c, "agree": p == c,
                         "difference": None if p == c else explain(policy, obj, p, c)})
        for policy, check in INVERSE.items():
            p = policy in pack.get(key, set())
            c = check in checkov.get(key, set())
            rows.append({"object": key, "policy": policy, "pack": p, "checkov": c, "agree": p != c,
                         "difference": None, "inverse": True})
    return rows


def differential(directories: list, exe: Path) -> list:
    rows = []
    for d in directories:
        objs = load_manifests(Path(d))
        if not objs:
            continue
        rows += compare(objs, run_pack(objs), run_checkov(exe, Path(d)))
    return rows


def summary(rows: list) -> dict:
    per = {}
    for r in rows:
        s = per.setdefault(r["policy"], {"compared": 0, "agree": 0, "explained": 0, "unexplained": 0})
        s["compared"] += 1
        if r["agree"]:
            s["agree"] += 1
        elif r["difference"]:
            s["explained"] += 1
        else:
            s["unexplained"] += 1
    return per


def main(argv=None) -> int:
    dirs = list(argv if argv is not None else sys.argv[1:])
    if not dirs:
        print("usage: python -m tools.policy_check.differential <manifests dir> [...]", file=sys.stderr)
        return 2
    exe = ensure_checkov(create=True)
    if exe is None:
        print(f"checkov=={CHECKOV_VERSION} is not available in {CHECKOV_VENV}", file=sys.stderr)
        return 2
    rows = differential(dirs, exe)
    for policy, s in summary(rows).items():
        print(f"{policy:28} compared {s['compared']:4}  agree {s['agree']:4}  "
              f"documented differences {s['explained']:3}  unexplained {s['unexplained']:3}")
    bad = [r for r in rows if not r["agree"] and not r["difference"]]
    for r in bad:
        print(f"  DISAGREE {r['policy']} {r['object']}: pack={r['pack']} checkov={r['checkov']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
