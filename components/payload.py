"""Files a stack ships (scripts, dashboards, values) and the cluster TLS material.

Large operator content that has not been brought over from the Terraform repo yet is a
placeholder file whose first line starts with ``PLACEHOLDER``. Previews (and the offline
synth) render it; a real ``pulumi up`` refuses, naming the file to bring over.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pulumi

PLACEHOLDER_MARKER = "PLACEHOLDER"
REPO_ROOT = Path(__file__).resolve().parent.parent


OFFLINE_SYNTH_ENV = "INFRA_OFFLINE_SYNTH"


def offline_synth() -> bool:
    """True inside `make synth`: programs must not reach a cluster or any other live system.

    Set only by tools.synth; a real `pulumi preview`/`up` never has it, so code that checks
    it still takes its live path on the operator's machine.
    """
    return os.environ.get(OFFLINE_SYNTH_ENV) == "1"


class PlaceholderError(RuntimeError):
    """A placeholder payload would be deployed."""


def is_placeholder(text: str) -> bool:
    return text.lstrip().startswith(PLACEHOLDER_MARKER)


def load_payload(stack_dir: str | Path, relative: str) -> str:
    """Text of ``<stack_dir>/files/<relative>``; refuses placeholders outside previews."""
    path = Path(stack_dir) / "files" / relative
    if not path.is_file():
        raise FileNotFoundError(f"payload {path} is missing (expected under the stack's files/)")
    text = path.read_text(encoding="utf-8")
    if is_placeholder(text) and not pulumi.runtime.is_dry_run():
        raise PlaceholderError(
            f"{path} is a placeholder; bring the real content over from the Terraform repo "
            "(docs/migration.md, 'Bring over from the Terraform repo') before `pulumi up`"
        )
    return text


HASH_ALGORITHMS = ("sha256", "sha1")


def content_hash(texts: Sequence[str], algorithm: str = "sha256") -> str:
    """Hex digest that changes whenever one of ``texts`` does.

    One text: its digest (Terraform's ``sha256(file(...))`` / ``sha1(...)``). Several: the
    digest of the texts' own digests joined by commas (``sha256(join(",", [filesha256(...),
    ...]))``, the shape upstream's proxy stack used), so the hashes of adopted pod
    templates come out the same.
    """
    if algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"hash algorithm {algorithm!r} is not one of {HASH_ALGORITHMS}")
    if isinstance(texts, str) or not texts:
        raise ValueError("content_hash needs a non-empty list of texts")

    def digest(text: str) -> str:
        return hashlib.new(algorithm, text.encode("utf-8")).hexdigest()

    if len(texts) == 1:
        return digest(texts[0])
    return digest(",".join(digest(t) for t in texts))


# Go's encoder escapes these for safe embedding in HTML; Terraform's jsonencode inherits it.
_GO_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def terraform_json(value: object) -> str:
    """``value`` encoded byte for byte as Terraform's ``jsonencode`` wrote it.

    Sorted keys, no whitespace, non-ASCII kept as UTF-8, and Go's HTML-safe escapes, so
    content that upstream rendered with jsonencode (a ConfigMap file, a Secret key) is
    adopted without a change. Floats are refused: Terraform prints numbers its own way.
    """
    _refuse_floats(value)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escape in _GO_JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def _refuse_floats(value: object) -> None:
    if isinstance(value, float):
        raise TypeError(f"terraform_json: {value!r} is a float; pass the number as Terraform printed it (a string)")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_floats(item)


def tls_material(root: str | Path = REPO_ROOT) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """(certificate chain, private key) as Pulumi secrets.

    Read from ``secrets/fullchain.pem`` and ``secrets/privkey.pem`` at the repo root, the
    files the certificate-renewal pipeline writes (gitignored). Missing files are allowed
    in previews only, as placeholders, so that the offline synth needs no key material.
    """
    base = Path(root) / "secrets"
    out = []
    for filename in ("fullchain.pem", "privkey.pem"):
        path = base / filename
        if path.is_file():
            out.append(pulumi.Output.secret(path.read_text(encoding="utf-8")))
        elif pulumi.runtime.is_dry_run():
            out.append(pulumi.Output.secret(f"{PLACEHOLDER_MARKER}: {path} not present"))
        else:
            raise PlaceholderError(f"TLS material {path} is missing; run the certificate renewal first")
    return out[0], out[1]


class TemplateError(ValueError):
    """A Terraform template that :func:`render_tftpl` cannot render (syntax, unknown variable, type)."""


def render_tftpl(text: str, variables: Mapping[str, object]) -> str:
    """``text`` rendered the way Terraform's ``templatefile(path, variables)`` renders it.

    Covers the template language the upstream payloads use: ``${expr}`` interpolation,
    ``%{ for k, v in coll }``/``%{ endfor }``, ``%{ if cond }``/``%{ else }``/``%{ endif }``,
    the ``~`` strip markers (whitespace on that side of the sequence up to and including
    one line break, as HCL does) and the ``$${``/``%%{`` escapes. Maps iterate in sorted key order
    like Terraform's; ``for k, v`` over a list gives indexes. Expressions are variables with
    ``.attr``/``[index]`` access, string/number/bool literals, ``!``, ``==``, ``!=``, ``&&``
    and ``||``; anything else (function calls, arithmetic) is refused rather than guessed.
    Text that is not a template sequence — Go-template ``{{ }}``, a lone ``$`` — is kept.
    """
    tokens = _tftpl_tokens(text)
    nodes, rest = _tftpl_tree(tokens, 0, ())
    if rest != len(tokens):
        raise TemplateError(f"unexpected %{{ {tokens[rest][1]} }}")
    out: list[str] = []
    _tftpl_render(nodes, dict(variables), out)
    return "".join(out)


# Go's unicode.IsSpace, which HCL trims with.
_WS = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
      "\u2028\u2029\u202f\u205f\u3000"


# HCL scans template text into one literal per line (each keeping its newline) and a strip
# marker trims only the adjacent literal: `~}` eats the rest of its own line up to and
# including the newline, `%{~` the whitespace back to the start of its line. The next
# line's indentation survives, which is what makes `%{ for ~}` blocks in YAML work.
def _strip_first_line(text: str) -> str:
    end = text.find("\n") + 1 or len(text)
    return text[:end].lstrip(_WS) + text[end:]


def _strip_last_line(text: str) -> str:
    start = text.rfind("\n", 0, len(text) - 1) + 1
    return text[:start] + text[start:].rstrip(_WS)


def _tftpl_close(text: str, start: int) -> int:
    """Index of the ``}`` closing a sequence whose body starts at ``start``."""
    depth, i, quote = 0, start, False
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch in "{[(":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    line = text.count("\n", 0, start) + 1
    raise TemplateError(f"line {line}: template sequence is never closed")


def _tftpl_tokens(text: str) -> list[tuple]:
    """[("lit", text) | ("interp"|"dir", body, line)] with strip markers applied."""
    tokens: list[list] = []
    literal: list[str] = []
    strip_next = False
    i = 0
    while i < len(text):
        if text.startswith("$${", i) or text.startswith("%%{", i):
            literal.append(text[i + 1:i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            kind = "interp" if text[i] == "$" else "dir"
            end = _tftpl_close(text, i + 2)
            body = text[i + 2:end]
            strip_left = body.startswith("~")
            if strip_left:
                body = body[1:]
            strip_right = body.endswith("~")
            if strip_right:
                body = body[:-1]
            body = body.strip(_WS)
            lit = "".join(literal)
            if strip_next:
                lit = _strip_first_line(lit)
            if strip_left:
                lit = _strip_last_line(lit)
            tokens.append(["lit", lit])
            tokens.append([kind, body, text.count("\n", 0, i) + 1])
            literal, strip_next = [], strip_right
            i = end + 1
            continue
        literal.append(text[i])
        i += 1
    lit = "".join(literal)
    tokens.append(["lit", _strip_first_line(lit) if strip_next else lit])
    return [tuple(t) for t in tokens if not (t[0] == "lit" and t[1] == "")]


def _tftpl_keyword(token: tuple) -> str:
    return token[1].split(None, 1)[0] if token[0] == "dir" and token[1] else ""


def _tftpl_tree(tokens: list[tuple], i: int, until: tuple[str, ...]) -> tuple[list, int]:
    """Nodes up to a directive whose keyword is in ``until`` (returned index points at it)."""
    nodes: list = []
    while i < len(tokens):
        token = tokens[i]
        word = _tftpl_keyword(token)
        if token[0] != "dir":
            nodes.append(token)
            i += 1
        elif word in until:
            return nodes, i
        elif word == "for":
            head = re.fullmatch(r"for\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\s+(.+)", token[1], re.S)
            if head is None:
                raise TemplateError(f"line {token[2]}: cannot read %{{ {token[1]} }}")
            body, i = _tftpl_tree(tokens, i + 1, ("endfor",))
            if i >= len(tokens):
                raise TemplateError(f"line {token[2]}: %{{ for }} without %{{ endfor }}")
            key, value = (head.group(1), head.group(2)) if head.group(2) else (None, head.group(1))
            nodes.append(("for", key, value, head.group(3), body, token[2]))
            i += 1
        elif word == "if":
            then, i = _tftpl_tree(tokens, i + 1, ("else", "endif"))
            otherwise: list = []
            if i < len(tokens) and _tftpl_keyword(tokens[i]) == "else":
                otherwise, i = _tftpl_tree(tokens, i + 1, ("endif",))
            if i >= len(tokens):
                raise TemplateError(f"line {token[2]}: %{{ if }} without %{{ endif }}")
            nodes.append(("if", token[1][2:].strip(_WS), then, otherwise, token[2]))
            i += 1
        else:
            raise TemplateError(f"line {token[2]}: unexpected %{{ {token[1]} }}")
    return nodes, i


def _tftpl_render(nodes: list, scope: dict, out: list[str]) -> None:
    for node in nodes:
        kind = node[0]
        if kind == "lit":
            out.append(node[1])
        elif kind == "interp":
            out.append(_tftpl_string(_tftpl_eval(node[1], scope, node[2]), node[1], node[2]))
        elif kind == "for":
            _, key, value, expr, body, line = node
            collection = _tftpl_eval(expr, scope, line)
            if isinstance(collection, Mapping):
                items = [(k, collection[k]) for k in sorted(collection)]
            elif isinstance(collection, (list, tuple)):
                items = list(enumerate(collection))
            else:
                raise TemplateError(f"line {line}: cannot iterate over {expr!r} ({type(collection).__name__})")
            for k, v in items:
                inner = dict(scope)
                inner[value] = v
                if key is not None:
                    inner[key] = k
                _tftpl_render(body, inner, out)
        else:
            _, cond, then, otherwise, line = node
            result = _tftpl_eval(cond, scope, line)
            if not isinstance(result, bool):
                raise TemplateError(f"line {line}: %{{ if {cond} }} is {result!r}, not a bool")
            _tftpl_render(then if result else otherwise, scope, out)


def _tftpl_string(value: object, expr: str, line: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    raise TemplateError(f"line {line}: ${{{expr}}} is {type(value).__name__}, which a template cannot print")


_EXPR_TOKEN = re.compile(r'\s*(?:(?P<num>-?\d+)|(?P<str>"(?:[^"\\]|\\.)*")|(?P<name>[A-Za-z_][\w-]*)'
                         r'|(?P<op>==|!=|&&|\|\||[!.\[\]()]))')


def _tftpl_eval(expr: str, scope: Mapping[str, object], line: int) -> object:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr.rstrip()):
        match = _EXPR_TOKEN.match(expr, pos)
        if match is None:
            raise TemplateError(f"line {line}: unsupported expression {expr!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    parser = _ExprParser(tokens, scope, expr, line)
    value = parser.disjunction()
    if parser.i != len(tokens):
        raise TemplateError(f"line {line}: unsupported expression {expr!r}")
    return value


class _ExprParser:
    def __init__(self, tokens: list[tuple[str, str]], scope: Mapping[str, object], expr: str, line: int):
        self.tokens, self.scope, self.expr, self.line, self.i = tokens, scope, expr, line, 0

    def _fail(self, why: str) -> TemplateError:
        return TemplateError(f"line {self.line}: {why} in {self.expr!r}")

    def _peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.i >= len(self.tokens):
            raise self._fail("unexpected end")
        self.i += 1
        return self.tokens[self.i - 1]

    def disjunction(self) -> object:
        left = self.conjunction()
        while self._peek() == "||":
            self._take()
            right = self.conjunction()
            left = self._bool(left) or self._bool(right)
        return left

    def conjunction(self) -> object:
        left = self.comparison()
        while self._peek() == "&&":
            self._take()
            right = self.comparison()
            left = self._bool(left) and self._bool(right)
        return left

    def comparison(self) -> object:
        left = self.unary()
        if self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self.unary()
            return (left == right) if op == "==" else (left != right)
        return left

    def unary(self) -> object:
        if self._peek() == "!":
            self._take()
            return not self._bool(self.unary())
        return self.postfix()

    def postfix(self) -> object:
        value = self.primary()
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, attr = self._take()
                if kind not in ("name", "num"):
                    raise self._fail("expected an attribute name")
                value = self._index(value, int(attr) if kind == "num" else attr)
            else:
                key = self.disjunction()
                if self._take()[1] != "]":
                    raise self._fail("expected ]")
                value = self._index(value, key)
        return value

    def primary(self) -> object:
        kind, text = self._take()
        if kind == "num":
            return int(text)
        if kind == "str":
            return json.loads(text)
        if kind == "name":
            if text in ("true", "false"):
                return text == "true"
            if self._peek() == "(":
                raise self._fail(f"function {text}() is not supported")
            if text not in self.scope:
                raise self._fail(f"variable {text!r} is not given")
            return self.scope[text]
        if text == "(":
            value = self.disjunction()
            if self._take()[1] != ")":
                raise self._fail("expected )")
            return value
        raise self._fail(f"unexpected {text!r}")

    def _index(self, value: object, key: object) -> object:
        try:
            return value[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            raise self._fail(f"{key!r} is not in the value") from None

    def _bool(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise self._fail(f"{value!r} is not a bool")
        return value
