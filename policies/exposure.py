"""Auth posture on every exposure path besides the plain Ingress, and what an exposed
workload may do in the cluster.

A request from outside reaches a workload through an Ingress (auth_policies), a Traefik
IngressRoute / IngressRouteTCP / IngressRouteUDP, a LoadBalancer or NodePort Service (or
externalIPs), a hostPort (or a hostNetwork pod's ports), a Cloudflare tunnel rule that points
past Traefik, or an ingress a Helm chart renders from its values. Each path states its posture
with the annotations the Ingress rule reads (``infra.viktorbarzin.me/auth`` and
``auth-reason``); where the path is L4 (no HTTP router in front), Authentik cannot gate it,
so only ``app`` or ``none`` are true statements. Every decision fails closed: a posture,
middleware list, type or target unknown at preview is a violation.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterator, Optional
from urllib.parse import urlsplit

from pulumi_policy import EnforcementLevel

from components.constants import (
    AUTH_ANNOTATION,
    AUTH_MODES,
    AUTH_REASON_ANNOTATION,
    FORWARD_AUTH_MIDDLEWARES,
    MW_FORWARD_AUTH,
    MW_FORWARD_AUTH_PUBLIC,
    ROUTER_MIDDLEWARES_ANNOTATION,
)
from policies.auth_policies import CLASSES_PROP, REASONED_MODES, ingress_auth, traefik_ingresses
from policies.common import UNKNOWN, Finding, PolicySpec, Resource, api_group_version, dig, make_policy
from policies.k8s import containers, namespace_of, pod_views

SERVICE_TYPE = "kubernetes:core/v1:Service"
CONFIGMAP_TYPE = "kubernetes:core/v1:ConfigMap"
HELM_RELEASE_TYPES = ("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Release")
ROUTE_KINDS = ("IngressRoute", "IngressRouteTCP", "IngressRouteUDP")
# Gateway API routes (Traefik's Gateway provider): HTTP/GRPC are routed by Traefik's HTTP
# router (middlewares through ExtensionRef filters), the others are L4.
GATEWAY_L7_KINDS = ("HTTPRoute", "GRPCRoute")
GATEWAY_L4_KINDS = ("TCPRoute", "TLSRoute", "UDPRoute")
L4_MODES = ("app", "none")
ANNOTATE_FIX = (f"annotate the object with {AUTH_ANNOTATION}: app (its own authentication) or none, plus "
                f"{AUTH_REASON_ANNOTATION} saying what gates it or why it is open")


def _unknown(what: str) -> Finding:
    return Finding(f"{what} is unknown at preview, so the auth posture cannot be verified",
                   "make it a literal known at preview (do not derive it from another resource's output)",
                   undecidable=True)


def judge(label: str, ann: Any, enforced: Any, *, l4: bool, fix: str = ANNOTATE_FIX,
          subject: Optional[str] = None) -> list:
    """Findings for one exposure path whose declared posture is in ``ann`` and whose router
    enforces the forward-auth middlewares ``enforced`` (a list, or UNKNOWN). ``l4``: no HTTP
    router, so Authentik cannot be in front."""
    def f(msg: str, fx: str = fix) -> list:
        return [Finding(msg, fx, subject=subject)]

    if ann is UNKNOWN:
        return [dataclasses.replace(_unknown(f"{label}: metadata.annotations"), subject=subject)]
    ann = ann if isinstance(ann, dict) else {}
    posture, reason = ann.get(AUTH_ANNOTATION), ann.get(AUTH_REASON_ANNOTATION)
    if posture is UNKNOWN:
        return [dataclasses.replace(_unknown(f"{label}: annotation {AUTH_ANNOTATION}"), subject=subject)]
    if enforced is UNKNOWN:
        return [dataclasses.replace(_unknown(f"{label}: its middlewares"), subject=subject)]
    fa = [m for m in enforced if m in FORWARD_AUTH_MIDDLEWARES]
    effective = posture
    if posture is None:
        if not l4 and MW_FORWARD_AUTH in fa:
            return []
        if not l4 and MW_FORWARD_AUTH_PUBLIC in fa:
            effective = "public"
        else:
            return f(f"{label} states no auth posture ({AUTH_ANNOTATION} missing)"
                     + (" and is an L4 path Authentik cannot gate" if l4 else " and has no Authentik forward-auth")
                     + ": it would be served unauthenticated")
    elif posture not in AUTH_MODES:
        return f(f"{label} has {AUTH_ANNOTATION}={posture!r}, not one of {', '.join(AUTH_MODES)} (exact, lower-case)")
    elif l4 and posture not in L4_MODES:
        return f(f"{label} says auth={posture}, but it is an L4 path (no HTTP router), so Authentik forward-auth "
                 f"can never be in front of it: the stated posture is false")
    elif posture == "required" and MW_FORWARD_AUTH not in fa:
        return f(f"{label} says auth=required but its middlewares lack {MW_FORWARD_AUTH}",
                 f"add the {MW_FORWARD_AUTH} middleware, or state the real posture")
    elif posture == "public" and MW_FORWARD_AUTH_PUBLIC not in fa:
        return f(f"{label} says auth=public but its middlewares lack {MW_FORWARD_AUTH_PUBLIC}",
                 f"add the {MW_FORWARD_AUTH_PUBLIC} middleware, or state the real posture")
    elif posture in ("app", "none") and fa:
        return f(f"{label} says auth={posture} but carries forward-auth middleware(s) {', '.join(fa)}",
                 "set auth=required (or public) if Authentik should gate it, else drop the middleware")
    if effective in REASONED_MODES:
        if reason is UNKNOWN:
            return [dataclasses.replace(_unknown(f"{label}: annotation {AUTH_REASON_ANNOTATION}"), subject=subject)]
        if not isinstance(reason, str) or not reason.strip():
            return f(f"{label} has auth={effective} without a justification "
                     f"({AUTH_REASON_ANNOTATION} missing or blank)",
                     f"set {AUTH_REASON_ANNOTATION} saying what gates it or why it is open")
    return []


def _at(findings: list, r: Resource) -> list:
    return [dataclasses.replace(f, urn=r.urn, resource_name=r.name, project=r.project) for f in findings]


# --- Traefik CRD routes --------------------------------------------------------------------------

def is_route(r: Resource) -> bool:
    return r.type.startswith("kubernetes:traefik.") and r.kind in ROUTE_KINDS


def is_gateway_route(r: Resource) -> bool:
    return r.type.startswith("kubernetes:gateway.networking.k8s.io/") and \
        r.kind in GATEWAY_L7_KINDS + GATEWAY_L4_KINDS


def gateway_middlewares(rule: Any, route_ns: Any, chain_map: dict) -> Any:
    filters = dig(rule, "filters")
    if filters is UNKNOWN:
        return UNKNOWN
    refs = []
    for f in filters or []:
        ref = dig(f, "extensionRef")
        if ref is UNKNOWN:
            return UNKNOWN
        if isinstance(ref, dict) and dig(ref, "kind") == "Middleware":
            refs.append(mw_ref({"name": dig(ref, "name")}, route_ns))
    return expand(refs, chain_map)


def mw_ref(ref: Any, route_ns: Any) -> Any:
    """A CRD middleware reference as the router name Traefik uses (``<ns>-<name>@kubernetescrd``)."""
    if ref is UNKNOWN:
        return UNKNOWN
    name, ns = dig(ref, "name"), dig(ref, "namespace")
    if name is UNKNOWN or ns is UNKNOWN:
        return UNKNOWN
    if not isinstance(name, str):
        return ""
    if "@" in name:
        return name
    ns = ns if isinstance(ns, str) and ns else route_ns
    return f"{ns}-{name}@kubernetescrd" if isinstance(ns, str) else UNKNOWN


def chains(resources: list) -> dict:
    """Router name -> member router names, for the stack's Traefik ``chain`` Middlewares."""
    out = {}
    for r in resources:
        if not (r.type.startswith("kubernetes:traefik.") and r.kind == "Middleware"):
            continue
        ns, name = namespace_of(r), dig(r.props, "metadata", "name")
        members = dig(r.props, "spec", "chain", "middlewares")
        if isinstance(name, str) and isinstance(ns, str) and isinstance(members, list):
            out[f"{ns}-{name}@kubernetescrd"] = [mw_ref(m, ns) for m in members]
    return out


