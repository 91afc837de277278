"""The cluster's human users (Vault ``secret/platform`` field ``k8s_users``) and what each gets.

The list decides which Kubernetes objects exist, so it is read synchronously while the
program loads (a Pulumi program never declares resources inside an ``apply``). Roles:

- ``admin``: ``cluster-admin`` everywhere;
- ``power-user``: cluster-wide read without Secrets or exec;
- ``namespace-owner``: ``admin`` inside each listed namespace, a quota there, the wildcard
  TLS secret, and a ServiceAccount with a long-lived token for the Kubernetes Dashboard.

Any other role is listed in the portal's ConfigMap and granted nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.tf_encoding import jsonencode
from components.tls_secret import TlsSecret, TlsSecretArgs

ROLES = ("admin", "power-user", "namespace-owner")
RBAC_API = "rbac.authorization.k8s.io"
USERS_PATH = "platform"
USERS_FIELD = "k8s_users"


@dataclass(frozen=True, kw_only=True)
class Quota:
    """Hard limits of a namespace owner's ResourceQuota (defaults as upstream)."""

    cpu_requests: str = "2"
    memory_requests: str = "4Gi"
    memory_limits: str = "8Gi"
    pods: str = "20"


@dataclass(frozen=True, kw_only=True)
class User:
    key: str
    """Short name, used in object names (``oidc-admin-<key>``)."""
    role: str
    email: str
    """The OIDC ``email`` claim: the API server's user name for this person."""
    namespaces: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    """Carried for the schema's sake; nothing here uses it."""
    quota: Quota = field(default_factory=Quota)

    @property
    def owns_namespaces(self) -> bool:
        return self.role == "namespace-owner"


@dataclass(frozen=True, kw_only=True)
class ClusterRoles:
    """Names of the ClusterRoles the per-user bindings point at (pass the resources' names)."""

    power_user_readonly: pulumi.Input[str]
    namespace_owner_readonly: pulumi.Input[str]
    dashboard_nav_readonly: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class TlsMaterial:
    secret_name: str
    certificate: pulumi.Input[str]
    private_key: pulumi.Input[str]


def parse_users(raw: str | Mapping) -> dict[str, User]:
    """Decode ``{key: {role, email, namespaces?, domains?, quota?}}`` (JSON text or decoded).

    Missing optional fields take the defaults the upstream variable type gave them;
    quota values are strings (Kubernetes quantities) whatever JSON type they arrive as.
    """
    document = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(document, Mapping):
        raise ValueError(f"{USERS_FIELD} must be a JSON object keyed by user, got {type(document).__name__}")
    users: dict[str, User] = {}
    for key, spec in document.items():
        missing = [name for name in ("role", "email") if not isinstance((spec or {}).get(name), str)]
        if missing:
            raise ValueError(f"{USERS_FIELD}[{key!r}] lacks {', '.join(missing)}")
        quota = {name: str(value) for name, value in (spec.get("quota") or {}).items() if value is not None}
        users[key] = User(
            key=key,
            role=spec["role"],
            email=spec["email"],
            namespaces=tuple(spec.get("namespaces") or ()),
            domains=tuple(spec.get("domains") or ()),
            quota=Quota(**quota),
        )
    _check_unique_owners(users.values())
    return users


def _check_unique_owners(users) -> None:
    # Each owned namespace gets one ResourceQuota named user-quota; two owners of one
    # namespace would declare it twice (upstream failed on the second create).
    owner_of: dict[str, str] = {}
    for user in users:
        if not user.owns_namespaces:
            continue
        for ns in user.namespaces:
            if ns in owner_of and owner_of[ns] != user.key:
                raise ValueError(f"namespace {ns!r} is owned by both {owner_of[ns]!r} and {user.key!r}; "
                                 "its user-quota ResourceQuota can have only one owner")
            owner_of[ns] = user.key


def read_users() -> dict[str, User]:
    """The roster from Vault, read now (components.platform_users). Offline previews get none."""
    from components.platform_users import read_k8s_users

    return parse_users(read_k8s_users(path=USERS_PATH, key=USERS_FIELD))


def portal_document(users: Mapping[str, User]) -> str:
    """``users.json`` of the self-service portal: email -> role and namespaces.

    Compact, keys sorted: the bytes Terraform's jsonencode wrote, so adoption shows no change.
    """
    by_email: dict[str, dict] = {}
    for user in users.values():
        if user.email in by_email:
            raise ValueError(f"{USERS_FIELD}: email {user.email!r} is listed for more than one user")
        by_email[user.email] = {"role": user.role, "namespaces": list(user.namespaces)}
    return jsonencode(by_email)


