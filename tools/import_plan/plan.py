"""Match Terraform instances to Pulumi resources and classify the outcome.

Outcomes per object:

* matched      - imported by ``pulumi import --file``; its diffs say what the first
                 ``pulumi up`` would do (update / replace / ignored).
* orphaned     - Terraform-only: still live after cut-over, no longer managed. Blocking.
* created      - Pulumi-only: the first ``pulumi up`` creates it. If it already exists
                 live, pulumi-kubernetes >= 4.29 fails with AlreadyExists (safe, loud).
* dropped      - Terraform-only state bookkeeping with no live object (``null_resource``).

A deposed object (left by an interrupted create-before-destroy) is never read as the
current one: it is an orphan until Terraform's next apply destroys it. ``kubernetes_labels``
matches the port's ``<Kind>Patch`` but is not imported (the first ``up`` applies the patch).
Beyond replacements, :meth:`Plan.first_up` predicts every in-place update and the
workloads it restarts.

Refused outright (nothing written): a state with no managed resources, and a state that
shares no object with the program (another stack's state).

``replace`` diffs and orphans block (exit 1) unless their Terraform address is passed
in ``accept``. An accepted address that blocks nothing is an error: stale accept lists
must not silently outlive the problem they excused.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import compare, identity, k8s, refs
from .compare import PLACEHOLDER, REPLACE, UPDATE, Diff
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
    # False for objects the first `up` adopts without an import (server-side-apply patches).
    imported: bool = True

    @property
    def replaces(self) -> bool:
        return bool(self.type_mismatch) or any(d.effect == REPLACE for d in self.diffs)

    @property
    def kind(self) -> str:
        return self.pulumi.type.rsplit(":", 1)[-1]

    def describe(self) -> str:
        """``Deployment traefik/auth-proxy``, or the token and logical name."""
        meta = self.pulumi.inputs.get("metadata")
        if self.family in ("k8s", "patch") and isinstance(meta, dict) and meta.get("name"):
            where = f"{meta['namespace']}/{meta['name']}" if meta.get("namespace") else str(meta["name"])
            return f"{self.kind} {where}"
        if self.family == "helm":
            return f"Helm release {self.pulumi.inputs.get('namespace') or 'default'}/{self.pulumi.inputs.get('name')}"
        return f"{self.pulumi.type} {self.pulumi.name}"

    def updates(self) -> list[str]:
        return [d.field for d in self.diffs if d.effect == UPDATE]

    def restart_reason(self) -> str | None:
        """Why the first `up` rolls this object's pods, or None."""
        if self.replaces:
            return None  # reported as a replacement
        if self.kind in compare.RESTARTING_KINDS:
            fields = [f for f in self.updates() if f.startswith("spec.template.")]
            if fields:
                shown = ", ".join(fields[:4]) + (f" (+{len(fields) - 4} more)" if len(fields) > 4 else "")
                return f"pod template changes: {shown}"
        if self.family == "helm" and self.updates():
            return ("Helm upgrade (" + ", ".join(self.updates()[:4]) + "): every chart workload whose "
                    "rendered pod template changes rolls")
        return None


@dataclass(frozen=True)
class FirstUp:
    """The first `pulumi up` after import, beyond replacements: in-place updates, the
    workloads they restart, and values that cannot be predicted yet (placeholders)."""

    updates: list[tuple[Match, list[str]]]
    restarts: list[tuple[Match, str]]
    placeholders: list[tuple[Match, Diff]]


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
        found = [m.tf.label for m in self.matches if m.replaces] + [o.tf.label for o in self.orphans]
        return list(dict.fromkeys(found))

    def ok(self) -> bool:
        return not self.blocking()

    def first_up(self) -> FirstUp:
        live = [m for m in self.matches if not m.replaces]
        return FirstUp(
            updates=[(m, m.updates()) for m in live if m.updates()],
            restarts=[(m, why) for m in live if (why := m.restart_reason())],
            placeholders=[(m, d) for m in self.matches for d in m.diffs if d.effect == PLACEHOLDER],
        )


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
    current = [i for i in instances if not i.deposed]
    for inst in instances:
        if inst.deposed:
            plan.orphans.append(Orphan(inst, DEPOSED_REASON))
    keys = {inst.address: identity.tf_key(inst, zones) for inst in current}
    collisions = _colliding(keys)
    taken: dict[str, str] = {}  # urn -> tf address
    pending_refs: list[tuple[TfInstance, identity.RefRule]] = []

    def take(inst: TfInstance, res: PulumiResource) -> None:
        if res.urn in taken:
            raise PlanError(
                plan.stack,
                f"{inst.address} and {taken[res.urn]} both resolve to {res.urn}; "
                "map one explicitly with --map ADDRESS=URN",
            )
        taken[res.urn] = inst.address

    for inst in current:
        key = keys[inst.address]
        if inst.address in manual:
            res = by_urn[manual[inst.address]]
            take(inst, res)
            plan.matches.append(_manual_match(plan, inst, key, res))
            continue
        if inst.type == identity.ZONE_SETTINGS_OVERRIDE:
            _match_zone_settings(plan, inst, take)
            continue
        if inst.type == identity.KUBERNETES_LABELS:
            _match_patch(plan, inst, take)
            continue
        if inst.type in identity.REF_RULES:
            pending_refs.append((inst, identity.REF_RULES[inst.type]))
            continue
        if key is None:
            _unmatched(plan, inst)
            continue
        res = _pick(plan, inst, key, index, collisions)
        if res is None:
            plan.orphans.append(Orphan(inst, f"no Pulumi resource manages {key.identity.label()}"))
            continue
        take(inst, res)
        plan.matches.append(_make_match(inst, key, res))
    # Rounds: a binding may point at another binding (a policy bound to a flow-stage
    # binding), which only a previous round has matched.
    while pending_refs:
        matched = [(m.tf, m.pulumi) for m in plan.matches]
        outcomes = refs.match_refs(pending_refs, plan.synth.resources, matched, set(taken))
        found = [o for o in outcomes if o.resource is not None]
        for outcome in found:
            take(outcome.inst, outcome.resource)
            plan.matches.append(Match(outcome.inst, outcome.resource, "key",
                                      outcome.rule.import_id(outcome.inst.attributes), False, ()))
        if not found:
            plan.orphans += [Orphan(o.inst, o.reason) for o in outcomes]
            break
        pending_refs = [(o.inst, o.rule) for o in outcomes if o.resource is None]
    plan.created = [
        r for r in plan.synth.resources
        if r.custom and not r.is_provider and not r.is_stack and r.urn not in taken
    ]
    _refuse_foreign_state(plan, current, keys)