def expand(mws: Any, chain_map: dict, depth: int = 0) -> Any:
    if mws is UNKNOWN or UNKNOWN in mws:
        return UNKNOWN
    out = []
    for m in mws:
        out.append(m)
        if m in chain_map and depth < 5:
            sub = expand(chain_map[m], chain_map, depth + 1)
            if sub is UNKNOWN:
                return UNKNOWN
            out += sub
    return out


def route_middlewares(route: Any, route_ns: Any, chain_map: dict) -> Any:
    refs = dig(route, "middlewares")
    if refs is UNKNOWN:
        return UNKNOWN
    return expand([mw_ref(m, route_ns) for m in refs or []], chain_map)


def check_routes(resources: list, cfg: dict) -> list:
    chain_map = chains(resources)
    out = []
    for r in resources:
        gateway = is_gateway_route(r)
        if not (is_route(r) or gateway):
            continue
        ann = dig(r.props, "metadata", "annotations")
        routes = dig(r.props, "spec", "rules" if gateway else "routes")
        l4 = r.kind in GATEWAY_L4_KINDS if gateway else r.kind != "IngressRoute"
        if routes is UNKNOWN:
            out += _at([_unknown(f"{r.label}: spec.routes")], r)
            continue
        if not routes:
            continue
        for i, route in enumerate(routes):
            mws = gateway_middlewares if gateway else route_middlewares
            enforced = [] if l4 else mws(route, namespace_of(r), chain_map)
            label = f"{r.label} route {i}" + (f" ({dig(route, 'match')})" if isinstance(dig(route, "match"), str) else "")
            found = judge(label, ann, enforced, l4=l4, subject=f"route {i}")
            out += _at(found, r)
            if found and ann is UNKNOWN:
                break
    return out


