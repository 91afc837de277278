"""Kyverno ClusterPolicy with the cluster's conventions, plus builders for its rule blocks.

A policy is declared as its name, its ``policies.kyverno.io/*`` metadata and a list of rules;
rules are raw camelCase Kyverno dicts (anchor keys such as ``=(securityContext)`` or
``+(tier)`` are kept literally). The builders below cover the blocks every policy of the
kyverno stack repeats: ``match``/``exclude`` resource filters, validate rules over Pods,
and "clone a source Secret into namespaces" generate rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.tf_encoding import yamlencode

_COMPONENT = "KyvernoPolicy"

API_VERSION = "kyverno.io/v1"
ANNOTATION_PREFIX = "policies.kyverno.io/"
FAILURE_ACTIONS = ("Audit", "Enforce")
SEVERITIES = ("low", "medium", "high", "critical")
RULE_TYPES = ("validate", "mutate", "generate", "verifyImages")


# --- rule-block builders (pure) ------------------------------------------------------------

def resource_filter(
    kinds: Sequence[str] = (),
    *,
    namespaces: Sequence[str] = (),
    names: Sequence[str] = (),
    operations: Sequence[str] = (),
    namespace_selector: Mapping | None = None,
    selector: Mapping | None = None,
    annotations: Mapping[str, str] | None = None,
) -> dict:
    """One ``{"resources": {...}}`` entry of a match/exclude ``any`` list; empty fields omitted."""
    resources: dict = {}
    if kinds:
        resources["kinds"] = list(kinds)
    if names:
        resources["names"] = list(names)
    if namespaces:
        resources["namespaces"] = list(namespaces)
    if operations:
        resources["operations"] = list(operations)
    if namespace_selector is not None:
        resources["namespaceSelector"] = dict(namespace_selector)
    if selector is not None:
        resources["selector"] = dict(selector)
    if annotations is not None:
        resources["annotations"] = dict(annotations)
    if not resources:
        raise ArgumentError(_COMPONENT, "resource_filter", "needs at least one of kinds/names/namespaces/"
                            "operations/namespace_selector/selector/annotations")
    return {"resources": resources}


def any_of(*filters: Mapping) -> dict:
    """A match or exclude block: the object qualifies when ANY filter matches."""
    if not filters:
        raise ArgumentError(_COMPONENT, "any_of", "needs at least one resource filter")
    return {"any": [dict(f) for f in filters]}


def match_kinds(kinds: Sequence[str], **filters) -> dict:
    """``match`` on resource kinds, with optional extra filters (see resource_filter)."""
    return any_of(resource_filter(kinds, **filters))


def exclude_namespaces(namespaces: Sequence[str]) -> dict:
    """``exclude`` for a list of namespaces."""
    if isinstance(namespaces, str) or not namespaces:
        raise ArgumentError(_COMPONENT, "exclude_namespaces", "must be a non-empty list of namespaces")
    return any_of(resource_filter(namespaces=namespaces))


def pod_validate_rule(
    name: str,
    *,
    message: str,
    exclude: Sequence[str] = (),
    pattern: Mapping | None = None,
    deny: Mapping | None = None,
) -> dict:
    """A validate rule over Pods (Kyverno auto-generates the controller variants) with an
    optional namespace exclude list and exactly one of ``pattern`` or ``deny``."""
    require_text(_COMPONENT, "rule name", name)
    require_text(_COMPONENT, f"rule {name}: message", message)
    if (pattern is None) == (deny is None):
        raise ArgumentError(_COMPONENT, f"rule {name}", "needs exactly one of 'pattern' or 'deny'")
    validate: dict = {"message": message}
    if pattern is not None:
        validate["pattern"] = dict(pattern)
    else:
        validate["deny"] = dict(deny)  # type: ignore[arg-type]
    rule: dict = {"name": name, "match": match_kinds(["Pod"])}
    if exclude:
        rule["exclude"] = exclude_namespaces(exclude)
    rule["validate"] = validate
    return rule


def clone_secret_rule(
    name: str,
    *,
    secret_name: str,
    source_namespace: str,
    match: Mapping,
    exclude: Mapping | None = None,
    generate_existing: bool | None = None,
) -> dict:
    """A generate rule that keeps a copy of ``source_namespace/secret_name`` (same name) in
    every namespace the rule matches, re-synced when the source changes."""
    require_dns_label(_COMPONENT, "secret_name", secret_name)
    require_dns_label(_COMPONENT, "source_namespace", source_namespace)
    generate: dict = {}
    if generate_existing is not None:
        generate["generateExisting"] = generate_existing
    generate.update({
        "apiVersion": "v1",
        "kind": "Secret",
        "name": secret_name,
        "namespace": "{{request.object.metadata.name}}",
        "synchronize": True,
        "clone": {"namespace": source_namespace, "name": secret_name},
    })
    rule: dict = {"name": name, "match": dict(match)}
    if exclude is not None:
        rule["exclude"] = dict(exclude)
    rule["generate"] = generate
    return rule


def json6902(operations: Sequence[Mapping]) -> str:
    """A ``patchesJson6902`` string: a YAML list of JSON-patch operations.

    Rendered with ``tf_encoding.yamlencode``, as the Terraform repo's ``yamlencode`` stored
    it (sorted, double-quoted keys), so adopting the live policies shows no diff in the string.
    """
    if not operations:
        raise ArgumentError(_COMPONENT, "json6902", "needs at least one operation")
    for op in operations:
        if "op" not in op or "path" not in op:
            raise ArgumentError(_COMPONENT, "json6902", f"operation {dict(op)!r} needs 'op' and 'path'")
    return yamlencode([dict(op) for op in operations])


def _rule_type(rule: Mapping) -> str | None:
    found = [t for t in RULE_TYPES if t in rule]
    return found[0] if len(found) == 1 else None


# --- the component ---------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class KyvernoPolicyArgs:
    rules: Sequence[Mapping]
    """Kyverno rules, camelCase, each with a unique ``name`` and exactly one of
    validate/mutate/generate/verifyImages."""
    title: str | None = None
    """``policies.kyverno.io/title`` annotation."""
    description: str | None = None
    """``policies.kyverno.io/description`` annotation."""
    category: str | None = None
    """``policies.kyverno.io/category`` annotation (e.g. 'Pod Security')."""
    severity: str | None = None
    """``policies.kyverno.io/severity`` annotation: low, medium, high or critical."""
    validation_failure_action: str | None = None
    """``Enforce`` (reject) or ``Audit`` (report); only for policies with validate rules."""
    background: bool | None = None
    """``spec.background``; omitted = Kyverno's default (true)."""
    spec_extra: Mapping = field(default_factory=dict)
    """Further top-level spec fields (generateExisting, mutateExistingOnPolicyUpdate, ...)."""
    replace_on_change: bool = False
    """Delete and recreate the policy on any spec change: Kyverno refuses in-place edits to
    some generate rules."""

    def __post_init__(self) -> None:
        if isinstance(self.rules, (str, Mapping)) or not self.rules:
            raise ArgumentError(_COMPONENT, "rules", "must be a non-empty list of rule dicts")
        seen: set[str] = set()
        for rule in self.rules:
            if not isinstance(rule, Mapping):
                raise ArgumentError(_COMPONENT, "rules", f"entries must be dicts, got {rule!r}")
            name = rule.get("name")
            require_text(_COMPONENT, "rules[].name", name)
            if name in seen:
                raise ArgumentError(_COMPONENT, "rules", f"has the rule name {name!r} twice")
            seen.add(name)  # type: ignore[arg-type]
            if _rule_type(rule) is None:
                raise ArgumentError(_COMPONENT, f"rules[{name}]", "needs exactly one rule type", RULE_TYPES)
        if self.severity is not None:
            require_choice(_COMPONENT, "severity", self.severity, SEVERITIES)
        if self.validation_failure_action is not None:
            require_choice(_COMPONENT, "validation_failure_action", self.validation_failure_action, FAILURE_ACTIONS)
            if not any("validate" in r for r in self.rules):
                raise ArgumentError(_COMPONENT, "validation_failure_action",
                                    "is set but the policy has no validate rule")
        for key in ("rules", "validationFailureAction", "background"):
            if key in self.spec_extra:
                raise ArgumentError(_COMPONENT, "spec_extra", f"must not set {key!r}; use the dedicated argument")
        for argument in ("title", "description", "category"):
            value = getattr(self, argument)
            if value is not None:
                require_text(_COMPONENT, argument, value)


