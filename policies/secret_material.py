"""No plaintext secret material in ConfigMaps, env values, Secrets, provider inputs or
stack config. Values must be Pulumi secrets (or unknown outputs) or come from an
ExternalSecret / secretKeyRef. Messages never echo the value."""

from __future__ import annotations

import base64
import json
import math
import re
from collections import Counter
from typing import Any, Iterable, Iterator

from pulumi_policy import EnforcementLevel

from policies.common import SECRET, UNKNOWN, Finding, PolicySpec, Resource, dig, make_policy
from policies.k8s import POD_TEMPLATE_PATHS, cname, containers, pod_views

POLICY = "no-plaintext-secrets"
CONFIGMAP = "kubernetes:core/v1:ConfigMap"
SECRET_TYPE = "kubernetes:core/v1:Secret"
POD_KINDS = tuple(POD_TEMPLATE_PATHS)
HELM_TYPES = ("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Release")


# Relative paths and image references (registry/repo:tag or @digest): long and varied, but
# never key material. Base64 secrets carry '+' or '=' and are not matched.
_REFERENCE = re.compile(r"(\.{1,2}/)?([A-Za-z0-9._-]+/)+[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?")
# Traefik's `<namespace>-<name>@<provider>` references, as router.middlewares lists them.
_PROVIDER_REFERENCE = re.compile(r"[a-z0-9][a-z0-9-]*@(kubernetescrd|kubernetesgateway|file|docker|internal)")


def snake_key(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key))


def shannon(value: str) -> float:
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _json_container(value: str) -> bool:
    try:
        return isinstance(json.loads(value), (dict, list))
    except ValueError:
        return False


class Heuristics:
    def __init__(self, cfg: dict) -> None:
        self.key_pats = [re.compile(p, re.I) for p in cfg.get("secretKeyPatterns") or []]
        self.key_allow = [re.compile(p, re.I) for p in cfg.get("secretKeyAllowlist") or []]
        self.value_allow = {str(v).lower() for v in cfg.get("secretValueAllowlist") or []}
        self.min_len = int(cfg.get("entropyMinLength") or 24)
        self.threshold = float(cfg.get("entropyThreshold") or 4.2)

    def secret_key(self, key: str) -> bool:
        """Patterns are matched against the key and against its snake form (``dbPass`` ->
        ``db_Pass``, ``X-Api-Key`` -> ``X_Api_Key``), so segment patterns see word boundaries."""
        if self.allowed_key(key):
            return False
        snake = snake_key(key)
        return any(p.search(key) or p.search(snake) for p in self.key_pats)

    def allowed_key(self, key: str) -> bool:
        snake = snake_key(key)
        return any(p.fullmatch(key) or p.fullmatch(snake) for p in self.key_allow)

    def literal(self, value: Any) -> bool:
        """A plaintext literal: a non-marker scalar not on the value allowlist."""
        if value is SECRET or value is UNKNOWN or value is None or isinstance(value, (dict, list, bool)):
            return False
        return str(value).lower() not in self.value_allow

    def high_entropy(self, value: Any) -> bool:
        if not isinstance(value, str) or len(value) < self.min_len or re.search(r"\s", value) \
                or value.startswith("-"):
            return False
        if "://" in value or value.startswith("/") or _REFERENCE.fullmatch(value):
            return False
        # A list of middleware references is long and varied, but names objects, not a secret.
        if all(_PROVIDER_REFERENCE.fullmatch(part) for part in value.split(",")):
            return False
        # A compact JSON document scores as random text; Scanner.text scores its leaves instead.
        if value[:1] in ("{", "[") and _json_container(value):
            return False
        return shannon(value) >= self.threshold

    def classify(self, key: str, value: Any) -> str:
        """'' if fine, else the reason a key/value pair looks like plaintext secret material."""
        if not self.literal(value):
            return ""
        if self.secret_key(key):
            return "its key looks like a credential"
        if not self.allowed_key(key) and self.high_entropy(value):
            return "its value is a high-entropy literal"
        return ""


