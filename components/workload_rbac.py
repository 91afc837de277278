"""WorkloadRbac: the identity a workload runs as and what it may do in the API.

A ServiceAccount, a Role (in the account's namespace) or a ClusterRole with the given
rules, the binding between them, and optionally a long-lived token Secret for clients
outside the cluster. The rules are data (:class:`Rule`), checked at construction, so a
typo in a verb fails the preview instead of surfacing as a 403 in the job's log.
An existing account (one a Helm chart created, or another WorkloadRbac's) can be bound
instead of creating one, and an existing role instead of creating a role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label
from components.moved import child_options, require_moved_from

_COMPONENT = "WorkloadRbac"
ROLE_KINDS = ("Role", "ClusterRole")
VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
         "impersonate", "bind", "escalate", "use", "approve", "sign", "*")
CHILDREN = ("service_account", "role", "binding", "token")
RBAC_API_GROUP = "rbac.authorization.k8s.io"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One RBAC policy rule."""

    api_groups: Sequence[str]
    """API groups; ``""`` is the core group."""
    resources: Sequence[str]
    """Resources and subresources (``pods``, ``pods/exec``, ``deployments/scale``)."""
    verbs: Sequence[str]
    resource_names: Sequence[str] = ()
    """Restrict the rule to these object names."""

    def spec(self) -> dict:
        """The rule as the typed Role/ClusterRole resource takes it."""
        out: dict = {"api_groups": list(self.api_groups), "resources": list(self.resources), "verbs": list(self.verbs)}
        if self.resource_names:
            out["resource_names"] = list(self.resource_names)
        return out


def _check_rule(i: int, rule: object) -> None:
    where = f"rules[{i}]"
    if not isinstance(rule, Rule):
        raise ArgumentError(_COMPONENT, where, f"must be a Rule, got {type(rule).__name__}")
    for name in ("api_groups", "resources", "verbs", "resource_names"):
        value = getattr(rule, name)
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise ArgumentError(_COMPONENT, f"{where}.{name}", f"must be a list of strings, got {value!r}")
    if not rule.api_groups:
        raise ArgumentError(_COMPONENT, f"{where}.api_groups", "must not be empty (use [\"\"] for the core group)")
    if not rule.resources or not all(rule.resources):
        raise ArgumentError(_COMPONENT, f"{where}.resources", "must list at least one non-empty resource")
    if not rule.verbs:
        raise ArgumentError(_COMPONENT, f"{where}.verbs", "must list at least one verb")
    for verb in rule.verbs:
        require_choice(_COMPONENT, f"{where}.verbs", verb, VERBS)


def _require_role_name(argument: str, value: object) -> None:
    # ClusterRole names may carry ':' (kyverno:cleanup-controller:pods).
    if not isinstance(value, str) or not value.strip() or "/" in value:
        raise ArgumentError(_COMPONENT, argument, f"is {value!r}, not a valid role name")


