"""Adopting resources that a stack used to declare at the top level into a component.

Moving a resource under a component changes its URN (parent type chain and, usually, its
logical name), which Pulumi treats as delete + create unless the old URN is aliased.
Components whose children may have been hand-written before take ``moved_from``: a mapping
from the child's role (``"cronjob"``, ``"role"``, ...) to the logical name the resource had
as a top-level resource of the stack. Validated here so every component rejects typos the
same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pulumi

from components.errors import ArgumentError


def require_moved_from(component: str, moved_from: Mapping[str, str], roles: Iterable[str]) -> None:
    """Reject unknown child roles and empty names in ``moved_from``."""
    roles = tuple(roles)
    if not isinstance(moved_from, Mapping):
        raise ArgumentError(component, "moved_from", "must be a mapping {child role: old logical name}")
    for role, old in moved_from.items():
        if role not in roles:
            raise ArgumentError(component, "moved_from", f"names child {role!r}", roles)
        if not isinstance(old, str) or not old.strip():
            raise ArgumentError(component, f"moved_from[{role!r}]", f"must be a non-empty logical name, got {old!r}")


def child_options(parent: pulumi.Resource, moved_from: Mapping[str, str], role: str,
                  **options) -> pulumi.ResourceOptions:
    """Options of one child: parented, and aliased to its old top-level URN when it moved."""
    old = moved_from.get(role)
    aliases = [pulumi.Alias(name=old, parent=pulumi.ROOT_STACK_RESOURCE)] if old else None
    return pulumi.ResourceOptions(parent=parent, aliases=aliases, **options)
