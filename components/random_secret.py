"""Random secrets that survive adoption from Terraform state.

Importing a random password into Pulumi keeps its value but records every character-class
flag as true and the length of the value; a program that says ``special=False`` would then
replace it, rotating the secret under every consumer. Ignoring the generation parameters
keeps the imported value; they only matter at creation.
"""

from __future__ import annotations

import pulumi
import pulumi_random as random

GENERATION_FIELDS = (
    "length", "special", "upper", "lower", "numeric", "number",
    "minSpecial", "minUpper", "minLower", "minNumeric", "overrideSpecial",
)


def random_password(name: str, *, length: int, special: bool = True,
                    opts: pulumi.ResourceOptions | None = None, **kwargs) -> random.RandomPassword:
    """A RandomPassword whose generation parameters never force a replacement."""
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        from components.errors import ArgumentError

        raise ArgumentError("random_password", "length", f"is {length!r}, expected a positive integer")
    ignore = pulumi.ResourceOptions(ignore_changes=list(GENERATION_FIELDS))
    return random.RandomPassword(name, length=length, special=special,
                                 opts=pulumi.ResourceOptions.merge(ignore, opts), **kwargs)
