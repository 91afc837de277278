"""Files a stack ships (scripts, dashboards, values) and the cluster TLS material.

Large operator content that has not been brought over from the Terraform repo yet is a
placeholder file whose first line starts with ``PLACEHOLDER``. Previews (and the offline
synth) render it; a real ``pulumi up`` refuses, naming the file to bring over.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
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
