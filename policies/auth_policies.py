"""Ingress auth posture: fail-closed defaults for every Ingress Traefik serves.

All decisions read values the program knows at preview (annotations and the middleware
list). When one of those is itself unknown at preview the policies report a violation
instead of skipping (``fail_closed``): an Ingress whose protection cannot be shown is
treated as unprotected.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pulumi_policy import EnforcementLevel

from components.constants import (
    ALLOWED_GROUPS_ANNOTATION,
    AUTH_ANNOTATION,
    AUTH_MODES,
    AUTH_REASON_ANNOTATION,
    FORWARD_AUTH_MIDDLEWARES,
    INGRESS_CLASS,
    MW_FORWARD_AUTH,
    MW_FORWARD_AUTH_PUBLIC,
    ROUTER_MIDDLEWARES_ANNOTATION,
)
from policies.common import UNKNOWN, Finding, PolicySpec, Resource, dig, make_policy

INGRESS_TYPE = "kubernetes:networking.k8s.io/v1:Ingress"
INGRESS_CLASS_TYPE = "kubernetes:networking.k8s.io/v1:IngressClass"
GROUP_TYPE = "authentik:index/group:Group"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
TRAEFIK_CONTROLLER = "traefik.io/ingress-controller"

# Postures that open the route to more than Authentik's authenticated users: each says why.
REASONED_MODES: tuple = ("app", "none", "public")
CLASSES_PROP = {"traefikIngressClasses": {"type": "array", "items": {"type": "string"}}}

POSTURE_FIX = (f"build the Ingress with components' IngressFactory, or set annotation "
               f"{AUTH_ANNOTATION}: required (plus router middleware {MW_FORWARD_AUTH} and "
               f"{ALLOWED_GROUPS_ANNOTATION}); app/none/public need {AUTH_REASON_ANNOTATION}")


@dataclasses.dataclass
class IngressAuth:
    annotations: Any
    posture: Any          # str, None or UNKNOWN
    reason: Any
    groups: Any           # raw annotation value
    middlewares: Any      # list[str] or UNKNOWN

    @property
    def forward_auth(self) -> Any:
        if self.middlewares is UNKNOWN:
            return UNKNOWN
        return [m for m in self.middlewares if m in FORWARD_AUTH_MIDDLEWARES]

    @property
    def effective(self) -> Any:
        """The posture in force: the annotation, else what the middlewares imply, else None."""
        if self.posture is not None:
            return self.posture
        fa = self.forward_auth
        if fa is UNKNOWN:
            return UNKNOWN
        if MW_FORWARD_AUTH in fa:
            return "required"
        if MW_FORWARD_AUTH_PUBLIC in fa:
            return "public"
        return None


def ingress_auth(res: Resource) -> IngressAuth:
    ann = dig(res.props, "metadata", "annotations")
    if ann is UNKNOWN:
        return IngressAuth(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN)
    ann = ann if isinstance(ann, dict) else {}
    raw_mw = ann.get(ROUTER_MIDDLEWARES_ANNOTATION)
    if raw_mw is UNKNOWN:
        mws: Any = UNKNOWN
    else:
        mws = [m.strip() for m in str(raw_mw or "").split(",") if m.strip()]
    return IngressAuth(ann, ann.get(AUTH_ANNOTATION), ann.get(AUTH_REASON_ANNOTATION),
                       ann.get(ALLOWED_GROUPS_ANNOTATION), mws)


def traefik_classes(resources: list, cfg: dict) -> set:
    """Ingress class names Traefik serves: ``traefikIngressClasses`` plus every IngressClass of
    the stack whose controller is Traefik's (case-insensitive; an unknown controller counts)."""
    out = {str(c).lower() for c in cfg.get("traefikIngressClasses") or [INGRESS_CLASS]}
    for r in resources:
        if r.type != INGRESS_CLASS_TYPE:
            continue
        name, ctrl = dig(r.props, "metadata", "name"), dig(r.props, "spec", "controller")
        if isinstance(name, str) and (ctrl is UNKNOWN or "traefik" in str(ctrl or "").lower()):
            out.add(name.lower())
    return out