# --- Services: LoadBalancer / NodePort / externalIPs ----------------------------------------------

def _selects(selector: Any, labels: Any) -> bool:
    return isinstance(selector, dict) and bool(selector) and isinstance(labels, dict) and \
        all(labels.get(k) == v for k, v in selector.items())


def front_door(r: Resource, cfg: dict) -> bool:
    """A Service in front of Traefik itself: each of its routes is judged on its own."""
    sel = dig(r.props, "spec", "selector")
    return any(_selects(dict(fd), sel) for fd in cfg.get("frontDoorSelectors") or [] if isinstance(fd, dict))


def service_exposure(r: Resource) -> Any:
    """'LoadBalancer' / 'NodePort' / 'externalIPs' when the Service is reachable from outside the
    cluster network, None when not, UNKNOWN when undecidable."""
    if r.type not in (SERVICE_TYPE, SERVICE_TYPE + "Patch"):
        return None
    typ, ext = dig(r.props, "spec", "type"), dig(r.props, "spec", "externalIPs")
    if typ is UNKNOWN or ext is UNKNOWN:
        return UNKNOWN
    if isinstance(typ, str) and typ.lower() in ("loadbalancer", "nodeport"):
        return "LoadBalancer" if typ.lower() == "loadbalancer" else "NodePort"
    if isinstance(ext, list) and ext:
        return "externalIPs"
    return None


def check_services(r: Resource, cfg: dict) -> list:
    how = service_exposure(r)
    if how is None:
        return []
    if how is UNKNOWN:
        return [_unknown(f"{r.label}: spec.type / spec.externalIPs")]
    if front_door(r, cfg):
        return []
    return judge(f"{r.label} (type {how}, reachable without Traefik)", dig(r.props, "metadata", "annotations"),
                 [], l4=True)


# --- hostPorts ------------------------------------------------------------------------------------

def host_ports(r: Resource) -> Iterator[tuple]:
    """(pod view, description) of every port published on the node: hostPort, or any declared
    container port of a hostNetwork pod. Unknown values yield description None."""
    for pv in pod_views(r):
        hn = dig(pv.spec, "hostNetwork")
        for key, i, c in containers(pv.spec, ("containers", "initContainers", "ephemeralContainers")):
            if c is UNKNOWN:
                yield pv, None
                continue
            ports = dig(c, "ports")
            if ports is UNKNOWN:
                yield pv, None
                continue
            for p in ports or []:
                hp = dig(p, "hostPort")
                if hp is UNKNOWN:
                    yield pv, None
                elif isinstance(hp, (int, float)) and not isinstance(hp, bool) and hp > 0:
                    # Numbers arrive as floats over the analyzer protocol (protobuf Struct).
                    yield pv, f"{key}[{i}] hostPort {int(hp)}"
                elif hn is True or hn is UNKNOWN:
                    cp = dig(p, "containerPort")
                    yield pv, (f"{key}[{i}] port {int(cp) if isinstance(cp, float) else cp} on the host network"
                               if hn is True else None)


def _merged_annotations(pv) -> Any:
    if pv.workload_annotations is UNKNOWN or pv.annotations is UNKNOWN:
        return UNKNOWN
    out = dict(pv.workload_annotations or {}) if isinstance(pv.workload_annotations, dict) else {}
    if isinstance(pv.annotations, dict):
        out.update(pv.annotations)
    return out