def _user_subject(email: str) -> dict:
    return {"kind": "User", "name": email, "api_group": RBAC_API}


def _cluster_binding(name: str, role: pulumi.Input[str], subject: dict,
                     opts: pulumi.ResourceOptions | None = None) -> k8s.rbac.v1.ClusterRoleBinding:
    return k8s.rbac.v1.ClusterRoleBinding(
        name,
        metadata={"name": name},
        role_ref={"api_group": RBAC_API, "kind": "ClusterRole", "name": role},
        subjects=[subject],
        opts=opts,
    )


def declare_user_resources(users: Mapping[str, User], *, roles: ClusterRoles,
                           tls: TlsMaterial | None) -> None:
    """Every per-user object. ``tls`` may be None only when no user owns a namespace.

    Logical names: the object name for cluster-scoped objects, ``<namespace>/<name>``
    for namespaced ones (the Kubernetes import id).
    """
    for user in sorted(users.values(), key=lambda u: u.key):
        if user.role == "admin":
            _cluster_binding(f"oidc-admin-{user.key}", "cluster-admin", _user_subject(user.email))
        elif user.role == "power-user":
            # The read-only role; the read-write oidc-power-user stays unbound on purpose.
            _cluster_binding(f"oidc-power-user-readonly-{user.key}", roles.power_user_readonly,
                             _user_subject(user.email))
        elif user.role == "namespace-owner":
            _cluster_binding(f"oidc-ns-owner-readonly-{user.key}", roles.namespace_owner_readonly,
                             _user_subject(user.email))
            for ns in user.namespaces:
                _declare_owned_namespace(user, ns, roles)

    owned = owned_namespaces(users)
    if owned and tls is None:
        raise ValueError("namespace owners need the TLS material for their namespaces")
    for ns in owned:
        # So owners can serve HTTPS ingresses with the wildcard certificate.
        TlsSecret(f"{ns}/tls-secret", TlsSecretArgs(
            namespace=ns, secret_name=tls.secret_name, certificate=tls.certificate, private_key=tls.private_key))


def _declare_owned_namespace(user: User, ns: str, roles: ClusterRoles) -> None:
    owner_binding = k8s.rbac.v1.RoleBinding(
        f"{ns}/namespace-owner-{user.key}",
        metadata={"name": f"namespace-owner-{user.key}", "namespace": ns},
        role_ref={"api_group": RBAC_API, "kind": "ClusterRole", "name": "admin"},
        subjects=[_user_subject(user.email)],
    )
    k8s.core.v1.ResourceQuota(
        f"{ns}/user-quota",
        metadata={"name": "user-quota", "namespace": ns},
        spec={"hard": {
            "requests.cpu": user.quota.cpu_requests,
            "requests.memory": user.quota.memory_requests,
            "limits.memory": user.quota.memory_limits,
            "pods": user.quota.pods,
        }},
        opts=pulumi.ResourceOptions(depends_on=[owner_binding]),
    )

    # Dashboard access by pasted token: the same namespace scope as the OIDC binding, plus
    # only what the Dashboard's navigation needs cluster-wide (namespace and node lists).
    account = k8s.core.v1.ServiceAccount(
        f"{ns}/dashboard-{user.key}",
        metadata={"name": f"dashboard-{user.key}", "namespace": ns},
    )
    account_subject = {"kind": "ServiceAccount", "name": account.metadata["name"], "namespace": ns}
    k8s.rbac.v1.RoleBinding(
        f"{ns}/dashboard-owner-{user.key}",
        metadata={"name": f"dashboard-owner-{user.key}", "namespace": ns},
        role_ref={"api_group": RBAC_API, "kind": "ClusterRole", "name": "admin"},
        subjects=[account_subject],
    )
    _cluster_binding(f"dashboard-readonly-{user.key}-{ns}", roles.dashboard_nav_readonly, account_subject)
    # The token controller fills the token in. To rotate it, delete the Secret and run
    # `pulumi up --refresh`: the Secret is recreated and gets a new token.
    k8s.core.v1.Secret(
        f"{ns}/dashboard-{user.key}-token",
        metadata={
            "name": f"dashboard-{user.key}-token",
            "namespace": ns,
            "annotations": {"kubernetes.io/service-account.name": account.metadata["name"]},
        },
        type="kubernetes.io/service-account-token",
    )


def owned_namespaces(users: Mapping[str, User]) -> Sequence[str]:
    return sorted({ns for user in users.values() if user.owns_namespaces for ns in user.namespaces})
