"""Terraform's ``jsonencode`` and ``yamlencode``, byte for byte.

A payload that upstream rendered from HCL values (a config file in a ConfigMap, a JSON
environment variable) must come out with the same bytes, or adopting the live object
changes it — and a workload that hashes it, or a Job whose immutable pod template holds
it, restarts or is replaced. These render Python values the way Terraform 1.x did:

- ``jsonencode``: compact, object keys sorted, ``<``, ``>`` and ``&`` escaped as ``\\u003c``
  and friends (Go's encoding/json), non-ASCII text kept as is.
- ``yamlencode`` (go-cty-yaml, a go-yaml v2 emitter): keys sorted, every key and string
  double-quoted, block style, two-space indentation, sequences in a mapping not indented,
  and a double-quoted string folded at the first space past column 80 onto a continuation
  line indented two past its key (a folded line break reads back as that space).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

_WIDTH = 80
_INDENT = 2


def jsonencode(value: object) -> str:
    """Terraform's ``jsonencode(value)``."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def yamlencode(value: object) -> str:
    """Terraform's ``yamlencode(value)`` for mappings, sequences, strings, numbers, bools, None."""
    out: list[str] = []
    _node(value, indent=-1, column=0, out=out, in_mapping=False)
    return "".join(out).lstrip("\n") + "\n"


_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
            "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _printable(ch: str) -> bool:
    code = ord(ch)
    return (ch in "\t\n" or 0x20 <= code <= 0x7E or code == 0x85 or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD and code != 0xFEFF or 0x10000 <= code <= 0x10FFFF)


def _quoted(text: str, indent: int, column: int, allow_breaks: bool) -> tuple[str, int]:
    """A double-quoted scalar starting at ``column``; returns (text, column after it)."""
    parts = ['"']
    column += 1
    spaces = False
    for i, ch in enumerate(text):
        if ch in _ESCAPES or not _printable(ch) or ch == "\ufeff":
            code = ord(ch)
            if ch in _ESCAPES:
                escaped = "\\" + _ESCAPES[ch]
            elif code <= 0xFF:
                escaped = f"\\x{code:02X}"
            elif code <= 0xFFFF:
                escaped = f"\\u{code:04X}"
            else:
                escaped = f"\\U{code:08X}"
            parts.append(escaped)
            column += len(escaped)
            spaces = False
        elif ch == " ":
            if allow_breaks and not spaces and column > _WIDTH and 0 < i < len(text) - 1:
                parts.append("\n" + " " * indent)
                column = indent
                if text[i + 1] == " ":
                    parts.append("\\")
                    column += 1
            else:
                parts.append(" ")
                column += 1
            spaces = True
        else:
            parts.append(ch)
            column += 1
            spaces = False
    parts.append('"')
    return "".join(parts), column + 1


def _scalar(value: object) -> str | None:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("yamlencode: NaN and infinities have no Terraform value")
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _node(value: object, *, indent: int, column: int, out: list[str], in_mapping: bool) -> int:
    """Emit ``value`` as a block node whose parent collection sits at ``indent``."""
    plain = _scalar(value)
    if plain is not None:
        out.append(" " + plain if column else plain)
        return column + len(plain) + (1 if column else 0)
    if isinstance(value, str):
        lead = " " if column else ""
        text, end = _quoted(value, indent + _INDENT if indent >= 0 else _INDENT, column + len(lead), True)
        out.append(lead + text)
        return end
    if isinstance(value, Mapping):
        if not value:
            out.append(" {}" if column else "{}")
            return column + 3
        inner = indent + _INDENT if indent >= 0 else 0
        for key in sorted(value):
            if not isinstance(key, str):
                raise ValueError(f"yamlencode: mapping key {key!r} is not a string")
            out.append("\n" + " " * inner)
            text, end = _quoted(key, inner + _INDENT, inner, False)
            out.append(text + ":")
            _node(value[key], indent=inner, column=end + 1, out=out, in_mapping=True)
        return inner
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        if not value:
            out.append(" []" if column else "[]")
            return column + 3
        # A sequence that is a mapping value is written at the mapping's own indentation.
        inner = indent if in_mapping and indent >= 0 else (indent + _INDENT if indent >= 0 else 0)
        for item in value:
            out.append("\n" + " " * inner + "-")
            _item(item, indent=inner, out=out)
        return inner
    raise ValueError(f"yamlencode: cannot encode {type(value).__name__}")


def _item(value: object, *, indent: int, out: list[str]) -> None:
    """A sequence entry after its ``-`` at ``indent``: a mapping continues on the dash's line."""
    if isinstance(value, Mapping) and value:
        inner = indent + _INDENT
        for n, key in enumerate(sorted(value)):
            if not isinstance(key, str):
                raise ValueError(f"yamlencode: mapping key {key!r} is not a string")
            out.append(" " if n == 0 else "\n" + " " * inner)
            text, end = _quoted(key, inner + _INDENT, inner, False)
            out.append(text + ":")
            _node(value[key], indent=inner, column=end + 1, out=out, in_mapping=True)
        return
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)) and value:
        inner = indent + _INDENT
        for n, item in enumerate(value):
            out.append(" -" if n == 0 else "\n" + " " * inner + "-")
            _item(item, indent=inner, out=out)
        return
    _node(value, indent=indent, column=indent + 1, out=out, in_mapping=False)