def check_host_ports(r: Resource, cfg: dict) -> list:
    published = list(host_ports(r))
    if not published:
        return []
    pv = published[0][0]
    if any(d is None for _, d in published):
        return [_unknown(f"{r.label}: a container port / hostPort / hostNetwork")]
    what = ", ".join(d for _, d in published[:3]) + (" ..." if len(published) > 3 else "")
    return judge(f"{r.label} ({what}, reachable on the node's address)", _merged_annotations(pv), [], l4=True,
                 fix=ANNOTATE_FIX.replace("the object", "the workload (or its pod template)"))


# --- Cloudflare tunnel rules ----------------------------------------------------------------------

NON_ORIGINS = ("http_status:", "hello_world", "bastion", "socks5")


def tunnel_rules(r: Resource) -> Any:
    """The ingress rules of a tunnel config resource or of a cloudflared config file in a
    ConfigMap; None when the resource holds none, UNKNOWN when they cannot be read."""
    if r.type.startswith("cloudflare:") and "unnel" in r.type and "onfig" in r.type:
        conf = dig(r.props, "config")
        if conf is UNKNOWN:
            return UNKNOWN
        for key in ("ingresses", "ingressRules", "ingress_rules", "ingress"):
            rules = dig(conf, key)
            if rules is not None:
                return rules
        return None
    if r.type in (CONFIGMAP_TYPE, CONFIGMAP_TYPE + "Patch"):
        import yaml

        data = dig(r.props, "data")
        if not isinstance(data, dict):
            return None
        rules: list = []
        for value in data.values():
            if not isinstance(value, str) or "ingress" not in value:
                continue
            try:
                doc = yaml.safe_load(value)
            except yaml.YAMLError:
                continue
            items = doc.get("ingress") if isinstance(doc, dict) else None
            if isinstance(items, list) and any(isinstance(x, dict) and "service" in x for x in items):
                rules += items
        return rules or None
    return None


def _origin(service: str) -> str:
    """The host a tunnel rule's service URL points at (lower-case; '' if none)."""
    s = service.strip()
    if "://" not in s:
        s = "tcp://" + s
    try:
        host = (urlsplit(s).hostname or "").lower()
    except ValueError:
        host = ""
    return host


def check_tunnel(r: Resource, cfg: dict) -> list:
    rules = tunnel_rules(r)
    if rules is None:
        return []
    if rules is UNKNOWN:
        return [_unknown(f"{r.label}: tunnel ingress rules")]
    traefik_hosts = {h.lower() for h in cfg.get("traefikServiceHosts") or []}
    out = []
    for i, rule in enumerate(rules):
        service = dig(rule, "service")
        host = dig(rule, "hostname")
        name = host if isinstance(host, str) and host else "(catch-all)"
        subject = f"ingress rule {name}"
        if service is UNKNOWN or host is UNKNOWN:
            out.append(dataclasses.replace(_unknown(f"{r.label}: tunnel rule {i}"), subject=subject))
            continue
        if not isinstance(service, str) or service.startswith(NON_ORIGINS):
            continue
        origin = _origin(service)
        if origin in traefik_hosts:
            continue
        access = dig(rule, "originRequest", "access")
        if access is UNKNOWN:
            out.append(dataclasses.replace(_unknown(f"{r.label}: originRequest.access of {name}"), subject=subject))
            continue
        if dig(access, "required") is True and dig(access, "audTag") and dig(access, "teamName"):
            continue
        out.append(Finding(
            f"{r.label}: tunnel rule for {name} sends traffic straight to {origin or 'an origin'} (a Service or LAN "
            f"address), past Traefik and its forward-auth: nothing states or enforces a posture",
            "point the rule at Traefik (traefikServiceHosts) and publish the app with an Ingress, or require "
            "Cloudflare Access on the rule (originRequest.access: required, teamName, audTag)",
            subject=subject))
    return out


# --- Helm releases that render an ingress or an exposed Service -----------------------------------

# Chart values keys that render a route: ``ingress`` (any component's: server.ingress, ...),
# and the routes under Traefik-style ``ingressRoute`` (ingressRoute.dashboard, ...).
_INGRESS_KEY = re.compile(r"^(ingress|ingresses|httpRoute)$", re.I)
_ROUTE_GROUP_KEY = re.compile(r"^ingressRoutes?$", re.I)
_SERVICE_KEY = re.compile(r"^service$", re.I)