@dataclass(frozen=True, kw_only=True)
class WorkloadRbacArgs:
    """Inputs of :class:`WorkloadRbac`."""

    namespace: str
    """Namespace of the ServiceAccount, and of the Role and RoleBinding."""
    rules: Sequence[Rule] = ()
    """The role's rules; empty only with ``existing_role``."""
    existing_role: str | None = None
    """Bind this existing ``role_kind`` (one another stack or a chart owns, e.g. a shared
    read-only ClusterRole) instead of creating a role; ``rules`` must then be empty."""
    role_kind: str = "Role"
    """`Role` (namespaced, the default) or `ClusterRole` (with a ClusterRoleBinding)."""
    service_account: str | None = None
    """Bind this existing ServiceAccount (in ``namespace``) instead of creating one named after the component."""
    service_account_namespace: str | None = None
    """Namespace of ``service_account`` when it lives elsewhere: a grant in ``namespace`` to
    another namespace's workload (n8n's account exec-ing into openclaw). None: ``namespace``."""
    role_name: str | None = None
    """Name of the Role/ClusterRole; defaults to the component name."""
    binding_name: str | None = None
    """Name of the binding; defaults to ``role_name``, else the component name."""
    token_secret: str | None = None
    """Name of a long-lived ``kubernetes.io/service-account-token`` Secret for the account
    (for a kubeconfig outside the cluster); None: no Secret."""
    automount_service_account_token: bool | None = None
    """The created account's ``automountServiceAccountToken``; None leaves it unset (mounted)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels on every object created."""
    moved_from: Mapping[str, str] = field(default_factory=dict)
    """{child: old top-level logical name} for children that were hand-written before
    (children: service_account, role, binding, token)."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_choice(_COMPONENT, "role_kind", self.role_kind, ROLE_KINDS)
        if isinstance(self.rules, (Mapping, str, Rule)):
            raise ArgumentError(_COMPONENT, "rules", "must be a list of Rule")
        if self.existing_role is None and not self.rules:
            raise ArgumentError(_COMPONENT, "rules", "must be a non-empty list of Rule (or bind an existing_role)")
        if self.existing_role is not None:
            if self.rules:
                raise ArgumentError(_COMPONENT, "rules", "must be empty when binding an existing_role")
            if self.role_name is not None:
                raise ArgumentError(_COMPONENT, "role_name", "names a created role; use existing_role alone")
            _require_role_name("existing_role", self.existing_role)
            if "role" in self.moved_from:
                raise ArgumentError(_COMPONENT, "moved_from", "names role, but no role is created")
        for i, rule in enumerate(self.rules):
            _check_rule(i, rule)
        for name in ("service_account", "binding_name", "token_secret"):
            if getattr(self, name) is not None:
                require_dns_label(_COMPONENT, name, getattr(self, name))
        if self.role_name is not None:
            _require_role_name("role_name", self.role_name)
        if self.service_account_namespace is not None:
            require_dns_label(_COMPONENT, "service_account_namespace", self.service_account_namespace)
            if self.service_account is None:
                raise ArgumentError(_COMPONENT, "service_account_namespace",
                                    "needs service_account: a created account always lives in namespace")
        if self.token_secret is not None and self.service_account is not None:
            raise ArgumentError(_COMPONENT, "token_secret",
                                "belongs with the account that owns it; create the token where the account is declared")
        if self.automount_service_account_token is not None:
            if not isinstance(self.automount_service_account_token, bool):
                raise ArgumentError(_COMPONENT, "automount_service_account_token",
                                    f"is {self.automount_service_account_token!r}, expected True, False or None")
            if self.service_account is not None:
                raise ArgumentError(_COMPONENT, "automount_service_account_token",
                                    "applies to a created account, not an existing one")
        if not isinstance(self.labels, Mapping):
            raise ArgumentError(_COMPONENT, "labels", "must be a mapping")
        require_moved_from(_COMPONENT, self.moved_from, CHILDREN)
        if "service_account" in self.moved_from and self.service_account is not None:
            raise ArgumentError(_COMPONENT, "moved_from", "names service_account, but no account is created")
        if "token" in self.moved_from and self.token_secret is None:
            raise ArgumentError(_COMPONENT, "moved_from", "names token, but token_secret is None")


class WorkloadRbac(pulumi.ComponentResource):
    """ServiceAccount (child ``<name>-service-account``), Role/ClusterRole (``<name>-role``),
    RoleBinding/ClusterRoleBinding (``<name>-binding``), token Secret (``<name>-token``).

    Outputs ``service_account_name`` (to put on the pod) and ``role_name``.
    """

    service_account_name: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(self, name: str, args: WorkloadRbacArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:WorkloadRbac", name, None, opts)
        moved = args.moved_from
        ns = args.namespace
        labels = {"labels": dict(args.labels)} if args.labels else {}
        cluster = args.role_kind == "ClusterRole"

        if args.service_account is None:
            automount = ({} if args.automount_service_account_token is None
                         else {"automount_service_account_token": args.automount_service_account_token})
            account = k8s.core.v1.ServiceAccount(
                f"{name}-service-account", metadata={"name": name, "namespace": ns, **labels}, **automount,
                opts=child_options(self, moved, "service_account"))
            account_name: pulumi.Input[str] = account.metadata["name"]
        else:
            account_name = args.service_account

        if args.existing_role is None:
            role_metadata = {"name": args.role_name or name, **labels}
            if not cluster:
                role_metadata["namespace"] = ns
            role_type = k8s.rbac.v1.ClusterRole if cluster else k8s.rbac.v1.Role
            role = role_type(f"{name}-role", metadata=role_metadata, rules=[r.spec() for r in args.rules],
                             opts=child_options(self, moved, "role"))
            role_name: pulumi.Input[str] = role.metadata["name"]
        else:
            role_name = args.existing_role

        binding_name = args.binding_name or args.role_name or name
        binding_type = k8s.rbac.v1.ClusterRoleBinding if cluster else k8s.rbac.v1.RoleBinding
        binding_metadata = ({"name": binding_name, **labels} if cluster
                            else {"name": binding_name, "namespace": ns, **labels})
        binding_type(
            f"{name}-binding",
            metadata=binding_metadata,
            role_ref={"api_group": RBAC_API_GROUP, "kind": args.role_kind, "name": role_name},
            subjects=[{"kind": "ServiceAccount", "name": account_name,
                       "namespace": args.service_account_namespace or ns}],
            opts=child_options(self, moved, "binding"))

        if args.token_secret is not None:
            k8s.core.v1.Secret(
                f"{name}-token",
                metadata={"name": args.token_secret, "namespace": ns, **labels,
                          "annotations": {"kubernetes.io/service-account.name": account_name}},
                type="kubernetes.io/service-account-token",
                opts=child_options(self, moved, "token"))

        self.service_account_name = pulumi.Output.from_input(account_name)
        self.role_name = pulumi.Output.from_input(role_name)
        self.register_outputs({"service_account_name": self.service_account_name, "role_name": self.role_name})
