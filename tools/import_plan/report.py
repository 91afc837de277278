"""The operator-facing report (text) and its machine-readable twin (JSON).

Neither ever contains a secret import id (random values): those appear only in the
owner-only import file.
"""

from __future__ import annotations

from typing import Any

from .compare import IGNORED, PLACEHOLDER, REDACTED, REPLACE, UPDATE, placeholder_note
from .plan import Match, Plan


def shown_id(match: Match) -> str:
    if not match.imported:
        return "(not imported: the first `up` applies it)"
    return REDACTED if match.secret_id else match.import_id


def summary(plan: Plan) -> dict[str, Any]:
    # One Terraform object may become several Pulumi resources (zone settings): count objects.
    matched = len({m.tf.label for m in plan.matches})
    total_tf = matched + len(plan.orphans) + len(plan.dropped)
    live_tf = matched + len(plan.orphans)
    first_up = plan.first_up()
    return {
        "terraform_instances": total_tf,
        "matched": matched,
        "matched_pct": round(100.0 * matched / live_tf, 1) if live_tf else 100.0,
        "replaced": sum(1 for m in plan.matches if m.replaces),
        "updated": len(first_up.updates),
        "restarted": len(first_up.restarts),
        "placeholders": len(first_up.placeholders),
        "orphaned": len(plan.orphans),
        "created": len(plan.created),
        "dropped": len(plan.dropped),
        "accepted": list(plan.accepted),
        "blocking": plan.blocking(),
        "ok": plan.ok(),
    }


def to_json(plan: Plan) -> dict[str, Any]:
    first_up = plan.first_up()
    return {
        "stack": plan.stack,
        "summary": summary(plan),
        "matched": [
            {
                "address": m.tf.label,
                "urn": m.pulumi.urn,
                "type": m.pulumi.type,
                "id": shown_id(m),
                "imported": m.imported,
                "typeMismatch": m.type_mismatch or None,
                "diffs": [d.__dict__ for d in m.diffs],
            }
            for m in plan.matches
        ],
        "firstUp": {
            "updates": [{"urn": m.pulumi.urn, "object": m.describe(), "fields": fields}
                        for m, fields in first_up.updates],
            "restarts": [{"urn": m.pulumi.urn, "object": m.describe(), "why": why}
                         for m, why in first_up.restarts],
            "placeholders": [{"urn": m.pulumi.urn, "field": d.field, "action": d.pulumi}
                             for m, d in first_up.placeholders],
        },
        "orphaned": [{"address": o.tf.label, "reason": o.reason} for o in plan.orphans],
        "created": [{"urn": r.urn, "type": r.type} for r in plan.created],
        "dropped": [i.address for i in plan.dropped],
    }


def to_text(plan: Plan) -> str:
    s = summary(plan)
    lines = [
        f"import plan for stack {plan.stack}",
        f"  terraform instances {s['terraform_instances']}, matched {s['matched']} ({s['matched_pct']}%), "
        f"replaced {s['replaced']}, updated {s['updated']}, restarted {s['restarted']}, "
        f"orphaned {s['orphaned']}, created {s['created']}, dropped {s['dropped']}",
        "",
        "MATCHED (imported, then `pulumi up` applies the diffs below)",
    ]
    for m in plan.matches:
        lines.append(f"  {m.tf.label} -> {m.pulumi.type} {m.pulumi.name} id={shown_id(m)}")
        if m.type_mismatch:
            lines.append(f"      REPLACE: {m.type_mismatch}")
        for d in m.diffs:
            lines.append(f"      {d.effect.upper()}: {d.field}: terraform={d.terraform} pulumi={d.pulumi}")
    lines.append("ORPHANED (Terraform-only: stays live, no longer managed)")
    lines += [f"  {o.tf.label}: {o.reason}" for o in plan.orphans] or ["  none"]
    lines.append("CREATED (Pulumi-only: created on first `pulumi up`; AlreadyExists if it is live)")
    lines += [f"  {r.type} {r.name}{_created_note(r)}" for r in plan.created] or ["  none"]
    if plan.dropped:
        lines.append("DROPPED (state-only Terraform resources, no live object)")
        lines += [f"  {i.address}" for i in plan.dropped]
    lines += _first_up_text(plan)
    lines.append("")
    lines.append(_verdict(plan))
    return "\n".join(lines) + "\n"


def _created_note(res) -> str:
    """A placeholder in the inputs may be why nothing matched (an identity from config)."""
    note = placeholder_note(res.inputs)
    return f" ({note})" if note else ""


def _first_up_text(plan: Plan) -> list[str]:
    first_up = plan.first_up()
    lines = ["FIRST `pulumi up` AFTER IMPORT (predicted; `pulumi preview --diff` is the final word)"]
    if not (first_up.updates or first_up.restarts or first_up.placeholders):
        return lines + ["  no in-place change predicted"]
    for m, fields in first_up.updates:
        more = f" (+{len(fields) - 6} more, listed under MATCHED)" if len(fields) > 6 else ""
        lines.append(f"  update  {m.describe()}: {', '.join(fields[:6])}{more}")
    for m, why in first_up.restarts:
        lines.append(f"  RESTART {m.describe()}: {why}")
    for m, d in first_up.placeholders:
        lines.append(f"  unknown {m.describe()}: {d.field}: {d.pulumi}")
    return lines


def _verdict(plan: Plan) -> str:
    if plan.ok():
        accepted = f" (accepted: {', '.join(plan.accepted)})" if plan.accepted else ""
        return f"RESULT: OK - nothing replaced or orphaned{accepted}"
    return (
        "RESULT: BLOCKED - would replace or orphan: "
        + ", ".join(plan.blocking())
        + "\n  fix the program, or pass --accept <address> for each one you have decided to lose"
    )


__all__ = ["to_text", "to_json", "summary", "REPLACE", "IGNORED", "UPDATE", "PLACEHOLDER"]
