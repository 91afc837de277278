"""Shared plumbing for the policy modules.

Validators in this pack are plain functions over plain data:

    validate(resource: Resource, cfg: dict) -> list[Finding]             (resource policies)
    validate(resources: list[Resource], cfg: dict) -> list[Finding]      (stack policies)

``Resource.props`` holds the resource inputs as the engine sends them, normalised so that
values unknown at preview are the ``UNKNOWN`` singleton and Pulumi secrets are the
``SECRET`` singleton. The same validators therefore run on synth JSON (``"[unknown]"`` /
``"[secret]"`` strings), on the engine's sentinels, and on hand-written test fixtures.

``make_policy`` wraps a ``PolicySpec`` into a pulumi_policy policy object; constructing
such an object is cheap and starts nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Optional

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.proxy import (
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    _DictProxy,
    _ListProxy,
    _is_unknown,
)
from pulumi_policy.secret import Secret

from policies import pack_config


class _Marker:
    __slots__ = ("_label",)

    def __init__(self, label: str) -> None:
        self._label = label

    def __repr__(self) -> str:
        return self._label

    def __bool__(self) -> bool:  # a marker is never a usable literal
        return False


UNKNOWN = _Marker("<unknown>")
SECRET = _Marker("<secret>")

SYNTH_UNKNOWN = "[unknown]"
SYNTH_SECRET = "[secret]"


class SecretValue(str):
    """Placeholder the pack's deserializer puts where the engine sent a secret."""


def normalize(value: Any) -> Any:
    """Plain dict/list copy of ``value`` with unknowns and secrets as markers.

    Reads proxies through their raw target so no ``UnknownValueError`` is raised here;
    validators decide explicitly what an unknown means for them.
    """
    if isinstance(value, _DictProxy):
        value = value["__target"]
    elif isinstance(value, _ListProxy):
        value = value["__target"]
    if isinstance(value, Secret):
        return SECRET
    if isinstance(value, SecretValue):
        return SECRET
    if isinstance(value, str):
        if value == SYNTH_SECRET:
            return SECRET
        if value == SYNTH_UNKNOWN or _is_unknown(value):
            return UNKNOWN
        return value
    if isinstance(value, Mapping):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [normalize(v) for v in value]
    return value


def dig(obj: Any, *path: Any, default: Any = None) -> Any:
    """Walk ``path`` through dicts/lists; UNKNOWN anywhere on the way yields UNKNOWN."""
    cur = obj
    for key in path:
        if cur is UNKNOWN:
            return UNKNOWN
        if isinstance(cur, dict):
            if key not in cur:
                return default
            cur = cur[key]
        elif isinstance(cur, list) and isinstance(key, int):
            if key >= len(cur):
                return default
            cur = cur[key]
        else:
            return default
    return cur


# --- resources -------------------------------------------------------------------------------

_URN_RE = re.compile(r"^urn:pulumi:(?P<stack>[^:]+)::(?P<project>[^:]+)::(?P<types>.+)::(?P<name>[^:]*)$")


def parse_urn(urn: str) -> tuple[str, str, str]:
    """(stack, project, logical name) from a URN; empty strings when it does not parse."""
    m = _URN_RE.match(urn or "")
    if not m:
        return "", "", ""
    return m.group("stack"), m.group("project"), m.group("name")


@dataclasses.dataclass
class Resource:
    type: str
    props: dict
    urn: str = ""
    name: str = ""
    options: dict = dataclasses.field(default_factory=dict)

    @property
    def project(self) -> str:
        """The Pulumi project, i.e. the stack directory name (``stacks/<project>``)."""
        return parse_urn(self.urn)[1]

    @property
    def kind(self) -> str:
        return kind_of(self.type)

    @property
    def label(self) -> str:
        meta = self.props.get("metadata") if isinstance(self.props, dict) else None
        ns = dig(meta, "namespace")
        nm = dig(meta, "name")
        if isinstance(nm, str):
            return f"{self.kind} {ns}/{nm}" if isinstance(ns, str) else f"{self.kind} {nm}"
        return f"{self.type} '{self.name}'"


def kind_of(type_token: str) -> str:
    """``kubernetes:apps/v1:Deployment`` -> ``Deployment``."""
    return type_token.rsplit(":", 1)[-1] if type_token else ""


def api_group_version(type_token: str) -> str:
    """``kubernetes:apps/v1:Deployment`` -> ``apps/v1``; core types give ``core/v1``."""
    parts = type_token.split(":")
    return parts[1] if len(parts) == 3 else ""


def is_k8s(type_token: str) -> bool:
    return type_token.startswith("kubernetes:") and not type_token.startswith("kubernetes:helm.sh/") \
        and not type_token.startswith("kubernetes:yaml/")


# --- findings --------------------------------------------------------------------------------

