"""Import plans: adopt a Terraform stack's live objects into its Pulumi port.

Library entry: :func:`build_plan` (+ :func:`build_import_file` for the
``pulumi import --file`` document). CLI: ``python -m tools.import_plan``.
See docs/migration.md.
"""

from .errors import PlanError
from .import_file import build_import_file
from .plan import Plan, PlanInputs, build_plan

__all__ = ["PlanError", "Plan", "PlanInputs", "build_plan", "build_import_file"]
