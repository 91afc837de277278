"""A strict reader for literal HCL values: what ``yamlencode({...})`` of a constant holds.

Upstream sometimes built a config file as ``yamlencode`` of a large HCL object that refers
to nothing (the Loki ruler rules). Bring-over reproduces those bytes offline by reading the
object here and rendering it with ``components.tf_encoding.yamlencode``. Only constants are
accepted, each with Terraform's meaning:

- objects ``{ key = value }`` or ``{ key: value }``, keys bare identifiers or quoted
  strings, items separated by newlines or commas; tuples ``[a, b,]``;
- quoted strings with HCL's escapes (``\\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN``,
  ``$${`` and ``%%{`` for a literal ``${`` / ``%{``);
- heredocs ``<<EOT`` (taken as written) and ``<<-EOT`` (the smallest leading-whitespace
  width of the non-blank lines removed from each non-blank line; whitespace-only lines are
  kept as they are), each line ending in a line break;
- numbers, ``true``, ``false``, ``null``; ``#``, ``//`` and ``/* */`` comments.

Everything else — an interpolation ``${...}``, a template directive ``%{...}``, a reference,
a function call, an operator — is refused with the line it is on: its value depends on
Terraform state or evaluation that an offline copy cannot repeat.
"""

from __future__ import annotations

import re
from decimal import Decimal

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORDS = {"true": True, "false": False, "null": None}