def _truthy(v: Any) -> Any:
    if v is UNKNOWN:
        return UNKNOWN
    return v is True or (isinstance(v, str) and v.strip().lower() in ("true", "yes", "1"))


def rendered_exposures(values: Any, path: str = "values") -> Iterator[tuple]:
    """(path, node, kind) for each ingress (kind 'ingress') or LoadBalancer/NodePort Service
    (kind 'service') the values switch on; (path, UNKNOWN, kind) when undecidable."""
    if isinstance(values, dict):
        for k, v in values.items():
            p = f"{path}.{k}"
            nodes = [(p, v)] if isinstance(v, dict) and _INGRESS_KEY.match(k) else []
            if isinstance(v, dict) and _ROUTE_GROUP_KEY.match(k):
                nodes = [(p, v)] + [(f"{p}.{ck}", cv) for ck, cv in v.items() if isinstance(cv, dict)]
            for np_, node in nodes:
                if "enabled" not in node:
                    continue
                en = _truthy(node.get("enabled"))
                if en is UNKNOWN:
                    yield np_, UNKNOWN, "ingress"
                elif en:
                    yield np_, node, "ingress"
            if isinstance(v, dict) and _SERVICE_KEY.match(k):
                t = v.get("type")
                if t is UNKNOWN:
                    yield p, UNKNOWN, "service"
                elif isinstance(t, str) and t.lower() in ("loadbalancer", "nodeport"):
                    yield p, v, "service"
            yield from rendered_exposures(v, p)
    elif isinstance(values, list):
        for i, v in enumerate(values):
            yield from rendered_exposures(v, f"{path}[{i}]")


def _helm_enforced(node: dict, ann: Any, ns: Any) -> Any:
    if ann is UNKNOWN:
        return UNKNOWN
    raw = (ann or {}).get(ROUTER_MIDDLEWARES_ANNOTATION) if isinstance(ann, dict) else None
    if raw is UNKNOWN:
        return UNKNOWN
    mws = [m.strip() for m in str(raw or "").split(",") if m.strip()]
    refs = node.get("middlewares")
    if refs is UNKNOWN:
        return UNKNOWN
    if isinstance(refs, list):
        mws += [mw_ref(m, ns) for m in refs]
    return UNKNOWN if UNKNOWN in mws else mws


def check_helm(r: Resource, cfg: dict) -> list:
    if r.type not in HELM_RELEASE_TYPES:
        return []
    chart = dig(r.props, "chart")
    label = f"Helm release '{dig(r.props, 'name') or r.name}' (chart {chart})"
    values = dig(r.props, "values")
    if values is UNKNOWN:
        return [_unknown(f"{label}: values (whether the chart renders an ingress)")]
    files = dig(r.props, "valueYamlFiles")
    if files is UNKNOWN or (isinstance(files, list) and files):
        return [Finding(f"{label} takes values from files the pack cannot read, so whether it renders an "
                        f"ingress (and with which posture) is not visible at preview",
                        "pass the values inline (values=...)", undecidable=False, subject="valueYamlFiles")]
    classes = {str(c).lower() for c in cfg.get("traefikIngressClasses") or []}
    front = isinstance(chart, str) and chart.lower() in {c.lower() for c in cfg.get("frontDoorCharts") or []}
    out = []
    for path, node, kind in rendered_exposures(values):
        if node is UNKNOWN:
            out.append(dataclasses.replace(_unknown(f"{label}: {path}"), subject=path))
            continue
        if kind == "service":
            if front:
                continue
            out += judge(f"{label}: {path} (type {node.get('type')})", node.get("annotations"), [], l4=True,
                         subject=path, fix=ANNOTATE_FIX.replace("the object", f"{path}.annotations"))
            continue
        cls = node.get("className", node.get("ingressClassName"))
        if isinstance(cls, str) and cls and cls.lower() not in classes:
            continue
        ann = node.get("annotations")
        out += judge(f"{label}: {path}", ann, _helm_enforced(node, ann, dig(r.props, "namespace")), l4=False,
                     subject=path, fix=f"set the posture annotations in {path}.annotations (the chart copies them "
                                       f"onto the Ingress): {AUTH_ANNOTATION} + router middleware, or app/none/public "
                                       f"with {AUTH_REASON_ANNOTATION}")
    return out


# --- same host + path, different postures (stack) ------------------------------------------------

