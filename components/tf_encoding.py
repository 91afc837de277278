"""Terraform's ``jsonencode`` and ``yamlencode``, byte for byte.

A payload that upstream rendered from HCL values (a config file in a ConfigMap, a JSON
environment variable) must come out with the same bytes, or adopting the live object
changes it — and a workload that hashes it, or a Job whose immutable pod template holds
it, restarts or is replaced. These render Python values the way Terraform 1.x did:

- ``jsonencode``: compact, object keys sorted, ``<``, ``>`` and ``&`` escaped as ``\\u003c``
  and friends (Go's encoding/json), non-ASCII text kept as is.
- ``yamlencode`` (go-cty-yaml, a go-yaml v2 emitter): keys sorted, block style, two-space
  indentation, sequences in a mapping not indented, empty collections as ``{}``/``[]``.
  Keys are always double-quoted. A string value holding a ``\\n`` is a literal block
  (``|``) unless it ends in a space, has a space right before a line break, or holds a
  character the emitter calls non-printable (tab, ``\\r``, C0/C1 controls, the BOM,
  anything past U+FFFF); the block's lines sit two past its parent collection, are never
  folded, empty lines carry no indentation, a leading space or line break adds the
  indentation indicator ``2``, and the chomping indicator is ``-`` without a final line
  break, none with exactly one and ``+`` with more (or when the string is one line break).
  Every other string is double-quoted with the emitter's escapes, folded at the first
  space past column 80 onto a continuation line two past its parent (a folded break
  reads back as that space; a following space is kept by a ``\\``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

_WIDTH = 80
_INDENT = 2
_KEY_LIMIT = 128  # a longer key (in UTF-8 bytes) is not "simple": "? key" then ": value"


def jsonencode(value: object) -> str:
    """Terraform's ``jsonencode(value)``."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def yamlencode(value: object) -> str:
    """Terraform's ``yamlencode(value)`` for mappings, sequences, strings, numbers, bools, None."""
    w = _Writer()
    w.node(value, parent=-1, mapping_value=False)
    w.indent_to(0)  # the document end
    return "".join(w.parts)


_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
            "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}
_BREAKS = "\r\n\x85\u2028\u2029"


def _printable(ch: str) -> bool:
    """go-yaml's ``is_printable`` (unicode on): no tab, no C1, nothing past the BMP."""
    code = ord(ch)
    return (code == 0x0A or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD and code != 0xFEFF)


def _literal_allowed(text: str) -> bool:
    """go-yaml's ``block_allowed``, asked only of strings holding a ``\\n``."""
    if text.endswith(" "):
        return False
    if any(text[i] == " " and text[i + 1] in _BREAKS for i in range(len(text) - 1)):
        return False
    return all(_printable(ch) for ch in text)


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


class _Writer:
    """The slice of go-yaml's block emitter these values reach, with its column bookkeeping."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.column = 0
        self.whitespace = True  # the last thing written was whitespace (or nothing)
        self.indention = True   # only indentation so far on this line

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.parts.append("\n")
        self.column = 0

    def indent_to(self, indent: int) -> None:
        indent = max(indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        self.put(" " * (indent - self.column))
        self.whitespace = self.indention = True

    def indicator(self, text: str, *, need_whitespace: bool, is_whitespace: bool = False,
                  is_indention: bool = False) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        self.put(text)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention

    # nodes; ``parent`` is the indentation of the enclosing collection (-1 at the root)

    def node(self, value: object, *, parent: int, mapping_value: bool) -> None:
        plain = _scalar(value)
        if plain is not None:
            if not self.whitespace:
                self.put(" ")
            self.put(plain)
            self.whitespace = self.indention = False
        elif isinstance(value, str):
            indent = parent + _INDENT if parent >= 0 else _INDENT
            if "\n" in value and _literal_allowed(value):
                self.literal(value, indent)
            else:
                self.quoted(value, indent, allow_breaks=True)
        elif isinstance(value, Mapping):
            if not value:
                self.indicator("{", need_whitespace=True, is_whitespace=True)
                self.indicator("}", need_whitespace=False)
                return
            indent = parent + _INDENT if parent >= 0 else 0
            for key in sorted(value):
                if not isinstance(key, str):
                    raise ValueError(f"yamlencode: mapping key {key!r} is not a string")
                self.indent_to(indent)
                if len(key.encode()) <= _KEY_LIMIT and not any(ch in _BREAKS for ch in key):
                    self.quoted(key, indent + _INDENT, allow_breaks=False)
                    self.indicator(":", need_whitespace=False)
                else:  # not a simple key: "? key" and ": value" on lines of their own
                    self.indicator("?", need_whitespace=True, is_indention=True)
                    self.node(key, parent=indent, mapping_value=True)
                    self.indent_to(indent)
                    self.indicator(":", need_whitespace=True, is_indention=True)
                self.node(value[key], parent=indent, mapping_value=True)
        elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
            if not value:
                self.indicator("[", need_whitespace=True, is_whitespace=True)
                self.indicator("]", need_whitespace=False)
                return
            if parent < 0:
                indent = 0
            elif mapping_value and not self.indention:
                indent = parent  # a mapping's sequence value is not indented
            else:
                indent = parent + _INDENT
            for item in value:
                self.indent_to(indent)
                self.indicator("-", need_whitespace=True, is_indention=True)
                self.node(item, parent=indent, mapping_value=False)
        else:
            raise ValueError(f"yamlencode: cannot encode {type(value).__name__}")

    def quoted(self, text: str, indent: int, *, allow_breaks: bool) -> None:
        self.indicator('"', need_whitespace=True)
        bom = text.startswith("\ufeff")  # go-yaml tests the value's first bytes for every character
        spaces = False
        for i, ch in enumerate(text):
            if bom or not _printable(ch) or ch in _BREAKS or ch in '"\\':
                code = ord(ch)
                if ch in _ESCAPES:
                    self.put("\\" + _ESCAPES[ch])
                elif code <= 0xFF:
                    self.put(f"\\x{code:02X}")
                elif code <= 0xFFFF:
                    self.put(f"\\u{code:04X}")
                else:
                    self.put(f"\\U{code:08X}")
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > _WIDTH and 0 < i < len(text) - 1:
                    self.indent_to(indent)
                    if text[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(" ")
                spaces = True
            else:
                self.put(ch)
                spaces = False
        self.indicator('"', need_whitespace=False)

    def literal(self, text: str, indent: int) -> None:
        self.indicator("|", need_whitespace=True)
        if text[0] in " " + _BREAKS:
            self.indicator(str(_INDENT), need_whitespace=False)
        if text[-1] not in _BREAKS:
            self.indicator("-", need_whitespace=False)
        elif len(text) == 1 or text[-2] in _BREAKS:
            self.indicator("+", need_whitespace=False)
        self.put_break()
        self.indention = self.whitespace = True
        breaks = True
        for ch in text:
            if ch in _BREAKS:
                if ch == "\n":
                    self.put_break()
                else:
                    self.parts.append(ch)
                    self.column = 0
                self.indention = breaks = True
            else:
                if breaks:
                    self.indent_to(indent)
                self.put(ch)
                self.indention = breaks = False