def policy_annotations(args: KyvernoPolicyArgs) -> dict[str, str]:
    """The ``policies.kyverno.io/*`` annotations the arguments set."""
    out: dict[str, str] = {}
    for key in ("title", "category", "severity", "description"):
        value = getattr(args, key)
        if value is not None:
            out[ANNOTATION_PREFIX + key] = value
    return out


def policy_spec(args: KyvernoPolicyArgs) -> dict:
    """``spec`` as Kyverno receives it."""
    spec: dict = {}
    if args.validation_failure_action is not None:
        spec["validationFailureAction"] = args.validation_failure_action
    if args.background is not None:
        spec["background"] = args.background
    spec.update(dict(args.spec_extra))
    spec["rules"] = [dict(r) for r in args.rules]
    return spec


class KyvernoPolicy(pulumi.ComponentResource):
    """ClusterPolicy named ``name`` (``kyverno.io/v1``). Output ``policy_name``.

    Ordering given in ``opts.depends_on`` (the Kyverno release that installs the CRDs, the
    source Secrets a generate rule clones) is applied to the ClusterPolicy itself too.
    """

    policy_name: pulumi.Output[str]

    def __init__(self, name: str, args: KyvernoPolicyArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:kyverno:ClusterPolicy", name, None, opts)
        metadata: dict = {"name": name}
        annotations = policy_annotations(args)
        if annotations:
            metadata["annotations"] = annotations
        child_opts = pulumi.ResourceOptions(
            parent=self,
            depends_on=opts.depends_on if opts is not None else None,
            replace_on_changes=["spec"] if args.replace_on_change else None,
            delete_before_replace=True if args.replace_on_change else None,
        )
        self.resource = k8s.apiextensions.CustomResource(
            f"{name}-cluster-policy",
            api_version=API_VERSION,
            kind="ClusterPolicy",
            metadata=metadata,
            spec=policy_spec(args),
            opts=child_opts,
        )
        self.policy_name = pulumi.Output.from_input(name)
        self.register_outputs({"policy_name": self.policy_name})