_HOST_RE = re.compile(r"Host(?:SNI)?\(([^)]*)\)")
_PATH_RE = re.compile(r"Path(?:Prefix)?\(([^)]*)\)")
_TICKED = re.compile(r"[`\"']([^`\"']*)[`\"']")


def _norm_path(p: str) -> str:
    p = p or "/"
    return p.rstrip("/") or "/"


def route_keys(r: Resource, chain_map: dict) -> Iterator[tuple]:
    """(host, path, posture) for every host+path an Ingress or HTTP IngressRoute serves."""
    if r.type.endswith(":Ingress"):
        a = ingress_auth(r)
        posture = a.effective if a.annotations is not UNKNOWN else UNKNOWN
        rules = dig(r.props, "spec", "rules")
        for rule in rules if isinstance(rules, list) else []:
            host = dig(rule, "host")
            paths = dig(rule, "http", "paths")
            for p in paths if isinstance(paths, list) else []:
                path = dig(p, "path")
                yield (host.lower() if isinstance(host, str) else "*",
                       _norm_path(path if isinstance(path, str) else "/"), posture)
        return
    if not (is_route(r) and r.kind == "IngressRoute"):
        return
    ann = dig(r.props, "metadata", "annotations")
    declared = dig(ann, AUTH_ANNOTATION) if isinstance(ann, dict) else (UNKNOWN if ann is UNKNOWN else None)
    routes = dig(r.props, "spec", "routes")
    for route in routes if isinstance(routes, list) else []:
        match = dig(route, "match")
        if not isinstance(match, str):
            continue
        posture = declared
        if posture is None:
            mws = route_middlewares(route, namespace_of(r), chain_map)
            posture = UNKNOWN if mws is UNKNOWN else ("required" if MW_FORWARD_AUTH in mws else
                                                      "public" if MW_FORWARD_AUTH_PUBLIC in mws else None)
        hosts = [h.lower() for m in _HOST_RE.findall(match) for h in _TICKED.findall(m)] or ["*"]
        paths = [_norm_path(x) for m in _PATH_RE.findall(match) for x in _TICKED.findall(m)] or ["/"]
        for h in hosts:
            for p in paths:
                yield h, p, posture


def check_conflicts(resources: list, cfg: dict) -> list:
    chain_map = chains(resources)
    served = traefik_ingresses(resources, cfg) + [r for r in resources if is_route(r)]
    seen: dict = {}
    for r in served:
        for host, path, posture in route_keys(r, chain_map):
            seen.setdefault((host, path), []).append((r, posture))
    out = []
    for (host, path), members in seen.items():
        postures = {repr(p) if p is UNKNOWN else p for _, p in members}
        if len({id(r) for r, _ in members}) < 2 or len(postures) < 2:
            continue
        desc = ", ".join(f"{r.label}={'unknown' if p is UNKNOWN else p or 'unset'}" for r, p in members)
        for r, _ in members:
            out.append(Finding(
                f"{host}{path} is served by routes with different auth postures ({desc}): which one applies "
                f"depends on Traefik's rule priority, not on what was reviewed",
                "give every route for the same host and path the same posture, or make the paths distinct",
                urn=r.urn, resource_name=r.name, project=r.project, subject=f"{host}{path}"))
    return out


# --- RBAC of exposed workloads (stack) ----------------------------------------------------------

BUILTIN_DANGEROUS_ROLES = ("cluster-admin", "admin", "edit")
BUILTIN_SAFE_ROLES = ("view",)
WRITE_VERBS = {"create", "patch", "update", "*", "escalate", "bind", "impersonate"}
DANGEROUS = {
    "": {"pods", "pods/exec", "pods/attach", "pods/ephemeralcontainers", "namespaces", "secrets",
         "replicationcontrollers", "serviceaccounts/token"},
    "apps": {"deployments", "statefulsets", "daemonsets", "replicasets"},
    "extensions": {"deployments", "daemonsets", "replicasets"},
    "batch": {"jobs", "cronjobs"},
    "rbac.authorization.k8s.io": {"rolebindings", "clusterrolebindings", "roles", "clusterroles"},
}


