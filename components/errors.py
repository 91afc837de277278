"""The one error type components raise for bad arguments."""

from __future__ import annotations

from collections.abc import Iterable


class ArgumentError(ValueError):
    """A component argument is invalid.

    The message always names the component, the argument and what would be accepted, so
    a failing ``pulumi preview`` points at the line to fix before anything is applied.
    """

    def __init__(self, component: str, argument: str, problem: str, allowed: Iterable[str] | None = None):
        self.component = component
        self.argument = argument
        message = f"{component}: argument '{argument}' {problem}"
        if allowed is not None:
            message += f" (allowed: {', '.join(repr(a) for a in allowed)})"
        super().__init__(message)


def require_choice(component: str, argument: str, value: object, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ArgumentError(component, argument, f"is {value!r}", allowed)


def require_text(component: str, argument: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ArgumentError(component, argument, f"must be a non-empty string, got {value!r}")


def require_dns_label(component: str, argument: str, value: object) -> None:
    """Kubernetes object names: lowercase alphanumerics, '-' and '.', at most 253 chars."""
    import re

    require_text(component, argument, value)
    assert isinstance(value, str)
    if len(value) > 253 or not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", value):
        raise ArgumentError(
            component, argument,
            f"is {value!r}, which is not a valid Kubernetes name (lowercase letters, digits, '-', '.')",
        )
