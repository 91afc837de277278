"""The dashboard token injector's pure parts: whose token it hands out, and its nginx config.

The injector sits between Traefik (Authentik forward-auth has already set
``X-authentik-username`` to the user's email and overwritten any client-sent copy) and the
chart's kong-proxy. It maps that email to the user's ServiceAccount token and sends it on as
``Authorization: Bearer``, so the Dashboard never asks for a pasted token and the apiserver
applies that account's RBAC. The map holds tokens, so the rendered file lives in a Secret.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.platform_users import namespace_owners

KONG_PROXY = "https://kubernetes-dashboard-kong-proxy.kubernetes-dashboard.svc.cluster.local:443"
LISTEN_PORT = 8080


@dataclass(frozen=True)
class OwnerToken:
    """Where a namespace owner's dashboard token lives (created by the rbac stack)."""

    email: str
    namespace: str
    secret: str


def owner_tokens(users: Mapping[str, Any]) -> list[OwnerToken]:
    """Namespace owners with at least one namespace, by email; the first namespace's token.

    Sorted by email, the order Terraform iterated its email-keyed map in.
    """
    found: dict[str, OwnerToken] = {}
    for name, user in sorted(namespace_owners(users).items()):
        namespaces = user.get("namespaces") or []
        if not namespaces:
            continue
        email = user["email"]
        found[email] = OwnerToken(email=email, namespace=namespaces[0], secret=f"dashboard-{name}-token")
    return [found[email] for email in sorted(found)]


def _quoted(value: str) -> str:
    if '"' in value or "\\" in value or "\n" in value:
        raise ValueError(f"cannot quote {value!r} in an nginx map")
    return f'"{value}"'


def nginx_config(tokens: Sequence[tuple[str, str]]) -> str:
    """``default.conf`` for the injector: (email, token) pairs in map order, then the proxy."""
    entries = "\n".join(f"    {_quoted(email)} {_quoted(token)};" for email, token in tokens)
    return f"""# WebSocket upgrades (the Dashboard streams logs and exec sessions).
map $http_upgrade $connection_upgrade {{
    default upgrade;
    ""      close;
}}

# Authenticated user (set by Authentik forward-auth) -> that user's ServiceAccount token.
map $http_x_authentik_username $dash_sa_token {{
    default "";
{entries}
}}

# No token for the user: send no Authorization at all (the client's own is never passed on).
map $dash_sa_token $dash_auth_hdr {{
    ""      "";
    default "Bearer $dash_sa_token";
}}

server {{
    listen {LISTEN_PORT};
    client_max_body_size 50m;

    location / {{
        proxy_pass {KONG_PROXY};
        proxy_ssl_server_name on;
        proxy_ssl_verify off;

        proxy_set_header Authorization $dash_auth_hdr;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;

        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 3600s;
        proxy_buffer_size 16k;
        proxy_buffers 8 16k;
    }}
}}
"""
