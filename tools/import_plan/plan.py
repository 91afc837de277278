"""Match Terraform instances to Pulumi resources and classify the outcome.

Outcomes per object:

* matched      - imported by ``pulumi import --file``; its diffs say what the first
                 ``pulumi up`` would do (update / replace / ignored).
* orphaned     - Terraform-only: still live after cut-over, no longer managed. Blocking.
* created      - Pulumi-only: the first ``pulumi up`` creates it. If it already exists
                 live, pulumi-kubernetes >= 4.29 fails with AlreadyExists (safe, loud).
* dropped      - Terraform-only state bookkeeping with no live object (``null_resource``).

``replace`` diffs and orphans block (exit 1) unless their Terraform address is passed
in ``accept``. An accepted address that blocks nothing is an error: stale accept lists
must not silently outlive the problem they excused.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import compare, identity
from .compare import REPLACE, Diff
from .errors import PlanError
from .identity import Identity, TfKey
from .synth import PulumiResource, SynthStack, load_synth
from .tfstate import TfInstance, load_tfstate


@dataclass(frozen=True)
class Match:
    tf: TfInstance
    pulumi: PulumiResource
    family: str
    import_id: str
    secret_id: bool
    diffs: tuple[Diff, ...]
    type_mismatch: str = ""

    @property
    def replaces(self) -> bool:
        return bool(self.type_mismatch) or any(d.effect == REPLACE for d in self.diffs)


@dataclass(frozen=True)
class Orphan:
    tf: TfInstance
    reason: str


@dataclass
class Plan:
    stack: str
    project: str
    pulumi_stack: str
    synth: SynthStack
    matches: list[Match] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    created: list[PulumiResource] = field(default_factory=list)
    dropped: list[TfInstance] = field(default_factory=list)
    accepted: tuple[str, ...] = ()

    def blocking(self) -> list[str]:
        """Terraform addresses that would be replaced or orphaned and are not accepted."""
        return [a for a in self._blocking_addresses() if a not in self.accepted]

    def _blocking_addresses(self) -> list[str]:
        return [m.tf.address for m in self.matches if m.replaces] + [o.tf.address for o in self.orphans]

    def ok(self) -> bool:
        return not self.blocking()


@dataclass(frozen=True)
class PlanInputs:
    stack: str
    tfstate: Path
    synth_dir: Path
    accept: tuple[str, ...] = ()
    manual: dict[str, str] = field(default_factory=dict)  # TF address -> Pulumi URN


def build_plan(inputs: PlanInputs) -> Plan:
    """Load both sides, match by identity, diff, and validate the accept list."""
    instances = load_tfstate(inputs.tfstate, inputs.stack)
    synth = load_synth(inputs.synth_dir, inputs.stack)
    plan = Plan(inputs.stack, synth.project, synth.stack, synth, accepted=inputs.accept)
    _match(plan, instances, inputs.manual)
    _check_accept(plan)
    return plan


# ---------------------------------------------------------------- matching


def _candidates(synth: SynthStack, zones: dict[str, str]) -> dict[Identity, list[tuple[int, str, PulumiResource]]]:
    """Identity -> [(preference rank, detail, resource)] for every importable resource."""
    index: dict[Identity, list[tuple[int, str, PulumiResource]]] = defaultdict(list)
    for res in synth.resources:
        if not res.custom or res.is_provider or res.is_stack:
            continue
        for rank, (ident, detail) in enumerate(identity.pulumi_identities(res, zones)):
            index[ident].append((rank, detail, res))
    return index


def _match(plan: Plan, instances: list[TfInstance], manual: dict[str, str]) -> None:
    zones = identity.zone_domains_from(instances)
    index = _candidates(plan.synth, zones)
    by_urn = plan.synth.by_urn()
    _check_manual(plan, instances, manual, by_urn)
    keys = {inst.address: identity.tf_key(inst, zones) for inst in instances}
    collisions = _colliding(keys)
    taken: dict[str, str] = {}  # urn -> tf address
    for inst in instances:
        key = keys[inst.address]
        if key is None and inst.address in manual:
            raise PlanError(plan.stack, f"--map {inst.address}: no import-id rule for Terraform type {inst.type}")
        if key is None:
            _unmatched(plan, inst)
            continue
        res = by_urn[manual[inst.address]] if inst.address in manual else _pick(plan, inst, key, index, collisions)
        if res is None:
            plan.orphans.append(Orphan(inst, f"no Pulumi resource manages {key.identity.label()}"))
            continue
        if res.urn in taken:
            raise PlanError(
                plan.stack,
                f"{inst.address} and {taken[res.urn]} both resolve to {res.urn}; "
                "map one explicitly with --map ADDRESS=URN",
            )
        taken[res.urn] = inst.address
        plan.matches.append(_make_match(inst, key, res))
    plan.created = [
        r for r in plan.synth.resources
        if r.custom and not r.is_provider and not r.is_stack and r.urn not in taken
    ]


def _colliding(keys: dict[str, TfKey | None]) -> set[Identity]:
    seen: dict[Identity, int] = defaultdict(int)
    for key in keys.values():
        if key is not None:
            seen[key.identity] += 1
    return {ident for ident, count in seen.items() if count > 1}


def _pick(
    plan: Plan,
    inst: TfInstance,
    key: TfKey,
    index: dict[Identity, list[tuple[int, str, PulumiResource]]],
    collisions: set[Identity],
) -> PulumiResource | None:
    found = index.get(key.identity, [])
    if key.identity in collisions:  # e.g. two TXT records of one name: split by content
        found = [c for c in found if c[1] == key.detail]
    if not found:
        return None
    best = min(rank for rank, _, _ in found)
    top = [res for rank, _, res in found if rank == best]
    if len(top) > 1:
        urns = ", ".join(r.urn for r in top)
        raise PlanError(
            plan.stack,
            f"{inst.address}: {key.identity.label()} is claimed by several Pulumi resources "
            f"({urns}); two resources must never manage one object - fix the program or pass --map",
        )
    return top[0]


def _unmatched(plan: Plan, inst: TfInstance) -> None:
    if inst.type in identity.STATE_ONLY:
        plan.dropped.append(inst)
    else:
        plan.orphans.append(Orphan(inst, f"no identity rule for Terraform type {inst.type}"))


def _make_match(inst: TfInstance, key: TfKey, res: PulumiResource) -> Match:
    family = key.identity.family
    expected = identity.expected_pulumi_type(inst)
    mismatch = ""
    if expected and res.type != expected:
        mismatch = f"Terraform {inst.type} must become {expected}, the program declares {res.type}"
    elif family == "k8s" and not res.type.startswith("kubernetes:"):
        mismatch = f"Kubernetes object declared as {res.type}"
    diffs = tuple(compare.diff(family, inst, res)) if not mismatch else ()
    return Match(inst, res, family, key.import_id, key.secret_id, diffs, mismatch)


def _check_manual(plan: Plan, instances: list[TfInstance], manual: dict[str, str], by_urn: dict[str, PulumiResource]) -> None:
    addresses = {i.address for i in instances}
    for address, urn in manual.items():
        if address not in addresses:
            raise PlanError(plan.stack, f"--map {address}: no such address in the Terraform state")
        if urn not in by_urn:
            raise PlanError(plan.stack, f"--map {address}={urn}: no such urn in the synth output")


def _check_accept(plan: Plan) -> None:
    blocking = set(plan._blocking_addresses())
    stale = [a for a in plan.accepted if a not in blocking]
    if stale:
        raise PlanError(
            plan.stack,
            f"--accept {', '.join(stale)}: nothing would be replaced or orphaned at that address "
            "(drop it from the accept list)",
        )