FIX_SECRET = ("read it from an ExternalSecret (components' ExternalSecret, Vault-backed) and reference it via "
              "secretKeyRef / envFrom / a Secret volume")

# Values that name or reference a secret without being one: env-var and template references,
# file paths, placeholders.
_REF_VALUE = re.compile(r"""^\s*(
      \$.*                                         # $VAR ${VAR} $(VAR) $(command): expansions
    | %[A-Za-z_][A-Za-z0-9_]*%
    | .*\{\{.*\}\}.*                               # Helm / Go / ESO templates
    | <[^<>]*>                                     # <placeholder>
    | (~|\.{1,2})?/[^\s]*                          # a path
    | file:.*
    | PLACEHOLDER\b.*
    | vault:.* | ref\+vault.* | secretref:.*
    )\s*$""", re.X | re.I | re.S)
_AUTH_VALUE = re.compile(r"^(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}$", re.I)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_URL_CREDS = re.compile(r"\b([a-z][a-z0-9+.-]*)://([^/\s:@'\"]+):([^/\s@'\"]+)@", re.I)
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")
_PUBLIC_PEM = ("CERTIFICATE", "PUBLIC KEY", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "X509 CRL",
               "DH PARAMETERS", "EC PARAMETERS", "RSA PUBLIC KEY", "TRUSTED CERTIFICATE", "PGP PUBLIC KEY BLOCK",
               "PGP SIGNATURE", "SSH2 PUBLIC KEY")
# key = value / key: value / "key": "value" / export KEY=value / --flag=value lines of a config file
_LINE_PAIR = re.compile(r"""^\s*(?:export\s+|set\s+|-{1,2})?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=|:|\s)\s*(.+?)\s*[,;]?\s*$""")
_INLINE_PAIR = re.compile(r"""[;&?]\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s;&'"]+)""")
_FLAG_PAIR = re.compile(r"""(?:^|\s)--?([A-Za-z][A-Za-z0-9_\-]*)(?:=|\s+)(["']?)([^\s"']+)\2""")


def is_reference(value: str) -> bool:
    return bool(_REF_VALUE.match(value))


_CODE = re.compile(r"[()\[\]{}`]|^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$|^(self|this|os|env|process)\b")


def _line_literal(raw: str):
    """The literal a config/script line assigns, or None when it assigns an expression (a call,
    an attribute, a lookup: code that reads the secret from somewhere)."""
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        q = raw[0]
        end = raw.find(q, 1)
        return raw[1:end] if end > 0 else None
    if _CODE.search(raw):
        return None
    return raw.split(" #", 1)[0].strip()


