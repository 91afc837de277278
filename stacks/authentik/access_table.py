"""Who may pass forward-auth on which host: the table behind `admin-services-restriction`.

Every `auth=required` ingress shares one catch-all proxy provider, and Authentik cannot bind
per-host policies to a domain-level provider, so one expression policy carries a
host -> allowed-groups table. The table is built from the ingresses themselves: IngressFactory
stamps `authentik.viktorbarzin.me/allowed-groups` on each forward-auth ingress, and this
stack reads the live ingresses of every namespace when it runs (README.md explains why a
live read rather than stack config).

Rules, in the order the rendered policy applies them:
1. no host in the request context (the OAuth authorize step of proxy OIDC clients) -> allow;
   the per-request check that follows has the host and does the gating;
2. members of `authentik Admins` or `Home Server Admins` -> allow (break-glass: the table can
   never lock the owner out);
3. otherwise allow only members of one of the host's groups; unknown host -> deny.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping

from components.constants import ALLOWED_GROUPS_ANNOTATION, MW_FORWARD_AUTH, ROUTER_MIDDLEWARES_ANNOTATION
from components.tf_encoding import jsonencode

# An ingress behind forward-auth that carries no allowed-groups annotation (one written by
# hand, or by a stack not yet re-applied) is admitted to the admins only.
FALLBACK_GROUPS = ("Home Server Admins",)
BREAK_GLASS_GROUPS = ("authentik Admins", "Home Server Admins")


class IngressReadError(RuntimeError):
    """The live ingress list could not be read."""


def _groups(annotation: str | None) -> list[str]:
    raw = FALLBACK_GROUPS if annotation is None else annotation.split(",")
    return [g.strip() for g in raw if g.strip()]


def host_groups(ingresses: Iterable[Mapping]) -> dict[str, list[str]]:
    """host -> allowed groups over every ingress routed through the forward-auth middleware.

    Ingresses sharing a host (path carve-outs) contribute the union of their groups, first
    occurrence first. Rules without a host are skipped.
    """
    table: dict[str, list[str]] = {}
    for ingress in ingresses:
        annotations = (ingress.get("metadata") or {}).get("annotations") or {}
        if MW_FORWARD_AUTH not in annotations.get(ROUTER_MIDDLEWARES_ANNOTATION, ""):
            continue
        groups = _groups(annotations.get(ALLOWED_GROUPS_ANNOTATION))
        for rule in (ingress.get("spec") or {}).get("rules") or []:
            host = (rule or {}).get("host") or ""
            if not host:
                continue
            entry = table.setdefault(host, [])
            entry.extend(g for g in groups if g not in entry)
    return table


def render_expression(table: Mapping[str, list[str]], *, note: str = "") -> str:
    """The Authentik expression-policy source for ``table`` (keys sorted, compact JSON)."""
    encoded = jsonencode(dict(table))  # as upstream's ${jsonencode(...)} wrote it
    admins = " or ".join(f'ak_is_group_member(request.user, name="{g}")' for g in BREAK_GLASS_GROUPS)
    lines = [
        "# Managed by the Pulumi `authentik` stack: forward-auth host -> allowed groups.",
        "# The table is rebuilt from the ingresses' allowed-groups annotations on every apply;",
        "# change access on the ingress, not here.",
        *([f"# {note}"] if note else []),
        f"HOST_GROUPS = {encoded}",
        "",
        'host = request.context.get("host", "")',
        "if not host:",
        "    return True",
        f"if {admins}:",
        "    return True",
        "allowed = HOST_GROUPS.get(host)",
        "if not allowed:",
        "    return False",
        "return any(ak_is_group_member(request.user, name=group) for group in allowed)",
    ]
    return "\n".join(lines)


def read_live_ingresses(timeout_seconds: int = 60) -> list[dict]:
    """Every Ingress of every namespace, through `kubectl` and the caller's kubeconfig."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise IngressReadError("kubectl is not on PATH")
    try:
        done = subprocess.run(
            [kubectl, "get", "ingresses.networking.k8s.io", "--all-namespaces", "--output", "json",
             f"--request-timeout={timeout_seconds}s"],
            capture_output=True, text=True, timeout=timeout_seconds + 10, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise IngressReadError(f"kubectl failed: {exc}") from exc
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        raise IngressReadError(f"kubectl get ingresses failed: {lines[-1][:300]}")
    try:
        return list(json.loads(done.stdout).get("items") or [])
    except ValueError as exc:
        raise IngressReadError(f"kubectl returned no JSON: {exc}") from exc
