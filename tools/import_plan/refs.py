"""Second matching pass: objects whose identity is other objects' ids.

An Authentik binding is "policy P (or group G) bound to flow F at order N"; P and F are
ids. In the Terraform state they are the live ids; in the offline synth they are mock
ids (``<logical name>-id``) or unknown. Both sides are resolved to the Pulumi resource
the id belongs to, through the matches the first pass made, and compared field by field.
A field unknown offline matches anything, but such a match is taken only when it is the
single candidate both ways; otherwise the binding is reported, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .identity import RefRule
from .synth import SECRET, UNKNOWN, PulumiResource
from .tfstate import TfInstance

WILD = "*"


@dataclass(frozen=True)
class RefOutcome:
    inst: TfInstance
    rule: RefRule
    resource: PulumiResource | None
    reason: str = ""


def _literal(value: Any) -> str:
    if value is None:
        return "lit:"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"lit:{value}"


class Resolver:
    """Maps ids on either side to the Pulumi resource they designate."""

    def __init__(self, resources: tuple[PulumiResource, ...], matched: list[tuple[TfInstance, PulumiResource]]):
        names: dict[str, list[str]] = defaultdict(list)
        for res in resources:
            if res.custom:
                names[f"{res.name}-id"].append(res.urn)
        # The mock runtime gives every resource the id `<name>-id`; a name used twice is ambiguous.
        self._mock_ids = {mock: urns[0] for mock, urns in names.items() if len(urns) == 1}
        self._tf_ids: dict[tuple[str, str], set[str]] = defaultdict(set)
        for inst, res in matched:
            for attr, value in inst.attributes.items():
                if isinstance(value, (str, int)) and value != "":
                    self._tf_ids[(attr, str(value))].add(res.urn)

    def terraform(self, rule: RefRule, attrs: dict[str, Any]) -> tuple[frozenset[str], ...]:
        out = []
        for tf_attr, _ in rule.fields:
            value = attrs.get(tf_attr)
            tokens = {_literal(value if value != "" else None)}
            if value not in (None, ""):
                for ref_attr in rule.ref_attrs:
                    tokens |= {f"ref:{urn}" for urn in self._tf_ids.get((ref_attr, str(value)), ())}
            out.append(frozenset(tokens))
        return tuple(out)

    def pulumi(self, rule: RefRule, inputs: dict[str, Any]) -> tuple[str, ...]:
        out = []
        for _, pu_input in rule.fields:
            value = inputs.get(pu_input)
            if value is None or value in (UNKNOWN, SECRET):
                out.append(WILD)
            elif isinstance(value, str) and value in self._mock_ids:
                out.append(f"ref:{self._mock_ids[value]}")
            else:
                out.append(_literal(value))
        return tuple(out)


def _fits(tf: tuple[frozenset[str], ...], pu: tuple[str, ...]) -> tuple[bool, bool]:
    """(compatible, exact): every known Pulumi field is one of the Terraform readings."""
    exact = True
    for options, value in zip(tf, pu):
        if value == WILD:
            exact = False
        elif value not in options:
            return False, False
    return True, exact


def match_refs(
    pending: list[tuple[TfInstance, RefRule]],
    resources: tuple[PulumiResource, ...],
    matched: list[tuple[TfInstance, PulumiResource]],
    taken: set[str],
) -> list[RefOutcome]:
    resolver = Resolver(resources, matched)
    free = {
        rule.pulumi_type: [r for r in resources if r.type == rule.pulumi_type and r.urn not in taken]
        for _, rule in pending
    }
    tf_sides = {inst.label: resolver.terraform(rule, inst.attributes) for inst, rule in pending}
    pu_sides = {r.urn: resolver.pulumi(rule, r.inputs) for _, rule in pending for r in free[rule.pulumi_type]}
    outcomes: dict[str, RefOutcome] = {}
    used: set[str] = set()

    def candidates(inst: TfInstance, rule: RefRule, exact_only: bool) -> list[PulumiResource]:
        found = []
        for res in free[rule.pulumi_type]:
            if res.urn in used:
                continue
            ok, exact = _fits(tf_sides[inst.label], pu_sides[res.urn])
            if ok and (exact or not exact_only):
                found.append(res)
        return found

    for exact_only in (True, False):
        for inst, rule in pending:
            if inst.label in outcomes:
                continue
            found = candidates(inst, rule, exact_only)
            if len(found) != 1:
                continue
            res = found[0]
            # Taken only if no other unmatched Terraform object could be this resource too.
            rivals = [
                other for other, other_rule in pending
                if other.label != inst.label and other.label not in outcomes and other_rule is rule
                and _fits(tf_sides[other.label], pu_sides[res.urn])[0 if not exact_only else 1]
            ]
            if rivals:
                continue
            outcomes[inst.label] = RefOutcome(inst, rule, res)
            used.add(res.urn)
    for inst, rule in pending:
        if inst.label in outcomes:
            continue
        count = len(candidates(inst, rule, exact_only=False))
        reason = (
            f"{count} Pulumi {rule.pulumi_type} resources could be this object (references unknown "
            "offline); pair it with --map ADDRESS=URN"
            if count else
            f"no Pulumi {rule.pulumi_type} binds the same objects ({_describe(rule, inst.attributes)})"
        )
        outcomes[inst.label] = RefOutcome(inst, rule, None, reason)
    return [outcomes[inst.label] for inst, _ in pending]


def _describe(rule: RefRule, attrs: dict[str, Any]) -> str:
    return ", ".join(f"{tf}={attrs.get(tf)}" for tf, _ in rule.fields if attrs.get(tf) not in (None, ""))