class Scanner:
    """Finds plaintext credentials in one string value (with the key it sits under)."""

    def __init__(self, h: "Heuristics") -> None:
        self.h = h

    def pair(self, key: str, value: Any, entropy: bool = True) -> str:  # noqa: C901
        """Why (key, value) is plaintext credential material; '' if it is not."""
        if not self.h.literal(value):
            return ""
        text = str(value).strip().strip("'\"")
        if not text or text.lower() in self.h.value_allow or is_reference(text):
            return ""
        if _AUTH_VALUE.match(text):
            return "it is an Authorization header value"
        if self.h.secret_key(key):
            # A key name written as the value (``secretKey: db_password``) names a secret.
            if _IDENT.match(text) and self.h.secret_key(text):
                return ""
            # A URL is an address (inline passwords are found separately), except where the
            # URL itself is the credential (webhook URLs).
            if _URL.match(text) and not re.search(r"webhook|hook_?url", snake_key(key), re.I):
                return ""
            return "its key looks like a credential"
        if entropy and not self.h.allowed_key(key) and self.h.high_entropy(text):
            return "its value is a high-entropy literal"
        return ""

    def text(self, value: Any, lines: bool = True) -> list:
        """Reasons found inside free text: PEM private keys, URLs with inline passwords, and (for
        multi-line config files or scripts) credential-looking key/value lines."""
        if not isinstance(value, str) or value in (SECRET, UNKNOWN):
            return []
        out = []
        for m in _PEM.finditer(value):
            if m.group(1).strip() not in _PUBLIC_PEM:
                out.append(f"it contains a PEM {m.group(1).strip()} block")
        for m in _URL_CREDS.finditer(value):
            if not is_reference(m.group(3)) and not m.group(3).startswith(("$", "{{", "%", "<", "*")):
                out.append(f"it contains a {m.group(1)}:// URL with an inline password")
        if value.lstrip()[:1] in ("{", "["):
            try:
                doc = json.loads(value)
            except ValueError:
                doc = None
            if isinstance(doc, (dict, list)):
                out += [f"{p} is a literal ({why})" for p, why in self.walk(doc, "json")]
        if lines:
            for n, line in enumerate(value.splitlines(), 1):
                stripped = line.strip()
                if not stripped or stripped.startswith(("#", "//", ";")):
                    continue
                for fm in _FLAG_PAIR.finditer(stripped):
                    if self.pair(fm.group(1), fm.group(3), entropy=False):
                        out.append(f"line {n} passes --{fm.group(1)} as a literal")
                m = _LINE_PAIR.match(stripped)
                if m:
                    lit = _line_literal(m.group(2))
                    spaced = m.group(0)[m.end(1):m.start(2)].strip(" \t\"'") == ""
                    if lit is not None and not (spaced and " " in lit) and \
                            self.pair(m.group(1), lit, entropy=False):
                        out.append(f"line {n} sets {m.group(1)} to a literal")
                # key=value pairs inside connection strings and query strings
                for im in _INLINE_PAIR.finditer(stripped):
                    lit = _line_literal(im.group(2))
                    if lit is not None and self.pair(im.group(1), lit, entropy=False):
                        out.append(f"line {n} embeds {im.group(1)}= as a literal")
        return list(dict.fromkeys(out))

    def value(self, key: str, value: Any, entropy: bool = True) -> list:
        why = self.pair(key, value, entropy)
        return ([why] if why else []) + self.text(value)

    def walk(self, obj: Any, path: str = "", entropy: bool = True) -> Iterator[tuple]:
        """(path, reason) for every leaf of a nested structure (Helm values, Middleware specs)."""
        if isinstance(obj, dict):
            for k, v in obj.items():
                p = f"{path}.{k}" if path else str(k)
                if isinstance(v, (dict, list)):
                    yield from self.walk(v, p, entropy)
                else:
                    for why in self.value(str(k), v, entropy):
                        yield p, why
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                p = f"{path}[{i}]"
                if isinstance(v, (dict, list)):
                    yield from self.walk(v, p, entropy)
                elif isinstance(v, str) and v.startswith("-"):
                    for why in _argv_findings(self, [v]):
                        yield p, why
                else:
                    key = path.rsplit(".", 1)[-1]
                    for why in self.value(key, v, entropy):
                        yield p, why


def _pairs(data: Any) -> Iterable:
    if isinstance(data, dict):
        yield from data.items()


def _is_middleware(res: Resource) -> bool:
    return res.type.startswith("kubernetes:traefik.") and res.kind == "Middleware"


