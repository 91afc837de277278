"""`make synth`: synthesize every stack (or STACKS="a b") offline and check the manifests.

Each stack's real program runs under Pulumi's mock runtime with its own Pulumi.prod.yaml
config, in a worker forked from a parent that has already imported the provider SDKs; a
worker runs stacks one after another so what one loaded stays warm for the next. Only the
stacks a change affects are synthesized again (tools/synth/cache.py; --no-cache redoes all).
Output layout: docs/architecture.md; costs and how they are measured: docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from components.payload import OFFLINE_SYNTH_ENV

REPO_ROOT = Path(__file__).resolve().parents[2]
STACK_NAME = "prod"
SECRET_PLACEHOLDER = "synth-placeholder-secret"


@dataclass
class StackReport:
    stack: str
    resources: int = 0
    manifests: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    schema_errors: list[str] = field(default_factory=list)
    not_validated: list[str] = field(default_factory=list)
    cached: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.schema_errors

    def as_dict(self) -> dict:
        return {"stack": self.stack, "resources": self.resources, "manifests": self.manifests,
                "errors": self.errors, "schema_errors": self.schema_errors, "not_validated": self.not_validated}

    @classmethod
    def from_cache(cls, data: dict) -> "StackReport":
        return cls(**data, cached=True)


def discover(stacks_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in stacks_dir.glob("*/Pulumi.yaml"))


def load_stack_config(stack_dir: Path, project: str) -> tuple[dict[str, str], list[str]]:
    """Config of the `prod` stack as the engine hands it to the program.

    Keys without a namespace belong to the project. `secure:` values cannot be decrypted
    offline: they become a placeholder marked secret, so programs still see a value.
    """
    path = stack_dir / f"Pulumi.{STACK_NAME}.yaml"
    if not path.is_file():
        return {}, []
    document = yaml.safe_load(path.read_text()) or {}
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in (document.get("config") or {}).items():
        full_key = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[full_key] = SECRET_PLACEHOLDER
            secret_keys.append(full_key)
        elif isinstance(value, str):
            config[full_key] = value
        else:
            config[full_key] = json.dumps(value)
    return config, secret_keys


def project_name(stack_dir: Path) -> str:
    document = yaml.safe_load((stack_dir / "Pulumi.yaml").read_text()) or {}
    name = document.get("name")
    if not name:
        raise ValueError(f"{stack_dir}/Pulumi.yaml has no project name")
    return str(name)


def stable_order(records: list[dict]) -> list[dict]:
    """Parents before children, otherwise by URN.

    The engine receives registrations concurrently (the SDK sends each RPC from a worker
    thread once its inputs resolve), so arrival order differs from run to run; a fixed
    order keeps the synth output diffable.
    """
    by_urn = {r["urn"]: r for r in records}

    def depth(record: dict) -> int:
        level, parent = 0, record.get("parent")
        while parent in by_urn:
            level, parent = level + 1, by_urn[parent].get("parent")
        return level

    ordered: list[dict] = []
    placed: set[str] = set()

    def place(record: dict) -> None:
        if record["urn"] in placed:
            return
        parent = record.get("parent")
        if parent in by_urn:
            place(by_urn[parent])
        placed.add(record["urn"])
        ordered.append(record)

    for record in sorted(records, key=lambda r: (depth(r), r["urn"])):
        place(record)
    return ordered


def manifest_filename(manifest: dict) -> str:
    meta = manifest.get("metadata") or {}
    namespace = meta.get("namespace") or "_cluster"
    name = meta.get("name") or "_unnamed"
    return f"{manifest.get('kind', 'Unknown')}_{namespace}_{name}.yaml".replace("/", "-")


def to_manifest(record: dict) -> dict | None:
    """The Kubernetes object behind a registration, or None for non-objects (Helm releases, providers)."""
    rtype = record["type"]
    if not record["custom"] or not rtype.startswith("kubernetes:") or rtype.startswith(("kubernetes:helm.sh/", "pulumi:providers:")):
        return None
    inputs = record["inputs"]
    if "apiVersion" not in inputs or "kind" not in inputs:
        return None
    head = {"apiVersion": inputs["apiVersion"], "kind": inputs["kind"], "metadata": inputs.get("metadata", {})}
    return {**head, **{k: v for k, v in inputs.items() if k not in head}}


def synth_stack(stack: str, stacks_dir: Path, out_dir: Path, validate: bool = True) -> StackReport:
    from tools.synth import schema
    from tools.synth.mockrt import run_program

    started = time.perf_counter()
    report = StackReport(stack=stack)
    stack_dir = stacks_dir / stack
    target = out_dir / stack
    shutil.rmtree(target, ignore_errors=True)
    (target / "manifests").mkdir(parents=True)
    try:
        project = project_name(stack_dir)
        config, secret_keys = load_stack_config(stack_dir, project)
    except Exception as exc:  # noqa: BLE001 - reported per stack
        report.errors.append(f"{stack}: cannot read project files: {exc}")
        report.seconds = time.perf_counter() - started
        return report
    result = run_program(stack_dir, project=project, stack=STACK_NAME, config=config, secret_keys=secret_keys)
    if result.error:
        report.errors.append(f"{stack}: program failed: {result.error}")
    records = stable_order([r.as_json() for r in result.registrations])
    report.resources = len(records)
    (target / "resources.json").write_text(json.dumps(
        {"stack": STACK_NAME, "project": project, "resources": records}, indent=1, sort_keys=False))
    seen: dict[str, str] = {}
    for record in records:
        manifest = to_manifest(record)
        if manifest is None:
            continue
        filename = manifest_filename(manifest)
        if filename in seen:
            report.errors.append(f"{stack}: {record['urn']} declares the same object as {seen[filename]} ({filename})")
            continue
        seen[filename] = record["urn"]
        (target / "manifests" / filename).write_text(yaml.safe_dump(manifest, sort_keys=False))
        report.manifests += 1
        if not validate:
            continue
        try:
            problems = schema.validate_manifest(manifest)
        except schema.NotValidated as exc:
            report.not_validated.append(f"{filename} ({exc})")
            continue
        report.schema_errors += [f"{stack}: {record['urn']}: {p}" for p in problems]
    report.seconds = time.perf_counter() - started
    return report


# Core kinds whose schema validators are compiled once in the parent.
_COMMON_KINDS = (
    ("v1", "Namespace"), ("v1", "Service"), ("v1", "ConfigMap"), ("v1", "Secret"),
    ("v1", "PersistentVolume"), ("v1", "PersistentVolumeClaim"), ("v1", "ServiceAccount"),
    ("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"),
    ("batch/v1", "CronJob"), ("batch/v1", "Job"), ("networking.k8s.io/v1", "Ingress"),
    ("policy/v1", "PodDisruptionBudget"), ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"), ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
)

# Components nearly every stack imports; cheap to import once in the parent.
_COMMON_COMPONENTS = (
    "components.constants", "components.settings", "components.namespace", "components.web_app",
    "components.ingress", "components.tls_secret", "components.workload", "components.external_secret",
    "components.nfs_volume", "components.secret_inputs", "components.payload", "components.proxmox_volume",
    "components.helm",
)


def _warm_up() -> None:
    """Pay the one-off costs shared by most stacks once, in the parent, before forking.

    Provider SDK imports (pulumi_cloudflare alone is ~1.7 s of CPU), the API-group modules
    pulumi_kubernetes loads lazily on first use of a class, the first construction of each
    common resource class (the SDK evaluates its input type hints then) and the schema
    validators. Workers inherit all of it through fork.
    """
    import importlib

    import pulumi_cloudflare
    import pulumi_kubernetes as k8s
    import pulumi_random
    import pulumi_vault  # noqa: F401

    from tools.synth import schema
    from tools.synth.mockrt import run_callable

    for module in _COMMON_COMPONENTS:
        importlib.import_module(module)
    for kind_api in _COMMON_KINDS:
        try:
            schema.validate_manifest({"apiVersion": kind_api[0], "kind": kind_api[1], "metadata": {"name": "warm"}})
        except schema.NotValidated:
            pass

    def program() -> None:
        meta = {"name": "warm", "namespace": "warm"}
        pod = {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
        selector = {"matchLabels": {"a": "b"}}
        k8s.core.v1.Namespace("warm-ns", metadata={"name": "warm"})
        k8s.core.v1.ConfigMap("warm-cm", metadata=meta, data={"a": "b"})
        k8s.core.v1.Secret("warm-secret", metadata=meta, string_data={"a": "b"})
        k8s.core.v1.Service("warm-svc", metadata=meta, spec={"ports": [{"port": 80}], "selector": {"a": "b"}})
        k8s.core.v1.ServiceAccount("warm-sa", metadata=meta)
        k8s.core.v1.PersistentVolume("warm-pv", metadata={"name": "warm"}, spec={"capacity": {"storage": "1Gi"}})
        k8s.core.v1.PersistentVolumeClaim("warm-pvc", metadata=meta, spec={"access_modes": ["ReadWriteOnce"]})
        k8s.apps.v1.Deployment("warm-deploy", metadata=meta, spec={"selector": selector, "template": pod})
        k8s.apps.v1.StatefulSet("warm-sts", metadata=meta, spec={"selector": selector, "template": pod})
        k8s.apps.v1.DaemonSet("warm-ds", metadata=meta, spec={"selector": selector, "template": pod})
        k8s.batch.v1.CronJob("warm-cron", metadata=meta, spec={"schedule": "* * * * *", "job_template": {
            "spec": {"template": pod}}})
        k8s.networking.v1.Ingress("warm-ingress", metadata=meta, spec={"rules": [{"host": "h"}]})
        k8s.policy.v1.PodDisruptionBudget("warm-pdb", metadata=meta, spec={"selector": selector})
        k8s.rbac.v1.Role("warm-role", metadata=meta, rules=[])
        k8s.rbac.v1.RoleBinding("warm-rb", metadata=meta, role_ref={"api_group": "a", "kind": "Role", "name": "r"})
        k8s.rbac.v1.ClusterRole("warm-cr", metadata={"name": "warm"}, rules=[])
        k8s.rbac.v1.ClusterRoleBinding("warm-crb", metadata={"name": "warm"},
                                       role_ref={"api_group": "a", "kind": "ClusterRole", "name": "r"})
        k8s.apiextensions.CustomResource("warm-custom", api_version="a/v1", kind="K", metadata=meta)
        k8s.helm.v3.Release("warm-helm", chart="c", namespace="warm")
        pulumi_random.RandomPassword("warm-password", length=8)
        pulumi_cloudflare.DnsRecord("warm-dns", zone_id="z", name="n", type="A", content="1.1.1.1", ttl=1)

    run_callable(program, project="warm-up")


def _forget_stack_modules(stack_dir: Path) -> None:
    """Drop modules a stack imported from its own directory (values.py, ...).

    A worker runs many stacks in turn; two stacks may each have a helper module of the same
    name, and the second must run its own file, not the first one's cached module.
    """
    root = str(stack_dir.resolve()) + os.sep
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if path.startswith(root):
            del sys.modules[name]


def _worker(job: tuple[str, str, str, bool]) -> StackReport:
    stack, stacks_dir, out_dir, validate = job
    try:
        return synth_stack(stack, Path(stacks_dir), Path(out_dir), validate)
    finally:
        _forget_stack_modules(Path(stacks_dir) / stack)
        _collect_now_and_then()


_COLLECT_EVERY = 10  # stacks; each leaves about 1.5 MB of cyclic garbage (event loop, outputs)
_since_collect = 0


def _collect_now_and_then() -> None:
    """Bound a long-lived worker's memory without paying a collection per stack.

    Collection is off in workers; every few stacks one full collection frees the cycles the
    last stacks left, and freezing the survivors (modules they imported) keeps the next one
    from rescanning them.
    """
    global _since_collect
    _since_collect += 1
    if _since_collect >= _COLLECT_EVERY:
        _since_collect = 0
        gc.collect()
        gc.freeze()


def _worker_init() -> None:
    # Automatic collection pauses cost more than the garbage; see _collect_now_and_then.
    gc.disable()
    _fast_handoff()


def _fast_handoff() -> None:
    """Hand the GIL over quickly between the event loop and the SDK's RPC threads.

    Under mocks every registration is a hop from the event loop to an executor thread and
    back; with the default 5 ms switch interval each hop can wait out the interval, which
    made wall time about twice the CPU time. Only this offline tool changes it.
    """
    sys.setswitchinterval(0.0002)


STACKS_PER_WORKER = 8


def _print_report(report: StackReport) -> None:
    status = "ok" if report.ok else "FAILED"
    took = "cached" if report.cached else f"{report.seconds:.2f}s"
    print(f"synth {report.stack:<28} {report.resources:>4} resources {report.manifests:>4} manifests "
          f"{took:>7} {status}", flush=True)
    for line in report.errors + report.schema_errors:
        print(f"  error: {line}", flush=True)


def synthesize(stacks: list[str], stacks_dir: Path, out_dir: Path, jobs: int, validate: bool = True) -> list[StackReport]:
    """Run the programs of ``stacks`` (no cache), reports in the order of ``stacks``."""
    if not stacks:
        return []
    # Programs check this to never reach a live system from the offline synth.
    os.environ[OFFLINE_SYNTH_ENV] = "1"
    # A second worker pays for itself only with enough stacks to share: below that one worker
    # (no warm-up, each import paid once) costs less CPU and hardly more wall time.
    workers = max(1, min(jobs, len(stacks) // STACKS_PER_WORKER))
    if workers > 1:
        # Shared by every worker: worth paying once here rather than once per worker.
        _fast_handoff()
        _warm_up()
    # Move the warmed heap out of the collector's reach: children neither rescan it on every
    # collection nor copy its pages by touching GC headers (fork copy-on-write).
    gc.collect()
    gc.freeze()
    out_dir.mkdir(parents=True, exist_ok=True)
    work = [(s, str(stacks_dir), str(out_dir), validate) for s in stacks]
    reports: list[StackReport] = []
    # Each worker runs stacks one after another, so what one stack loaded (SDK modules,
    # resource classes whose type hints are evaluated on first use) is warm for the next.
    # Isolation between stacks: run_callable resets the Pulumi runtime's settings, config,
    # mocks and event loop for every program, and the stack's own modules are dropped after
    # it; the output is byte-identical to a fresh process per stack (tests/test_synth_tool.py).
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=workers, initializer=_worker_init) as pool:
        for report in pool.imap(_worker, work):
            _print_report(report)
            reports.append(report)
    return reports


def run(stacks: list[str], stacks_dir: Path, out_dir: Path, jobs: int, validate: bool = True,
        use_cache: bool = True) -> list[StackReport]:
    """Synthesize ``stacks``; with the cache, only those a change since their last synth affects."""
    from tools.synth.cache import Plan, SynthCache

    # Unvalidated output is never recorded; --no-cache redoes everything but still records it.
    cache = SynthCache.open(stacks_dir, out_dir) if validate else None
    if cache is None:
        return synthesize(stacks, stacks_dir, out_dir, jobs, validate)
    plan = cache.plan(stacks) if use_cache else Plan(todo={s: "--no-cache" for s in stacks})
    todo = [s for s in stacks if s in plan.todo]
    if plan.cached:
        print(f"synth: {len(plan.cached)} stack(s) unchanged since their last synth (cached), "
              f"{len(todo)} to synthesize", flush=True)
    done = {r.stack: r for r in synthesize(todo, stacks_dir, out_dir, jobs, validate)}
    cache.save(list(done.values()))
    reports = []
    for stack in stacks:
        if stack in done:
            reports.append(done[stack])
        else:
            report = StackReport.from_cache(plan.cached[stack])
            _print_report(report)
            reports.append(report)
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.synth", description=__doc__)
    parser.add_argument("--stacks", nargs="*", default=None, help="stack names (default: all)")
    parser.add_argument("--stacks-dir", type=Path, default=REPO_ROOT / "stacks")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "synth")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-validate", action="store_true", help="skip schema checks (never cached)")
    parser.add_argument("--no-cache", action="store_true",
                        help="synthesize every stack even when no change affects it (tools/synth/cache.py)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO_ROOT))
    available = discover(args.stacks_dir)
    wanted = [s for chunk in (args.stacks or []) for s in chunk.split()] or available
    unknown = [s for s in wanted if s not in available]
    if unknown:
        print(f"synth: unknown stack(s): {', '.join(unknown)} (no stacks/<name>/Pulumi.yaml)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    reports = run(wanted, args.stacks_dir, args.out, args.jobs, validate=not args.no_validate,
                  use_cache=not args.no_cache)
    elapsed = time.perf_counter() - started
    failed = [r.stack for r in reports if not r.ok]
    total = sum(r.resources for r in reports)
    not_validated = sorted({line.split(" (")[0].split("_")[0] for r in reports for line in r.not_validated})
    summary = {
        "stacks": len(reports), "resources": total, "seconds": round(elapsed, 2), "failed": failed,
        "per_stack": {r.stack: {"resources": r.resources, "manifests": r.manifests, "seconds": round(r.seconds, 3),
                                "cached": r.cached, "errors": r.errors + r.schema_errors, "not_validated": r.not_validated} for r in reports},
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    if not_validated:
        print(f"synth: kinds without a kept schema (not validated): {', '.join(not_validated)}")
    print(f"synth: {len(reports)} stacks, {total} resources, {elapsed:.2f}s, "
          f"{len(failed)} failed{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
