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

from policies.common import UNKNOWN, Finding, PolicySpec, Resource, dig, make_policy
from policies.k8s import cname, containers, namespace_of, pod_views, wildcard_regex

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

def check_sys_admin(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        # Upstream rule inspects spec.containers only (not initContainers); mirrored.
        for key, i, c in containers(pv.spec, ("containers",)):
            if c is UNKNOWN:
                out.append(Finding(f"{res.label}: {pv.path}.{key} is unknown at preview",
                                   "declare containers literally", undecidable=True))
                continue
            add = dig(c, "securityContext", "capabilities", "add")
            if add is UNKNOWN or (isinstance(add, list) and (UNKNOWN in add or "SYS_ADMIN" in add)):
                out.append(Finding(
                    f"{res.label}: {cname(c, key, i)} adds capability SYS_ADMIN"
                    + ("" if isinstance(add, list) and "SYS_ADMIN" in add else " (or a capability list unknown at preview)"),
                    "drop SYS_ADMIN and add the narrow capability the process needs, " + _excl_fix("restrict-sys-admin")))
    return _gate(res, cfg, out)


# --- require-trusted-registries ---------------------------------------------------------------

def check_registries(res: Resource, cfg: dict) -> list:
    patterns = [wildcard_regex(p) for p in cfg.get("registryAllowlist") or []]
    out = []
    for pv in pod_views(res):
        # Upstream pattern covers spec.containers only; mirrored.
        for key, i, c in containers(pv.spec, ("containers",)):
            image = dig(c, "image") if c is not UNKNOWN else UNKNOWN
            if image is UNKNOWN:
                out.append(Finding(f"{res.label}: image of {key}[{i}] unknown at preview",
                                   "use a literal image reference", undecidable=True))
                continue
            if not isinstance(image, str) or not any(p.match(image) for p in patterns):
                out.append(Finding(
                    f"{res.label}: {cname(c, key, i)} pulls '{image}', which is not from a trusted registry",
                    "use an image from an allowlisted registry, or (if the source is trusted) add its "
                    "pattern to registryAllowlist in policies/config/defaults.yaml and to the kyverno stack"))
    return _gate(res, cfg, out)


# --- enforce-pod-tier-label -------------------------------------------------------------------

def check_tier_label(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        tier = dig(pv.labels, "tier")
        if tier is UNKNOWN:
            out.append(Finding(f"{res.label}: pod label 'tier' unknown at preview", "use a literal label",
                               undecidable=True))
        elif not isinstance(tier, str) or not tier:
            where = "metadata.labels" if res.kind == "Pod" else pv.path.rsplit(".spec", 1)[0] + ".metadata.labels"
            out.append(Finding(f"{res.label}: pod has no non-empty 'tier' label ({where})",
                               "label the pod template with its namespace tier, e.g. tier: 4-aux "
                               "(components.constants.TIERS)"))
    return out


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
               description="Containers do not add the SYS_ADMIN capability (outside excluded namespaces).",
               level=EnforcementLevel.MANDATORY, origin=KYVERNO.format("restrict-sys-admin"),
               validate=check_sys_admin,
               config_properties={"excludedNamespaces": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(name="require-trusted-registries",
               description="Container images come from an allowlisted registry (outside excluded namespaces).",
               level=EnforcementLevel.ADVISORY, origin=KYVERNO.format("require-trusted-registries"),
               validate=check_registries,
               config_properties={"excludedNamespaces": {"type": "array", "items": {"type": "string"}},
                                  "registryAllowlist": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(name="enforce-pod-tier-label",
               description="Pods and pod templates carry a non-empty 'tier' label.",
               level=EnforcementLevel.ADVISORY,
               origin=KYVERNO.format("enforce-pod-tier-label") + " (commented out upstream)",
               validate=check_tier_label),
    PolicySpec(name="no-cpu-limits",
               description="Containers do not declare CPU limits; the cluster strips them at admission.",
               level=EnforcementLevel.ADVISORY, origin=KYVERNO.format("strip-cpu-limits") + " (mutate)",
               validate=check_cpu_limits),
]


def policies() -> list:
    return [make_policy(s) for s in SPECS]
