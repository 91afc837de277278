"""Entry point of the CrossGuard pack: the only module that constructs the PolicyPack.

Launched by the Pulumi CLI (`pulumi preview --policy-pack policies`) through the Python
analyzer host (`python -u -m pulumi.policy <engine address> <pack dir>`), and the same way by
tools/policy_check. Constructing PolicyPack starts the gRPC analyzer, prints its port on
stdout and blocks.
"""

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policies import engine_compat  # noqa: E402
from policies.registry import build_policies  # noqa: E402

engine_compat.install()

PolicyPack(
    name="homelab-infra",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=build_policies(),
)
