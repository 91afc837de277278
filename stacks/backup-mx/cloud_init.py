"""Render mx2's cloud-init template the way Terraform's ``templatefile()`` did.

The template (files/cloud-init.yaml.tftpl, operator content) uses a small part of the
Terraform template language: ``${name}`` interpolation of plain variables and
``%{ if name != "" }`` / ``%{ else }`` / ``%{ endif }`` blocks, plus the escapes ``$${`` and
``%%{``. Anything else (function calls, ``for`` loops, strip markers) is refused with the
offending text, so a template that needs more fails loudly instead of rendering wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\$\$\{|%%\{|\$\{([^}]*)\}|%\{([^}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IF_NOT_EMPTY = re.compile(r'^if\s+([A-Za-z_][A-Za-z0-9_]*)\s*!=\s*""$')


class TemplateError(ValueError):
    """The template uses something this renderer does not implement, or a variable is missing."""


def render(template: str, variables: Mapping[str, str]) -> str:
    """``template`` with every interpolation and directive evaluated against ``variables``."""
    out: list[str] = []
    # One entry per open `if`: (this branch is emitted, the block's condition was true).
    stack: list[tuple[bool, bool]] = []
    pos = 0

    def emitting() -> bool:
        return all(active for active, _ in stack)

    for match in _TOKEN.finditer(template):
        if emitting():
            out.append(template[pos:match.start()])
        pos = match.end()
        text = match.group(0)
        if text in ("$${", "%%{"):
            if emitting():
                out.append(text[1:])
            continue
        if match.group(1) is not None:
            name = match.group(1).strip()
            if not _NAME.match(name):
                raise TemplateError(f"unsupported interpolation {text!r}: only plain variable names")
            if name not in variables:
                raise TemplateError(f"template variable {name!r} is not provided")
            if emitting():
                out.append(str(variables[name]))
            continue
        directive = match.group(2).strip()
        condition = _IF_NOT_EMPTY.match(directive)
        if condition:
            name = condition.group(1)
            if name not in variables:
                raise TemplateError(f"template variable {name!r} is not provided")
            truth = variables[name] != ""
            stack.append((truth, truth))
        elif directive == "else":
            if not stack:
                raise TemplateError("%{ else } without an open %{ if }")
            _, truth = stack.pop()
            stack.append((not truth, truth))
        elif directive == "endif":
            if not stack:
                raise TemplateError("%{ endif } without an open %{ if }")
            stack.pop()
        else:
            raise TemplateError(f"unsupported directive {text!r}: only `if <name> != \"\"`, `else`, `endif`")
    if stack:
        raise TemplateError("%{ if } without a matching %{ endif }")
    out.append(template[pos:])
    return "".join(out)
