"""The cluster's Kyverno validate rules, checked at preview.

Same semantics as the ClusterPolicies of the kyverno stack: they match Pods and, through
Kyverno's auto-gen, the pod templates of Deployment/StatefulSet/DaemonSet/ReplicaSet/
ReplicationController/Job/CronJob; the security rules skip the shared excluded namespaces
(``excludedNamespaces``, default ``components.constants.SECURITY_POLICY_EXCLUDED_NAMESPACES``).

Differences from admission, all deliberate (docs/policies.md):
* an object without ``metadata.namespace`` is NOT treated as excluded (Kyverno would see
  the provider's default namespace, which a preview cannot know);
* a security flag whose value is unknown at preview is a violation (write it as a literal);
  an unknown namespace or image skips the check with the SDK's preview note.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel

import functools
import re

from components.constants import TIER_LABEL, TIERS
from policies.common import UNKNOWN, Finding, PolicySpec, Resource, dig, is_k8s, make_policy
from policies.k8s import cname, containers, namespace_of, pod_views

KYVERNO = "Kyverno ClusterPolicy {} (stacks/kyverno)"


def excluded(res: Resource, cfg: dict) -> Any:
    """True/False, or UNKNOWN when the namespace is unknown at preview."""
    ns = namespace_of(res)
    if ns is UNKNOWN:
        return UNKNOWN
    return ns in set(cfg.get("excludedNamespaces") or [])


def _gate(res: Resource, cfg: dict, findings: list) -> list:
    """Drop findings in excluded namespaces; mark them undecidable when the namespace is unknown."""
    if not findings:
        return []
    ex = excluded(res, cfg)
    if ex is True:
        return []
    if ex is UNKNOWN:
        for f in findings:
            f.undecidable = True
            f.unknown_path = f.unknown_path or "metadata.namespace (excluded-namespace check)"
    return findings


def _excl_fix(policy: str) -> str:
    return (f"or, if the workload must run this way, deploy it into a namespace of "
            f"excludedNamespaces (components.constants.SECURITY_POLICY_EXCLUDED_NAMESPACES, shared with "
            f"the kyverno stack) or request an exception for {policy}")


# --- deny-privileged-containers -------------------------------------------------------------

def check_privileged(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        for key, i, c in containers(pv.spec):
            if c is UNKNOWN:
                out.append(Finding(f"{res.label}: {pv.path}.{key} is unknown at preview",
                                   "declare containers literally", undecidable=True))
                continue
            priv = dig(c, "securityContext", "privileged")
            if priv is True or priv is UNKNOWN:
                state = "privileged: true" if priv is True else "a privileged flag unknown at preview"
                out.append(Finding(
                    f"{res.label}: {cname(c, key, i)} has {state} (full host access)",
                    "drop securityContext.privileged and add only the capabilities it needs, "
                    + _excl_fix("deny-privileged-containers")))
    return _gate(res, cfg, out)


# --- deny-host-namespaces ---------------------------------------------------------------------

def check_host_namespaces(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        if pv.spec is UNKNOWN:
            out.append(Finding(f"{res.label}: pod spec unknown at preview", "declare it literally",
                               undecidable=True))
            continue
        for flag in ("hostNetwork", "hostPID", "hostIPC"):
            v = dig(pv.spec, flag)
            if v is True or v is UNKNOWN:
                out.append(Finding(
                    f"{res.label}: {pv.path}.{flag} is {'true' if v is True else 'unknown at preview'} "
                    f"(shares the node's namespace)",
                    f"remove {flag} (use a Service / hostPort-free design), " + _excl_fix("deny-host-namespaces")))
    return _gate(res, cfg, out)


# --- restrict-sys-admin -----------------------------------------------------------------------

def grants_sys_admin(cap: Any) -> bool:
    """containerd accepts capability names in any case and with or without ``CAP_``; ``ALL``
    includes SYS_ADMIN. Stricter than the Kyverno rule, which compares the literal string."""
    if cap is UNKNOWN:
        return True
    name = str(cap).strip().upper()
    if name.startswith("CAP_"):
        name = name[4:]
    return name in ("SYS_ADMIN", "ALL")


def check_sys_admin(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        # Wider than upstream (containers only): an init or ephemeral container with SYS_ADMIN is
        # as dangerous, and containerd grants it the same way.
        for key, i, c in containers(pv.spec, ("containers", "initContainers", "ephemeralContainers")):
            if c is UNKNOWN:
                out.append(Finding(f"{res.label}: {pv.path}.{key} is unknown at preview",
                                   "declare containers literally", undecidable=True))
                continue
            add = dig(c, "securityContext", "capabilities", "add")
            if add is UNKNOWN or (isinstance(add, list) and any(grants_sys_admin(x) for x in add)):
                which = "a capability list unknown at preview" if add is UNKNOWN else \
                    ", ".join(repr(x) if x is not UNKNOWN else "<unknown>" for x in add if grants_sys_admin(x))
                out.append(Finding(
                    f"{res.label}: {cname(c, key, i)} adds {which}, which grants SYS_ADMIN",
                    "drop it and add the narrow capability the process needs, " + _excl_fix("restrict-sys-admin"),
                    subject=cname(c, key, i)))
    return _gate(res, cfg, out)


# --- require-trusted-registries ---------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def allow_regex(pattern: str) -> re.Pattern:
    """A Kyverno image wildcard, anchored at both ends and at a reference boundary: a ``*``
    straight after a name character continues only with ``:``, ``@`` or ``/`` (so ``alpine*``
    admits ``alpine:3.20`` but not ``alpine.evil.example/x``, and ``10.0.20.10*`` not
    ``10.0.20.100``)."""
    out = []
    for i, ch in enumerate(pattern):
        if ch == "*":
            prev = pattern[i - 1] if i else ""
            out.append("(?:[:@/].*)?" if prev and (prev.isalnum() or prev in "._-") else ".*")
        elif ch == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(ch))
    return re.compile("^" + "".join(out) + "$", re.DOTALL)


def check_registries(res: Resource, cfg: dict) -> list:
    patterns = [allow_regex(p) for p in cfg.get("registryAllowlist") or []]
    out = []
    for pv in pod_views(res):
        # Wider than upstream (containers only): init and ephemeral containers run code too.
        for key, i, c in containers(pv.spec, ("containers", "initContainers", "ephemeralContainers")):
            image = dig(c, "image") if c is not UNKNOWN else UNKNOWN
            if image is UNKNOWN:
                out.append(Finding(f"{res.label}: image of {key}[{i}] unknown at preview, so admission's "
                                   f"verdict cannot be predicted", "use a literal image reference",
                                   subject=f"{key}[{i}]"))
                continue
            if not isinstance(image, str) or not any(p.match(image.strip()) for p in patterns):
                out.append(Finding(
                    f"{res.label}: {cname(c, key, i)} pulls '{image}', which is not from a trusted registry "
                    f"(admission's require-trusted-registries rejects it)",
                    "use an image from an allowlisted registry, or (if the source is trusted) add its "
                    "pattern to registryAllowlist in policies/config/defaults.yaml (the kyverno stack reads it)",
                    subject=cname(c, key, i)))
    return _gate(res, cfg, out)


# --- namespace-tier-label ---------------------------------------------------------------------

NAMESPACE_TYPE = "kubernetes:core/v1:Namespace"


def check_namespace_tier(res: Resource, cfg: dict) -> list:
    """Kyverno copies the tier from the namespace onto pods (sync-tier-label-from-namespace) and
    derives priority, LimitRange and quota from it, so the namespace is where it must be right."""
    if res.type != NAMESPACE_TYPE:
        return []
    labels = dig(res.props, "metadata", "labels")
    tier = dig(labels, TIER_LABEL) if labels is not UNKNOWN else UNKNOWN
    if tier is UNKNOWN:
        return [Finding(f"{res.label}: label {TIER_LABEL} unknown at preview", "use a literal label",
                        undecidable=True)]
    if tier in TIERS.values():
        return []
    state = "no tier label" if tier is None else f"tier={tier!r}, not one of {', '.join(TIERS.values())}"
    return [Finding(f"{res.label} has {state}: its pods get no tier priority, LimitRange or quota from Kyverno",
                    "pass tier= to components' Namespace (components.constants.TIERS)")]


# --- namespace-required -----------------------------------------------------------------------

# Cluster-scoped kinds (Kubernetes core + the CRDs the fleet uses). Any other kind is namespaced,
# except a ``Cluster*`` CRD kind, which by convention is cluster-scoped.
CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
    "IngressClass", "PriorityClass", "CustomResourceDefinition", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "APIService", "CSIDriver", "CSINode",
    "RuntimeClass", "VolumeAttachment", "CertificateSigningRequest", "FlowSchema",
    "PriorityLevelConfiguration", "ComponentStatus", "VolumeSnapshotClass", "VolumeSnapshotContent",
    "GatewayClass", "IPAddress", "ServiceCIDR", "DeviceClass", "ResourceSlice", "TLSStoreDefault",
    "Goldmane", "Whisker", "GlobalNetworkPolicy",  # operator.tigera.io, projectcalico.org
}


def namespaced_kind(kind: str) -> bool:
    for suffix in ("Patch", "List"):
        if kind.endswith(suffix) and kind != suffix:
            kind = kind[: -len(suffix)]
    return kind not in CLUSTER_SCOPED and not kind.startswith("Cluster")


HELM_RELEASE_TYPES = ("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Release")


def check_namespace_set(res: Resource, cfg: dict) -> list:
    if res.type in HELM_RELEASE_TYPES:
        ns = dig(res.props, "namespace")
        if ns is UNKNOWN or isinstance(ns, str) and ns.strip():
            return []
        return [Finding(f"Helm release '{dig(res.props, 'name') or res.name}' has no namespace: it installs into the "
                        f"provider's default namespace, which a preview cannot know", "set namespace= on the release")]
    if not is_k8s(res.type) or res.type.startswith("pulumi:") or not namespaced_kind(res.kind):
        return []
    if namespace_of(res) is not None:
        return []
    return [Finding(f"{res.label} is a namespaced {res.kind} without metadata.namespace: it lands in the "
                    f"provider's default namespace, which a preview cannot know (and Kyverno's namespace "
                    f"exclusions then judge an unknown namespace)",
                    "set metadata.namespace explicitly")]


# --- no-cpu-limits (strip-cpu-limits, mutate) --------------------------------------------------

def check_cpu_limits(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        for key, i, c in containers(pv.spec):
            if c is UNKNOWN:
                continue
            cpu = dig(c, "resources", "limits", "cpu")
            if cpu is not None and cpu is not UNKNOWN:
                out.append(Finding(
                    f"{res.label}: {cname(c, key, i)} sets limits.cpu={cpu}, which the cluster strips at "
                    f"admission (strip-cpu-limits): the declared limit never takes effect",
                    "remove resources.limits.cpu; keep requests.cpu and the memory limit"))
    return out


SPECS = [
    PolicySpec(name="deny-privileged-containers",
               description="Containers and initContainers are not privileged (outside excluded namespaces).",
               level=EnforcementLevel.MANDATORY, origin=KYVERNO.format("deny-privileged-containers"),
               validate=check_privileged,
               config_properties={"excludedNamespaces": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(name="deny-host-namespaces",
               description="Pods do not use hostNetwork, hostPID or hostIPC (outside excluded namespaces).",
               level=EnforcementLevel.MANDATORY, origin=KYVERNO.format("deny-host-namespaces"),
               validate=check_host_namespaces,
               config_properties={"excludedNamespaces": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(name="restrict-sys-admin",
               description="No container (init/ephemeral included) adds SYS_ADMIN, ALL, or SYS_ADMIN in any case or "
                           "CAP_-prefixed (outside excluded namespaces).",
               level=EnforcementLevel.MANDATORY, origin=KYVERNO.format("restrict-sys-admin"),
               validate=check_sys_admin,
               config_properties={"excludedNamespaces": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(name="require-trusted-registries",
               description="Container images (init/ephemeral included) match registryAllowlist, anchored at a "
                           "reference boundary (outside excluded namespaces); Enforce at admission.",
               level=EnforcementLevel.MANDATORY, origin=KYVERNO.format("require-trusted-registries"),
               validate=check_registries,
               config_properties={"excludedNamespaces": {"type": "array", "items": {"type": "string"}},
                                  "registryAllowlist": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(name="namespace-tier-label",
               description="Namespaces carry a tier label with one of the cluster's tiers (Kyverno copies it to pods).",
               level=EnforcementLevel.ADVISORY,
               origin=KYVERNO.format("sync-tier-label-from-namespace") + " + tier-derived generate rules",
               validate=check_namespace_tier),
    PolicySpec(name="namespace-required",
               description="Objects of namespaced kinds set metadata.namespace (the provider default is not knowable "
                           "at preview).",
               level=EnforcementLevel.MANDATORY, origin="issue #18 (admission's verdicts at preview)",
               validate=check_namespace_set),
    PolicySpec(name="no-cpu-limits",
               description="Containers do not declare CPU limits; the cluster strips them at admission.",
               level=EnforcementLevel.ADVISORY, origin=KYVERNO.format("strip-cpu-limits") + " (mutate)",
               validate=check_cpu_limits),
]


def policies() -> list:
    return [make_policy(s) for s in SPECS]