DEPOSED_REASON = (
    "deposed object (left by an interrupted create-before-destroy; Terraform would destroy it "
    "on its next apply): run `terragrunt apply` on the old stack before the cut-over, or delete it"
)


def _manual_match(plan: Plan, inst: TfInstance, key: TfKey | None, res: PulumiResource) -> Match:
    if key is not None:
        return _make_match(inst, key, res)
    if inst.type in identity.REF_RULES:
        return Match(inst, res, "key", identity.REF_RULES[inst.type].import_id(inst.attributes), False, ())
    raise PlanError(plan.stack, f"--map {inst.address}: no import-id rule for Terraform type {inst.type}")


def _match_zone_settings(plan: Plan, inst: TfInstance, take) -> None:
    """One v4 override (every setting of a zone) -> the port's ZoneSetting per setting."""
    zone = str(inst.attributes.get("zone_id") or "")
    settings = k8s.first_block(inst.attributes.get("settings"))
    found = [
        r for r in plan.synth.resources
        if r.type == identity.ZONE_SETTING and r.custom and str(r.inputs.get("zoneId")) == zone
    ]
    if not found:
        plan.orphans.append(Orphan(inst, f"no Pulumi {identity.ZONE_SETTING} for zone {zone}"))
        return
    for res in found:
        setting = str(res.inputs.get("settingId"))
        take(inst, res)
        diffs = tuple(compare.evaluate(
            [compare.Check("value", settings.get(setting), res.inputs.get("value"))], res.ignore_changes))
        plan.matches.append(Match(inst, res, "zone-setting", f"{zone}/{setting}", False, diffs))


def _match_patch(plan: Plan, inst: TfInstance, take) -> None:
    target = identity.labels_target(inst)
    found = [r for r in plan.synth.resources if r.custom and identity.patch_target(r) == target] if target else []
    if len(found) != 1:
        what = target.label() if target else "an unnamed object"
        reason = (f"no Pulumi <Kind>Patch patches {what}" if not found else
                  f"several Pulumi patches target {what}; pair it with --map ADDRESS=URN")
        plan.orphans.append(Orphan(inst, reason))
        return
    res = found[0]
    take(inst, res)
    diffs = tuple(compare.diff("patch", inst, res))
    plan.matches.append(Match(inst, res, "patch", "", False, diffs, imported=False))


# Terraform provider type -> the Pulumi package that manages the same objects.
_PACKAGE_OF_PROVIDER = {"helm": "kubernetes", "kubectl": "kubernetes", "proxmox": "proxmoxve"}
_NO_OBJECTS = frozenset({"null", "time", "terraform", "external", "local", "archive", "tls"})


def _refuse_foreign_state(plan: Plan, current: list[TfInstance], keys: dict[str, TfKey | None]) -> None:
    """A state that shares nothing with the program is another stack's: planning it
    would report every object orphaned and the whole program created. Refuse instead."""
    if plan.matches:
        return
    live = [i for i in current if i.type not in identity.STATE_ONLY]
    if not live:
        return
    state_packages = sorted({_PACKAGE_OF_PROVIDER.get(i.provider, i.provider) for i in live if i.provider} - _NO_OBJECTS)
    program_packages = sorted({
        r.type.split(":", 1)[0] for r in plan.synth.resources
        if r.custom and not r.is_provider and not r.is_stack
    })
    identities = [k.identity.label() for k in keys.values() if k is not None]
    if not identities and set(state_packages) & set(program_packages):
        return  # nothing comparable: plain orphans with "no identity rule" say why
    modules = sorted({i.module for i in current if i.module})
    raise PlanError(
        plan.stack,
        "the Terraform state looks like another stack's: none of its "
        f"{len(live)} objects is declared by the program of {plan.stack} "
        f"(state objects e.g. {', '.join(identities[:3]) or 'none with an identity rule'}; "
        f"state modules: {', '.join(modules[:5]) or 'none'}; "
        f"state providers: {', '.join(state_packages) or 'none'}; "
        f"program providers: {', '.join(program_packages) or 'none'}). "
        f"Pull the state of {plan.stack}, or pair objects with --map; nothing written",
    )


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
    addresses = {i.address for i in instances if not i.deposed}
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