def served_by_traefik(res: Resource, classes: set) -> bool:
    """Whether Traefik serves this Ingress. ``spec.ingressClassName`` decides when set (the
    legacy annotation is then ignored, as by Kubernetes); else the legacy annotation; with no
    class at all the cluster default, Traefik, serves it. Unknown counts as Traefik."""
    cls = dig(res.props, "spec", "ingressClassName")
    if cls is UNKNOWN:
        return True
    if not (isinstance(cls, str) and cls):
        cls = dig(res.props, "metadata", "annotations", LEGACY_CLASS_ANNOTATION)
        if cls is UNKNOWN or dig(res.props, "metadata", "annotations") is UNKNOWN:
            return True
    if not (isinstance(cls, str) and cls.strip()):
        return True
    return cls.strip().lower() in classes


def traefik_ingresses(resources: list, cfg: dict) -> list:
    classes = traefik_classes(resources, cfg)
    return [r for r in resources if is_ingress_type(r.type) and served_by_traefik(r, classes)]


def is_ingress_type(type_token: str) -> bool:
    """Every API version of Ingress (networking.k8s.io/v1, v1beta1, extensions/v1beta1)."""
    return type_token.startswith("kubernetes:") and type_token.endswith(":Ingress") and \
        ("networking.k8s.io/" in type_token or "extensions/" in type_token)


def _at(f: Finding, r: Resource) -> Finding:
    return dataclasses.replace(f, urn=r.urn, resource_name=r.name, project=r.project)


def per_ingress(check):
    """A stack policy running ``check(ingress, cfg)`` on every Ingress Traefik serves."""
    def validate(resources: list, cfg: dict) -> list:
        return [_at(f, r) for r in traefik_ingresses(resources, cfg) for f in check(r, cfg)]
    validate.__name__ = check.__name__
    return validate


def _unknown(what: str, fix: str = "make the annotation a plain string known at preview "
             "(do not derive it from another resource's output)") -> Finding:
    return Finding(f"{what} is unknown at preview, so the auth posture cannot be verified", fix,
                   undecidable=True)


# --- ingress-auth-posture ----------------------------------------------------------------------

def check_auth_posture(res: Resource, cfg: dict) -> list:
    a = ingress_auth(res)
    if a.annotations is UNKNOWN:
        return [_unknown("metadata.annotations")]
    if a.posture is UNKNOWN:
        return [_unknown(f"annotation {AUTH_ANNOTATION}")]
    if a.middlewares is UNKNOWN:
        return [_unknown(f"annotation {ROUTER_MIDDLEWARES_ANNOTATION}")]
    fa = a.forward_auth
    if a.posture is None:
        if fa:
            return []
        return [Finding(f"{res.label} states no auth posture ({AUTH_ANNOTATION} missing) and has no "
                        f"Authentik forward-auth middleware: it would be served unauthenticated",
                        POSTURE_FIX)]
    if a.posture not in AUTH_MODES:
        return [Finding(f"{res.label} has {AUTH_ANNOTATION}={a.posture!r}, not one of {', '.join(AUTH_MODES)} "
                        f"(exact, lower-case)", POSTURE_FIX)]
    if a.posture == "required" and MW_FORWARD_AUTH not in fa:
        return [Finding(f"{res.label} says auth=required but its router middlewares lack {MW_FORWARD_AUTH}",
                        f"add {MW_FORWARD_AUTH} to {ROUTER_MIDDLEWARES_ANNOTATION} (IngressFactory does this)")]
    if a.posture == "public" and MW_FORWARD_AUTH_PUBLIC not in fa:
        return [Finding(f"{res.label} says auth=public but its router middlewares lack {MW_FORWARD_AUTH_PUBLIC}",
                        f"add {MW_FORWARD_AUTH_PUBLIC} to {ROUTER_MIDDLEWARES_ANNOTATION}")]
    if a.posture in ("app", "none") and fa:
        return [Finding(f"{res.label} says auth={a.posture} but carries forward-auth middleware(s) "
                        f"{', '.join(fa)}: the stated posture does not match what Traefik enforces",
                        "set auth=required (or public) if Authentik should gate it, else drop the middleware")]
    return []


# --- ingress-auth-justification ----------------------------------------------------------------

def check_auth_justification(res: Resource, cfg: dict) -> list:
    a = ingress_auth(res)
    if a.annotations is UNKNOWN or a.effective is UNKNOWN:
        return [_unknown(f"annotation {AUTH_ANNOTATION}")]
    if a.effective not in REASONED_MODES:
        return []
    if a.reason is UNKNOWN:
        return [_unknown(f"annotation {AUTH_REASON_ANNOTATION}")]
    if not isinstance(a.reason, str) or not a.reason.strip():
        what = "what gates the app (e.g. 'own login: OIDC via Authentik')" if a.effective == "app" \
            else "why it is public (e.g. 'webhook receiver, HMAC-verified')"
        return [Finding(f"{res.label} has auth={a.effective} without a justification "
                        f"({AUTH_REASON_ANNOTATION} is missing or empty)",
                        f"pass auth_reason to IngressFactory / set {AUTH_REASON_ANNOTATION} stating {what}")]
    return []