def dangerous_rules(rules: Any) -> Any:
    """Human-readable grants in ``rules`` that let a holder create/patch workloads, namespaces,
    secrets or bindings; UNKNOWN if the rules cannot be read."""
    if rules is UNKNOWN:
        return UNKNOWN
    out = []
    for rule in rules or []:
        if rule is UNKNOWN:
            return UNKNOWN
        verbs = {str(v).lower() for v in dig(rule, "verbs") or []}
        if "impersonate" in verbs:
            out.append(f"impersonate {', '.join(str(x) for x in dig(rule, 'resources') or [])}")
            continue
        if not verbs & WRITE_VERBS or dig(rule, "resourceNames"):
            continue
        groups = [str(g) for g in dig(rule, "apiGroups") or [""]]
        for res in (str(x).lower() for x in dig(rule, "resources") or []):
            for g in groups:
                hit = res == "*" or g == "*" and any(res in s for s in DANGEROUS.values()) or res in DANGEROUS.get(g, ())
                if hit:
                    out.append(f"{'/'.join(sorted(verbs & WRITE_VERBS))} {g or 'core'}/{res}")
                    break
    return out


def _service_targets(resources: list, cfg: dict) -> set:
    """(namespace, service name) of every Service an exposure path in this stack points at."""
    out = set()
    for r in traefik_ingresses(resources, cfg):
        ns = namespace_of(r)
        backs = [dig(r.props, "spec", "defaultBackend", "service", "name")]
        for rule in dig(r.props, "spec", "rules") or [] if isinstance(dig(r.props, "spec", "rules"), list) else []:
            for p in dig(rule, "http", "paths") or [] if isinstance(dig(rule, "http", "paths"), list) else []:
                backs.append(dig(p, "backend", "service", "name"))
        out |= {(ns, b) for b in backs if isinstance(b, str)}
    for r in resources:
        if is_route(r):
            routes = dig(r.props, "spec", "routes")
            for route in routes if isinstance(routes, list) else []:
                for s in dig(route, "services") or [] if isinstance(dig(route, "services"), list) else []:
                    name, ns = dig(s, "name"), dig(s, "namespace")
                    if isinstance(name, str):
                        out.add((ns if isinstance(ns, str) and ns else namespace_of(r), name))
        elif service_exposure(r) not in (None, UNKNOWN):
            out.add((namespace_of(r), dig(r.props, "metadata", "name")))
        else:
            rules = tunnel_rules(r)
            for rule in rules if isinstance(rules, list) else []:
                svc = dig(rule, "service")
                parts = _origin(svc).split(".") if isinstance(svc, str) else []
                if len(parts) >= 3 and parts[2] == "svc":
                    out.add((parts[1], parts[0]))
    return out


def exposed_workloads(resources: list, cfg: dict) -> list:
    """(workload, pod view, how) for every workload reachable from outside through this stack."""
    targets = _service_targets(resources, cfg)
    selectors = [(namespace_of(r), dig(r.props, "spec", "selector"), dig(r.props, "metadata", "name"))
                 for r in resources if r.type == SERVICE_TYPE]
    out = []
    for r in resources:
        for pv in pod_views(r):
            ns = namespace_of(r)
            how = next((f"Service {n}" for sns, sel, n in selectors
                        if sns == ns and (sns, n) in targets and _selects(sel, pv.labels)), None)
            if how is None and any(d for _, d in host_ports(r)):
                how = "host port"
            if how:
                out.append((r, pv, how))
    return out


def _sa_subjects(binding: Resource) -> list:
    return [s for s in dig(binding.props, "subjects") or [] if isinstance(s, dict)]


def _binds(subject: dict, ns: str, sa: str) -> bool:
    kind, name = subject.get("kind"), subject.get("name")
    if kind == "ServiceAccount":
        return name == sa and subject.get("namespace") == ns
    if kind == "Group":
        return name in ("system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated")
    if kind == "User":
        return name == f"system:serviceaccount:{ns}:{sa}"
    return False