def _decode(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def check_plaintext(res: Resource, cfg: dict) -> list:
    h = Heuristics(cfg)
    sc = Scanner(h)
    out = []

    def add(subject: str, why: str, fix: str) -> None:
        out.append(Finding(f"{res.label}: {subject} holds plaintext credential material ({why})", fix,
                           subject=subject))

    if res.type in (CONFIGMAP, CONFIGMAP + "Patch"):
        for field in ("data", "binaryData"):
            for key, value in _pairs(dig(res.props, field)):
                if field == "binaryData":
                    value = _decode(value)
                    if value is None:
                        continue
                for why in sc.value(key, value):
                    add(f"{field}['{key}']", why, f"move it out of the ConfigMap: {FIX_SECRET}")
    elif res.type in (SECRET_TYPE, SECRET_TYPE + "Patch"):
        for field in ("stringData", "data"):
            for key, value in _pairs(dig(res.props, field)):
                if h.literal(value) and not h.allowed_key(key):
                    out.append(Finding(f"{res.label}: {field}['{key}'] is a plaintext literal in the program",
                                       "wrap it with pulumi.Output.secret / config.require_secret, or replace "
                                       "the Secret with an ExternalSecret", subject=f"{field}['{key}']"))
    elif res.type.startswith("pulumi:providers:"):
        for key, value in _pairs(res.props):
            if isinstance(value, str) and h.secret_key(key) and sc.pair(key, value):
                out.append(Finding(f"provider '{res.name}': input '{key}' is a plaintext literal",
                                   "pass it from config.require_secret (a secure: value in Pulumi.prod.yaml)",
                                   subject=f"input {key}"))
    elif res.type in HELM_TYPES:
        for path, why in sc.walk(dig(res.props, "values"), "values"):
            add(path, why, "pass it as a Pulumi secret only where the chart reads an existing Secret "
                           "(existingSecret-style values), or create the Secret from an ExternalSecret")
    elif _is_middleware(res):
        basic = dig(res.props, "spec", "basicAuth", "users")
        if isinstance(basic, list) and any(isinstance(u, str) and ":" in u for u in basic):
            add("spec.basicAuth.users", "inline htpasswd entries", "use basicAuth.secret naming a Secret")
        for path, why in sc.walk(dig(res.props, "spec"), "spec", entropy=False):
            # Traefik's `secret` / `*Secret` options name a Secret object (basicAuth.secret, tls.certSecret).
            if re.search(r"secret$", path.rsplit(".", 1)[-1], re.I) and \
                    _DNS_NAME.match(str(dig(res.props, *path.split(".")) or "")):
                continue
            add(path, why, f"use a Secret-backed option of the middleware: {FIX_SECRET}")
    elif res.type.startswith("kubernetes:") and res.kind.removesuffix("Patch") not in POD_KINDS + ("Secret",) \
            and not res.type.startswith(("kubernetes:helm.sh/", "kubernetes:yaml/")):
        # Any other object (custom resources included): its spec is readable by whoever can get it.
        # (no entropy heuristic here: match rules, regexes and hashes in CRD specs look random)
        for path, why in sc.walk(dig(res.props, "spec"), "spec", entropy=False):
            add(path, why, f"reference a Secret instead of a literal: {FIX_SECRET}")
    if res.type not in (SECRET_TYPE, SECRET_TYPE + "Patch") and res.type.startswith("kubernetes:"):
        ann = dig(res.props, "metadata", "annotations")
        for key, value in _pairs(ann):
            if key == "kubectl.kubernetes.io/last-applied-configuration":
                continue
            for why in sc.value(key, value):
                add(f"annotation {key}", why, f"annotations are readable by anyone who can list the object: {FIX_SECRET}")
    for pv in pod_views(res):
        for key, i, c in containers(pv.spec, ("containers", "initContainers", "ephemeralContainers")):
            if c is UNKNOWN:
                continue
            env = dig(c, "env")
            for e in env if isinstance(env, list) else []:
                name, value = dig(e, "name"), dig(e, "value")
                if isinstance(name, str):
                    for why in sc.value(name, value):
                        add(f"{cname(c, key, i)} env {name}", why, f"use valueFrom.secretKeyRef: {FIX_SECRET}")
            for field in ("command", "args"):
                items = dig(c, field)
                if not isinstance(items, list):
                    continue
                for why in _argv_findings(sc, items):
                    add(f"{cname(c, key, i)} {field}", why,
                        f"pass it through an env var from a secretKeyRef and reference it as $(VAR): {FIX_SECRET}")
    return out


def _argv_findings(sc: Scanner, items: list) -> list:
    out = []
    strs = [x if isinstance(x, str) else "" for x in items]
    for j, tok in enumerate(strs):
        m = re.match(r"^--?([A-Za-z][A-Za-z0-9_\-]*)=(.*)$", tok, re.S)
        if m:
            why = sc.pair(m.group(1), m.group(2), entropy=False)
            if why:
                out.append(f"--{m.group(1)} is given a literal")
        elif tok.startswith("-") and j + 1 < len(strs) and not strs[j + 1].startswith("-") \
                and items[j + 1] not in (SECRET, UNKNOWN):
            why = sc.pair(tok.lstrip("-"), strs[j + 1], entropy=False)
            if why:
                out.append(f"{tok} is given a literal")
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.+)$", tok, re.S)
        if m and not tok.startswith("-") and sc.pair(m.group(1), m.group(2), entropy=False):
            out.append(f"{m.group(1)}= is set to a literal")
        out += sc.text(tok)
    return list(dict.fromkeys(out))