# --- ingress-allowed-groups (stack) ------------------------------------------------------------

def split_groups(raw: Any) -> list:
    return [g.strip() for g in str(raw or "").split(",") if g.strip()]


def check_allowed_groups(resources: list, cfg: dict) -> list:
    known = set(cfg.get("uiManagedGroups") or []) | set(cfg.get("knownGroups") or [])
    unknown_group_names = False
    for r in resources:
        if r.type == GROUP_TYPE:
            name = dig(r.props, "name")
            if isinstance(name, str):
                known.add(name)
            elif name is UNKNOWN:
                unknown_group_names = True
    out = []
    for r in traefik_ingresses(resources, cfg):
        a = ingress_auth(r)
        if a.annotations is UNKNOWN or a.effective is UNKNOWN:
            out.append(dataclasses.replace(_unknown(f"auth annotations of {r.label}"),
                                           urn=r.urn, resource_name=r.name, project=r.project))
            continue
        if a.effective != "required":
            continue
        if a.groups is UNKNOWN:
            out.append(dataclasses.replace(_unknown(f"annotation {ALLOWED_GROUPS_ANNOTATION}"),
                                           urn=r.urn, resource_name=r.name, project=r.project))
            continue
        groups = split_groups(a.groups)
        if not groups:
            out.append(Finding(f"{r.label} is auth=required but names no Authentik group "
                               f"({ALLOWED_GROUPS_ANNOTATION} missing or empty)",
                               "pass allowed_groups to IngressFactory (default 'Home Server Admins')",
                               urn=r.urn, resource_name=r.name, project=r.project))
            continue
        missing = sorted(g for g in groups if g not in known)
        if missing:
            out.append(Finding(
                f"{r.label} allows Authentik group(s) that do not exist: {', '.join(missing)}; "
                f"nobody would be let in through them",
                "fix the spelling; for a group defined only in the Authentik UI add it to "
                "uiManagedGroups, for one created by another stack to knownGroups "
                "(policies/config/defaults.yaml)",
                urn=r.urn, resource_name=r.name, project=r.project, undecidable=unknown_group_names))
    return out


# --- ingress-admin-ui-protected ----------------------------------------------------------------

def _hosts(res: Resource) -> list:
    rules = dig(res.props, "spec", "rules")
    if not isinstance(rules, list):
        return []
    return [h for h in (dig(r, "host") for r in rules) if isinstance(h, str)]


def denylist_match(res: Resource, deny: list) -> Any:
    names = {dig(res.props, "metadata", "name"), dig(res.props, "metadata", "namespace")}
    names |= {h.split(".", 1)[0] for h in _hosts(res)}
    for entry in deny:
        if entry in names:
            return entry
    return None


def check_admin_ui(res: Resource, cfg: dict) -> list:
    entry = denylist_match(res, list(cfg.get("adminUiDenyList") or []))
    if entry is None:
        return []
    a = ingress_auth(res)
    if a.annotations is UNKNOWN or a.effective is UNKNOWN:
        return [_unknown(f"auth annotations of admin UI {entry}")]
    fa = a.forward_auth
    if a.effective == "required" and MW_FORWARD_AUTH in fa:
        return []
    return [Finding(f"{res.label} serves '{entry}', an admin UI without its own login, with "
                    f"auth={a.effective or 'unset'}: anyone reaching the host gets admin access",
                    f"use auth=required (IngressFactory default) so {MW_FORWARD_AUTH} gates it")]


# --- ingress-public-paths-open (stack) ---------------------------------------------------------

def _rules(res: Resource) -> list:
    """(host or None, path, pathType) for every path of the Ingress."""
    out = []
    rules = dig(res.props, "spec", "rules")
    if not isinstance(rules, list):
        return out
    for rule in rules:
        host = dig(rule, "host")
        paths = dig(rule, "http", "paths")
        if not isinstance(paths, list):
            continue
        for p in paths:
            path = dig(p, "path")
            out.append((host if isinstance(host, str) else None,
                        path if isinstance(path, str) and path else "/",
                        dig(p, "pathType") or "Prefix"))
    return out


