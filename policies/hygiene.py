"""Infrastructure hygiene: API versions, Helm release safety, protection of state,
pinned images and resource requests."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from components.constants import IMAGE_POLICY_ANNOTATION, IMAGE_POLICY_KEEL
from policies.common import UNKNOWN, Finding, PolicySpec, Resource, api_group_version, dig, make_policy
from policies.k8s import cname, containers, namespace_of, parse_image, pod_views

HELM_RELEASE_TYPES = ("kubernetes:helm.sh/v3:Release",)
ESO_GROUP = "external-secrets.io"
ESO_VERSION = "external-secrets.io/v1"


# --- external-secret-api-version ---------------------------------------------------------------

def check_eso_version(res: Resource, cfg: dict) -> list:
    gv = api_group_version(res.type)
    if not gv.startswith(ESO_GROUP + "/") or gv == ESO_VERSION:
        return []
    return [Finding(f"{res.label} uses {gv}; the cluster only serves {ESO_VERSION} (no conversion webhook), "
                    f"so apply would fail",
                    f"use apiVersion {ESO_VERSION} (components' ExternalSecret already does; the spec shape is "
                    f"unchanged for remoteRef/target)")]


# --- helm-release-atomic -----------------------------------------------------------------------

def check_helm_atomic(res: Resource, cfg: dict) -> list:
    if res.type not in HELM_RELEASE_TYPES:
        return []
    out = []
    for field in ("atomic", "cleanupOnFail"):
        v = dig(res.props, field)
        if v is UNKNOWN:
            out.append(Finding(f"{res.label}: {field} unknown at preview", f"set {field}=True literally",
                               undecidable=True))
        elif v is not True:
            out.append(Finding(f"Helm release '{dig(res.props, 'name') or res.name}' has {field}={v!r}: "
                               f"a failed upgrade leaves a half-applied release behind",
                               f"pass {field}=True to helm.v3.Release"))
    return out


# --- stateful-resources-protected (stack) ------------------------------------------------------

STATEFUL_TYPES = (
    "kubernetes:core/v1:PersistentVolumeClaim",
    "kubernetes:core/v1:PersistentVolume",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:postgresql.cnpg.io/v1:Cluster",
    "vault:index/mount:Mount",
)
NAMESPACE_TYPE = "kubernetes:core/v1:Namespace"


def check_stateful_protected(resources: list, cfg: dict) -> list:
    types = set(STATEFUL_TYPES) | set(cfg.get("extraStatefulTypes") or [])
    stateful = [r for r in resources if r.type in types]
    holding = {namespace_of(r) for r in stateful if isinstance(namespace_of(r), str)}
    out = []
    for r in resources:
        reason = None
        if r.type in types:
            reason = "holds state"
        elif r.type == NAMESPACE_TYPE:
            name = dig(r.props, "metadata", "name")
            if isinstance(name, str) and name in holding:
                reason = "holds stateful resources"
            elif name is UNKNOWN and stateful:
                reason = "may hold stateful resources (its name is unknown at preview)"
        if reason is None or r.options.get("protect"):
            continue
        out.append(Finding(
            f"{r.label} {reason} but is not protected: a rename or a stray `pulumi destroy` deletes it",
            "pass opts=ResourceOptions(protect=True) (retain_on_delete alone is not visible to the "
            "policy engine; set protect as well)",
            urn=r.urn, resource_name=r.name, project=r.project))
    return out


# --- image-pinned ------------------------------------------------------------------------------

def _keel_managed(pv) -> bool:
    for ann in (pv.workload_annotations, pv.annotations):
        if isinstance(ann, dict) and ann.get(IMAGE_POLICY_ANNOTATION) == IMAGE_POLICY_KEEL:
            return True
    return False


def check_image_pinned(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        if _keel_managed(pv):
            continue
        for key, i, c in containers(pv.spec):
            image = dig(c, "image") if c is not UNKNOWN else UNKNOWN
            if image is UNKNOWN:
                out.append(Finding(f"{res.label}: image of {key}[{i}] unknown at preview",
                                   "use a literal image reference", undecidable=True))
                continue
            if not isinstance(image, str) or not image:
                out.append(Finding(f"{res.label}: {cname(c, key, i)} has no image", "set an image"))
                continue
            ref = parse_image(image)
            if ref.digest or (ref.tag and ref.tag != "latest"):
                continue
            out.append(Finding(
                f"{res.label}: {cname(c, key, i)} image '{image}' is "
                f"{'tagged :latest' if ref.tag else 'untagged (implies :latest)'}, so what runs changes "
                f"without a diff",
                f"pin a version tag or @sha256 digest; if Keel rolls the tag, annotate the workload with "
                f"{IMAGE_POLICY_ANNOTATION}: {IMAGE_POLICY_KEEL}"))
    return out


# --- resource-requests-set ---------------------------------------------------------------------

def check_requests(res: Resource, cfg: dict) -> list:
    out = []
    for pv in pod_views(res):
        for key, i, c in containers(pv.spec):
            if c is UNKNOWN:
                continue
            req = dig(c, "resources", "requests")
            if req is UNKNOWN:
                out.append(Finding(f"{res.label}: requests of {key}[{i}] unknown at preview",
                                   "use literal requests", undecidable=True))
                continue
            missing = [k for k in ("cpu", "memory") if dig(req, k) is None]
            if missing:
                out.append(Finding(
                    f"{res.label}: {cname(c, key, i)} has no {' / '.join(missing)} request; the scheduler "
                    f"and the namespace quota then rely on LimitRange defaults",
                    "set resources.requests.cpu and resources.requests.memory"))
    return out


SPECS = [
    PolicySpec(name="external-secret-api-version",
               description=f"external-secrets.io objects use {ESO_VERSION}.",
               level=EnforcementLevel.ADVISORY, origin="cluster upgrade (ESO v1beta1 removed)",
               validate=check_eso_version),
    PolicySpec(name="helm-release-atomic",
               description="Helm releases are atomic and clean up on failure.",
               level=EnforcementLevel.ADVISORY, origin="upstream helm_release convention",
               validate=check_helm_atomic),
    PolicySpec(name="stateful-resources-protected",
               description="PVCs, PVs, StatefulSets, CNPG clusters, Vault mounts and the namespaces holding "
                           "them are protected.",
               level=EnforcementLevel.ADVISORY, origin="upstream prevent_destroy / lifecycle practice",
               validate=check_stateful_protected, stack_level=True,
               config_properties={"extraStatefulTypes": {"type": "array", "items": {"type": "string"}}}),
    PolicySpec(name="image-pinned",
               description="Container images are pinned to a tag or digest (not :latest) unless Keel manages "
                           "the workload.",
               level=EnforcementLevel.ADVISORY,
               origin="Kyverno set-image-pull-policy / inject-keel-annotations (mutate) made explicit",
               validate=check_image_pinned),
    PolicySpec(name="resource-requests-set",
               description="Containers set cpu and memory requests.",
               level=EnforcementLevel.ADVISORY,
               origin="Kyverno generate-limitrange-by-tier (generate) made explicit",
               validate=check_requests),
]


def policies() -> list:
    return [make_policy(s) for s in SPECS]