@dataclasses.dataclass
class Finding:
    """One violation. ``undecidable`` marks a finding that hinges on a value unknown at preview."""

    message: str
    fix: str
    urn: Optional[str] = None
    undecidable: bool = False
    resource_name: Optional[str] = None  # logical name, for exception matching in stack policies
    project: Optional[str] = None
    unknown_path: Optional[str] = None  # the property that is unknown, for the preview note
    # What inside the resource is wrong (e.g. "containers[0] 'app' env API_TOKEN"): an exception
    # with a `subject` covers only findings with exactly this subject.
    subject: Optional[str] = None


@dataclasses.dataclass
class PolicySpec:
    name: str
    description: str
    level: EnforcementLevel
    origin: str
    validate: Callable[..., list]
    stack_level: bool = False
    # True: a decision that hinges on an unknown value is reported as a violation (auth).
    # False: the policy is skipped for that resource with the SDK's preview note.
    fail_closed: bool = False
    config_properties: dict = dataclasses.field(default_factory=dict)


EXCEPTIONS_SCHEMA = {
    "type": "array",
    "description": "Extra exceptions for this policy: objects {stack, resource, reason, subject?, register?}.",
    "items": {
        "type": "object",
        "properties": {
            "stack": {"type": "string"},
            "resource": {"type": "string"},
            "reason": {"type": "string", "minLength": 1},
            "subject": {"type": "string"},
            "register": {"type": "string"},
            "until": {"type": "string"},
        },
        "required": ["stack", "resource", "reason"],
    },
}


def exception_hint(policy: str) -> str:
    return (f"Exception: add {{policy: {policy}, stack: <stack dir>, resource: <logical name>, "
            f"subject: <the finding's field, optional>, register: <SEC-NNN in docs/security.md>, "
            f"reason: <why>}} to policies/config/exceptions.yaml in a reviewed PR "
            f"(see docs/policies.md#exceptions).")


def format_message(policy: str, finding: Finding) -> str:
    return f"{finding.message}\nFix: {finding.fix}\n{exception_hint(policy)}"


def effective_level(spec: PolicySpec) -> EnforcementLevel:
    override = pack_config.enforcement_overrides().get(spec.name)
    return EnforcementLevel(override) if override else spec.level


def run_resource_spec(spec: PolicySpec, res: Resource, raw_cfg: Optional[Mapping]) -> list:
    """Apply config + exceptions around a resource validator (shared by the adapter and tools)."""
    cfg = pack_config.resolve(spec.name, raw_cfg)
    return [f for f in spec.validate(res, cfg)
            if not pack_config.is_excepted(spec.name, res.project, res.name, cfg, f.subject)]


def run_stack_spec(spec: PolicySpec, resources: list, raw_cfg: Optional[Mapping]) -> list:
    cfg = pack_config.resolve(spec.name, raw_cfg)
    out = []
    for f in spec.validate(resources, cfg):
        if pack_config.is_excepted(spec.name, f.project or "", f.resource_name or "", cfg, f.subject):
            continue
        out.append(f)
    return out


def _resource_from_args(args: Any) -> Resource:
    opts = getattr(args, "opts", None)
    options = {"protect": bool(getattr(opts, "protect", False))} if opts is not None else {}
    return Resource(type=args.resource_type, props=normalize(args.props), urn=args.urn,
                    name=args.name, options=options)


def _report(spec: PolicySpec, findings: list, report_violation: Callable, default_urn: Optional[str]) -> None:
    decided = [f for f in findings if not f.undecidable]
    undecided = [f for f in findings if f.undecidable]
    if spec.fail_closed:
        decided += undecided
        undecided = []
    for f in decided:
        report_violation(format_message(spec.name, f), f.urn if spec.stack_level else None)
    if undecided and not decided:
        # Documented SDK behaviour: a policy that depends on a value unknown at preview
        # is skipped with an advisory "can't run policy ... during preview" note.
        f = undecided[0]
        raise UnknownValueError(UNKNOWN_STRING_VALUE, [f.unknown_path or f.message])


def make_policy(spec: PolicySpec):
    """Build the pulumi_policy object for ``spec`` (does not start anything)."""
    props = {"exceptions": EXCEPTIONS_SCHEMA}
    props.update(spec.config_properties)
    schema = PolicyConfigSchema(properties=props)
    level = effective_level(spec)

    if spec.stack_level:
        def validate_stack(args, report_violation):
            resources = [
                Resource(type=r.resource_type, props=normalize(r.props), urn=r.urn, name=r.name,
                         options={"protect": bool(getattr(r.opts, "protect", False))})
                for r in args.resources
            ]
            findings = run_stack_spec(spec, resources, args.get_config())
            _report(spec, findings, report_violation, None)

        return StackValidationPolicy(name=spec.name, description=spec.description,
                                     validate=validate_stack, enforcement_level=level,
                                     config_schema=schema)

    def validate_resource(args, report_violation):
        res = _resource_from_args(args)
        findings = run_resource_spec(spec, res, args.get_config())
        _report(spec, findings, report_violation, args.urn)

    return ResourceValidationPolicy(name=spec.name, description=spec.description,
                                    validate=validate_resource, enforcement_level=level,
                                    config_schema=schema)
