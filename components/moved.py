"""Adopting resources that a stack used to declare at the top level into a component.

Moving a resource under a component changes its URN (parent type chain and, usually, its
logical name), which Pulumi treats as delete + create unless the old URN is aliased.
Components whose children may have been hand-written before take ``moved_from``: a mapping
from the child's role (``"cronjob"``, ``"role"``, ...) to the logical name the resource had
as a top-level resource of the stack. Validated here so every component rejects typos the
same way.

A child can also move without its own name changing, when only its parent component changes
type (a ``ScheduledJob`` folded into an ``AppBackup`` of the same name): the component passes
:func:`former_parent_alias` in ``child_options(..., extra_aliases=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

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


def former_parent_urn(urn: str, own_type: str, former_type: str) -> str:
    """``urn`` of a component as it was when its type token was ``former_type``.

    Only the last type of the chain changes: the component had the same name and the same
    parent, so its children's old URNs hang off this one.
    """
    prefix, sep, name = urn.rpartition("::")
    if not sep or not prefix.endswith(own_type):
        raise ValueError(f"{urn!r} is not the URN of a {own_type} component")
    return f"{prefix[: len(prefix) - len(own_type)]}{former_type}::{name}"


def former_parent_alias(parent: pulumi.Resource, own_type: str, former_type: str) -> pulumi.Alias:
    """Alias of a child of ``parent`` (type ``own_type``) to the URN it had, under the same
    name, when the parent component was a ``former_type`` of the same name."""
    return pulumi.Alias(parent=parent.urn.apply(lambda urn: former_parent_urn(urn, own_type, former_type)))


def child_options(parent: pulumi.Resource, moved_from: Mapping[str, str], role: str,
                  extra_aliases: Sequence[pulumi.Alias] = (), **options) -> pulumi.ResourceOptions:
    """Options of one child: parented, and aliased to its old top-level URN when it moved
    (plus ``extra_aliases``, e.g. a :func:`former_parent_alias`)."""
    old = moved_from.get(role)
    aliases = [pulumi.Alias(name=old, parent=pulumi.ROOT_STACK_RESOURCE)] if old else []
    aliases.extend(extra_aliases)
    return pulumi.ResourceOptions(parent=parent, aliases=aliases or None, **options)