# --- no-secret-outside-secret-object -------------------------------------------------------------

def secret_paths(obj: Any, path: str = "") -> Iterator[str]:
    if obj is SECRET:
        yield path or "(value)"
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from secret_paths(v, f"{path}.{k}" if path else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            # Named items (env vars, containers, ports) by name: stable when the list is reordered.
            name = v.get("name") if isinstance(v, dict) else None
            yield from secret_paths(v, f"{path}[{name}]" if isinstance(name, str) and name else f"{path}[{i}]")


def check_secret_placement(res: Resource, cfg: dict) -> list:
    """A Pulumi secret stays secret in state, but once written into a ConfigMap, a pod spec, an
    annotation or chart values it is plaintext to anyone who can read that object."""
    if res.type in HELM_TYPES:
        props = {"values": dig(res.props, "values")}
    elif res.type.startswith("kubernetes:") and res.kind not in ("Secret", "SecretPatch") \
            and not res.type.startswith("kubernetes:helm.sh/") and not res.type.startswith("kubernetes:yaml/"):
        props = res.props
    else:
        return []
    out = []
    for path in secret_paths(props):
        out.append(Finding(
            f"{res.label}: {path} is a Pulumi secret placed into a {res.kind or res.type}, which stores it in "
            f"plaintext for anyone who can read the object",
            f"put the value into a Secret (or an ExternalSecret) and reference it: {FIX_SECRET}", subject=path))
    return out


def check_stack_config(config: dict, cfg: dict) -> list:
    """Plain (non-``secure:``) values in a stack's Pulumi.<stack>.yaml ``config:`` block that look
    like secrets. Used by tools/policy_check, which can read the stack files."""
    h = Heuristics(cfg)
    sc = Scanner(h)
    out = []
    for key, value in (config or {}).items():
        if isinstance(value, dict) and "secure" in value:
            continue
        short = str(key).split(":", 1)[-1]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            why = sc.pair(short, str(value)) or next(iter(sc.text(str(value))), "")
            if why:
                out.append(Finding(f"stack config '{key}' is stored in plaintext ({why})",
                                   f"pulumi config set --secret {key} <value>"))
    return out


_SECRET_PROPS = {
    "secretKeyPatterns": {"type": "array", "items": {"type": "string"}},
    "secretKeyAllowlist": {"type": "array", "items": {"type": "string"}},
    "secretValueAllowlist": {"type": "array", "items": {"type": "string"}},
    "entropyMinLength": {"type": "integer"},
    "entropyThreshold": {"type": "number"},
}

SPECS = [
    PolicySpec(name=POLICY,
               description="No plaintext credential outside a Secret: env values, command/args, annotations, "
                           "ConfigMap data/binaryData, Middleware specs, Helm values, config-file lines, URLs with "
                           "inline passwords, PEM private keys; Secret literals, provider inputs, stack config.",
               level=EnforcementLevel.MANDATORY,
               origin="upstream Vault/ESO convention (secrets never in .tf)",
               validate=check_plaintext, config_properties=dict(_SECRET_PROPS)),
    PolicySpec(name="no-secret-outside-secret-object",
               description="No Pulumi secret is written into a non-Secret Kubernetes object or Helm values.",
               level=EnforcementLevel.MANDATORY, origin="issue #18",
               validate=check_secret_placement),
]


def policies() -> list:
    return [make_policy(s) for s in SPECS]