def route_for(url_host: str, url_path: str, ingresses: list) -> Any:
    """The Ingress Traefik picks for host+path: exact path first, then longest prefix,
    host-specific rules before host-less ones. None if no Ingress in the list matches."""
    best, best_key = None, None
    for res in ingresses:
        for host, path, ptype in _rules(res):
            if host is not None and host.lower() != url_host.lower():
                continue
            if ptype == "Exact":
                if url_path != path:
                    continue
                key = (host is not None, 1, len(path))
            else:
                if not url_path.startswith(path):
                    continue
                key = (host is not None, 0, len(path))
            if best_key is None or key > best_key:
                best, best_key = res, key
    return best


def check_public_paths(resources: list, cfg: dict) -> list:
    ingresses = traefik_ingresses(resources, cfg)
    out = []
    for entry in cfg.get("mustStayPublic") or []:
        host, path = str(entry.get("host") or ""), str(entry.get("path") or "/")
        res = route_for(host, path, ingresses)
        if res is None:
            continue
        a = ingress_auth(res)
        fa = a.forward_auth if a.annotations is not UNKNOWN else UNKNOWN
        if fa is UNKNOWN:
            out.append(dataclasses.replace(_unknown(f"router middlewares of {res.label}"),
                                           urn=res.urn, resource_name=res.name, project=res.project))
        elif fa:
            out.append(Finding(
                f"https://{host}{path} must stay reachable without Authentik (webhook / OAuth callback / "
                f"native client), but {res.label} routes it through {', '.join(fa)}",
                f"add a path-scoped Ingress for {path} with auth=none and an auth_reason, or remove the "
                f"entry from mustStayPublic (policies/config/defaults.yaml) if the URL is gone",
                urn=res.urn, resource_name=res.name, project=res.project))
    return out


AUTH_ORIGIN_POSTURE = "ingress_factory `auth` variable + scripts/check-ingress-auth-comments.py"

SPECS = [
    PolicySpec(
        name="ingress-auth-posture",
        description="Every Ingress served by Traefik (class traefik, an IngressClass with Traefik's controller, "
                    "or no class) states its auth posture and the middlewares match it (fail-closed).",
        level=EnforcementLevel.MANDATORY, origin=AUTH_ORIGIN_POSTURE,
        validate=per_ingress(check_auth_posture), stack_level=True, fail_closed=True,
        config_properties=dict(CLASSES_PROP)),
    PolicySpec(
        name="ingress-auth-justification",
        description="Ingresses with auth=app, none or public carry a non-empty auth-reason annotation.",
        level=EnforcementLevel.MANDATORY, origin="scripts/check-ingress-auth-comments.py",
        validate=per_ingress(check_auth_justification), stack_level=True, fail_closed=True,
        config_properties=dict(CLASSES_PROP)),
    PolicySpec(
        name="ingress-allowed-groups",
        description="auth=required Ingresses name Authentik groups, and every named group exists "
                    "(Group resources in the program, knownGroups, uiManagedGroups).",
        level=EnforcementLevel.MANDATORY, origin="scripts/check-allowed-groups.py",
        validate=check_allowed_groups, stack_level=True, fail_closed=True,
        config_properties={"uiManagedGroups": {"type": "array", "items": {"type": "string"}},
                           "knownGroups": {"type": "array", "items": {"type": "string"}}, **CLASSES_PROP}),
    PolicySpec(
        name="ingress-admin-ui-protected",
        description="Admin UIs without their own login (adminUiDenyList) are only served with auth=required.",
        level=EnforcementLevel.MANDATORY, origin="upstream auth guidance (.claude/CLAUDE.md, ingress_factory)",
        validate=per_ingress(check_admin_ui), stack_level=True, fail_closed=True,
        config_properties={"adminUiDenyList": {"type": "array", "items": {"type": "string"}}, **CLASSES_PROP}),
    PolicySpec(
        name="ingress-public-paths-open",
        description="URLs that must stay public (mustStayPublic) are not routed through Authentik forward-auth.",
        level=EnforcementLevel.MANDATORY, origin="monitoring authentik_walloff_probe (walling-off guard)",
        validate=check_public_paths, stack_level=True, fail_closed=True,
        config_properties={"mustStayPublic": {"type": "array", "items": {
            "type": "object", "properties": {"host": {"type": "string"}, "path": {"type": "string"}},
            "required": ["host"]}}, **CLASSES_PROP}),
]


def policies() -> list:
    return [make_policy(s) for s in SPECS]