def check_exposed_rbac(resources: list, cfg: dict) -> list:
    roles = {dig(r.props, "metadata", "name"): r for r in resources
             if r.type == "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"}
    bindings = [r for r in resources if r.type == "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"]
    out = []
    for w, pv, how in exposed_workloads(resources, cfg):
        ns = namespace_of(w)
        if not isinstance(ns, str) or dig(pv.spec, "automountServiceAccountToken") is False:
            continue
        sa = dig(pv.spec, "serviceAccountName") or dig(pv.spec, "serviceAccount") or "default"
        if not isinstance(sa, str):
            continue
        for b in bindings:
            if not any(_binds(s, ns, sa) for s in _sa_subjects(b)):
                continue
            role = dig(b.props, "roleRef", "name")
            if role in BUILTIN_SAFE_ROLES:
                continue
            if role in BUILTIN_DANGEROUS_ROLES:
                grants: Any = [f"built-in ClusterRole {role}"]
            elif role in roles and dig(roles[role].props, "aggregationRule") is None:
                grants = dangerous_rules(dig(roles[role].props, "rules"))
            else:
                grants = UNKNOWN
            if grants is UNKNOWN:
                out.append(Finding(f"{w.label} is reachable from outside ({how}) and its service account {ns}/{sa} is "
                                   f"bound cluster-wide to ClusterRole {role}, whose rules are not visible here",
                                   "define the ClusterRole in this stack or bind a namespaced Role",
                                   urn=w.urn, resource_name=w.name, project=w.project, undecidable=True,
                                   unknown_path=f"ClusterRole {role}", subject=f"{ns}/{sa}"))
            elif grants:
                out.append(Finding(
                    f"{w.label} is reachable from outside ({how}) and its service account {ns}/{sa} can "
                    f"{'; '.join(grants[:4])} cluster-wide (ClusterRoleBinding {dig(b.props, 'metadata', 'name')}): "
                    f"one request-level compromise owns the cluster",
                    "grant a namespaced Role with only the verbs and resourceNames the app needs, give the exposed "
                    "workload its own service account without the binding, or set automountServiceAccountToken: false",
                    urn=w.urn, resource_name=w.name, project=w.project, subject=f"{ns}/{sa}"))
    return out


_L4_PROPS = {"frontDoorSelectors": {"type": "array", "items": {"type": "object"}}}

SPECS = [
    PolicySpec(
        name="ingressroute-auth-posture",
        description="Traefik IngressRoute / IngressRouteTCP / IngressRouteUDP and Gateway API routes state their "
                    "posture with the auth annotations and each route's middlewares match it (L4: app or none only; "
                    "fail-closed).",
        level=EnforcementLevel.MANDATORY, origin="issue #18 (Traefik CRD routes bypassed the Ingress rule)",
        validate=check_routes, stack_level=True, fail_closed=True),
    PolicySpec(
        name="service-exposure-posture",
        description="LoadBalancer / NodePort Services and Services with externalIPs state auth=app or none with a "
                    "reason (fail-closed; the Service in front of Traefik is exempt).",
        level=EnforcementLevel.MANDATORY, origin="issue #18 (L4 exposure)",
        validate=check_services, fail_closed=True, config_properties=dict(_L4_PROPS)),
    PolicySpec(
        name="hostport-exposure-posture",
        description="Workloads publishing a hostPort (or ports on the host network) state auth=app or none with a "
                    "reason (fail-closed).",
        level=EnforcementLevel.MANDATORY, origin="issue #18 (L4 exposure)",
        validate=check_host_ports, fail_closed=True),
    PolicySpec(
        name="tunnel-direct-exposure",
        description="Cloudflare tunnel ingress rules (tunnel config resources and cloudflared config files) point at "
                    "Traefik, or require Cloudflare Access (fail-closed).",
        level=EnforcementLevel.MANDATORY, origin="issue #18 (tunnel rules past Traefik)",
        validate=check_tunnel, fail_closed=True,
        config_properties={"traefikServiceHosts": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(
        name="helm-exposure-posture",
        description="Helm releases whose values switch on an ingress (or a LoadBalancer/NodePort Service) carry the "
                    "posture annotations in those values (fail-closed; unreadable values are a violation).",
        level=EnforcementLevel.MANDATORY, origin="issue #18 (chart-rendered ingresses)",
        validate=check_helm, fail_closed=True,
        config_properties={"frontDoorCharts": {"type": "array", "items": {"type": "string"}}, **CLASSES_PROP}),
    PolicySpec(
        name="route-posture-conflict",
        description="Routes (Ingress, IngressRoute) for the same host and path in a stack state the same posture.",
        level=EnforcementLevel.MANDATORY, origin="issue #18",
        validate=check_conflicts, stack_level=True, fail_closed=True, config_properties=dict(CLASSES_PROP)),
    PolicySpec(
        name="exposed-workload-rbac",
        description="A workload reachable from outside has no cluster-wide grant to create/patch pods, workloads, "
                    "namespaces, secrets or (cluster)role bindings.",
        level=EnforcementLevel.MANDATORY, origin="issue #18 (webhook-handler's deployment-updater)",
        validate=check_exposed_rbac, stack_level=True, config_properties=dict(CLASSES_PROP)),
]


def policies() -> list:
    return [make_policy(s) for s in SPECS]