class HclLiteralError(ValueError):
    """Not a literal HCL value; ``line`` is the 1-based line of the offending text."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


def parse_value(text: str, pos: int) -> tuple[object, int]:
    """The literal value starting at ``text[pos]`` (after blanks); returns (value, end)."""
    reader = _Reader(text)
    value = reader.value(reader.skip(pos))
    return value, reader.end


def skip_blank(text: str, pos: int) -> int:
    """Past blanks, line breaks and comments from ``pos``."""
    return _Reader(text).skip(pos)


def line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.end = 0

    def fail(self, message: str, pos: int) -> HclLiteralError:
        return HclLiteralError(message, line_of(self.text, pos))

    def skip(self, pos: int) -> int:
        """Past blanks, line breaks and comments."""
        return self._skip(pos)[0]

    def _skip(self, pos: int) -> tuple[int, bool]:
        """Past blanks and comments; also says whether a line break was crossed."""
        text, newline = self.text, False
        while pos < len(text):
            ch = text[pos]
            if ch in " \t\r":
                pos += 1
            elif ch == "\n":
                newline = True
                pos += 1
            elif ch == "#" or text.startswith("//", pos):
                stop = text.find("\n", pos)
                pos = len(text) if stop < 0 else stop
            elif text.startswith("/*", pos):
                stop = text.find("*/", pos + 2)
                if stop < 0:
                    raise self.fail("unterminated /* comment", pos)
                newline = newline or "\n" in text[pos:stop]
                pos = stop + 2
            else:
                break
        return pos, newline

    def value(self, pos: int) -> object:
        text = self.text
        if pos >= len(text):
            raise self.fail("a value is missing at the end of the file", pos)
        ch = text[pos]
        if ch == "{":
            return self.object(pos)
        if ch == "[":
            return self.tuple(pos)
        if ch == '"':
            return self.quoted(pos)
        if text.startswith("<<", pos):
            return self.heredoc(pos)
        number = _NUMBER.match(text, pos)
        if number:
            self.end = number.end()
            return self.number(number.group(), pos)
        ident = _IDENT.match(text, pos)
        if ident:
            word = ident.group()
            after = self.skip(ident.end())
            if word in _KEYWORDS and not text.startswith(("(", ".", "["), after):
                self.end = ident.end()
                return _KEYWORDS[word]
            what = "a function call" if text.startswith("(", after) else "a reference"
            raise self.fail(f"`{word}` is {what}, not a literal value", pos)
        raise self.fail(f"unexpected {text[pos:pos + 10]!r}: not a literal value", pos)

    def object(self, pos: int) -> dict:
        out: dict = {}
        pos = self.skip(pos + 1)
        while True:
            if pos >= len(self.text):
                raise self.fail("unterminated object", pos)
            if self.text[pos] == "}":
                self.end = pos + 1
                return out
            key_pos = pos
            if self.text[pos] == '"':
                key = self.quoted(pos)
                pos = self.end
            else:
                ident = _IDENT.match(self.text, pos)
                if not ident:
                    raise self.fail(f"unexpected {self.text[pos:pos + 10]!r} where an object key belongs", pos)
                key, pos = ident.group(), ident.end()
            pos = self.skip(pos)
            if pos >= len(self.text) or self.text[pos] not in "=:":
                raise self.fail(f"object key {key!r} is not followed by `=` or `:`", pos)
            if key in out:
                raise self.fail(f"object key {key!r} is given twice", key_pos)
            out[key] = self.value(self.skip(pos + 1))
            pos, newline = self._skip(self.end)
            if pos < len(self.text) and self.text[pos] == ",":
                pos = self.skip(pos + 1)
            elif not newline and (pos >= len(self.text) or self.text[pos] != "}"):
                raise self.fail(f"unexpected {self.text[pos:pos + 10]!r} after the value of {key!r}", pos)

    def tuple(self, pos: int) -> list:
        out: list = []
        pos = self.skip(pos + 1)
        while True:
            if pos >= len(self.text):
                raise self.fail("unterminated list", pos)
            if self.text[pos] == "]":
                self.end = pos + 1
                return out
            out.append(self.value(pos))
            pos = self.skip(self.end)
            if pos < len(self.text) and self.text[pos] == ",":
                pos = self.skip(pos + 1)
            elif pos >= len(self.text) or self.text[pos] != "]":
                raise self.fail(f"unexpected {self.text[pos:pos + 10]!r} in a list (a `,` or `]` belongs here)", pos)

    def _template_char(self, pos: int) -> tuple[str, int]:
        """One character of a template (quoted string or heredoc), escapes of ``${``/``%{`` decoded."""
        text = self.text
        for sign in "$%":
            if text.startswith(sign * 2 + "{", pos):
                return sign + "{", pos + 3
            if text.startswith(sign + "{", pos):
                what = "an interpolation `${...}`" if sign == "$" else "a template directive `%{...}`"
                raise self.fail(f"{what} is not a literal value", pos)
        return text[pos], pos + 1

    def quoted(self, pos: int) -> str:
        text, start = self.text, pos
        parts: list[str] = []
        pos += 1
        while True:
            if pos >= len(text) or text[pos] == "\n":
                raise self.fail("unterminated string", start)
            ch = text[pos]
            if ch == '"':
                self.end = pos + 1
                return "".join(parts)
            if ch == "\\":
                code = text[pos + 1:pos + 2]
                if code in _SIMPLE_ESCAPES:
                    parts.append(_SIMPLE_ESCAPES[code])
                    pos += 2
                    continue
                width = {"u": 4, "U": 8}.get(code)
                digits = text[pos + 2:pos + 2 + width] if width else ""
                if not width or not re.fullmatch(r"[0-9A-Fa-f]+", digits) or len(digits) != width:
                    raise self.fail(f"invalid escape {text[pos:pos + 2]!r} in a string", pos)
                parts.append(chr(int(digits, 16)))
                pos += 2 + width
                continue
            piece, pos = self._template_char(pos)
            parts.append(piece)

    def heredoc(self, pos: int) -> str:
        text = self.text
        head = _HEREDOC.match(text, pos)
        if not head:
            raise self.fail("a heredoc opener `<<EOT` / `<<-EOT` must end its line", pos)
        flush, marker = head.group(1) == "-", head.group(2)
        lines: list[str] = []
        line_start = head.end()
        while True:
            if line_start >= len(text):
                raise self.fail(f"heredoc {marker} is not terminated", pos)
            stop = text.find("\n", line_start)
            stop = len(text) if stop < 0 else stop
            raw = text[line_start:stop]
            if raw.strip() == marker:
                self.end = line_start + len(raw) - len(raw.lstrip()) + len(marker)
                break
            chars, at = [], line_start
            while at < stop:
                piece, at = self._template_char(at)
                chars.append(piece)
            lines.append("".join(chars) + "\n")
            line_start = stop + 1
        if flush:
            widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
            cut = min(widths, default=0)
            lines = [line[cut:] if line.strip() else line for line in lines]
        return "".join(lines)

    def number(self, literal: str, pos: int) -> int | float:
        exact = Decimal(literal)
        if exact == exact.to_integral_value():
            return int(exact)
        as_float = float(literal)
        # yamlencode writes Go's shortest 'f' form of the number; a float reproduces it only
        # when its repr is that same decimal text.
        if repr(as_float) != format(exact.normalize(), "f"):
            raise self.fail(f"number {literal} has no exact rendering here", pos)
        return as_float
