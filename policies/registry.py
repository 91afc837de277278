"""All policy specs of the pack, in report order. Importing this starts nothing."""

from __future__ import annotations

from policies import auth_policies, exposure, hygiene, pod_security, secret_material
from policies.common import PolicySpec, make_policy

SPECS: list[PolicySpec] = [
    *auth_policies.SPECS,
    *exposure.SPECS,
    *pod_security.SPECS,
    *hygiene.SPECS,
    *secret_material.SPECS,
]
BY_NAME: dict[str, PolicySpec] = {s.name: s for s in SPECS}
assert len(BY_NAME) == len(SPECS), "duplicate policy name"


def build_policies() -> list:
    return [make_policy(s) for s in SPECS]
