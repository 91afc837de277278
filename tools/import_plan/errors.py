"""Errors raised by the import planner.

Every message names the stack and, where one is involved, the Terraform address or the
command-line argument, so an operator can act on it without reading a traceback.
"""

from __future__ import annotations


class PlanError(Exception):
    """The inputs cannot be planned (bad file, unsupported shape, inconsistent synth)."""

    def __init__(self, stack: str, message: str) -> None:
        super().__init__(f"import-plan[{stack}]: {message}")
        self.stack = stack
