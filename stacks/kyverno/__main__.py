"""Kyverno: the admission policy engine, its 18 ClusterPolicies, the failed-pod cleanup, the
source Secrets its generate rules clone into every namespace, the tier PriorityClasses and
the post-boot job that recycles pods admitted while the webhook was down."""

import base64
from collections.abc import Callable
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import yaml

from components import constants as c
from components.helm import HelmRelease, HelmReleaseArgs
from components.kyverno_policy import (
    KyvernoPolicy, KyvernoPolicyArgs, any_of, clone_secret_rule, exclude_namespaces, json6902,
    match_kinds, pod_validate_rule, resource_filter,
)
from components.namespace import Namespace, NamespaceArgs
from components.payload import REPO_ROOT
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.tls_secret import cluster_tls_secret
from components.workload import env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "kyverno"
TIERS = tuple(c.TIERS.values())
# Namespaces the resource-governance mutations leave alone (system and CNI namespaces).
GOVERNANCE_EXCLUDED = ("kube-system", "metallb-system", "kyverno", "calico-system", "calico-apiserver")
# Kyverno never writes into these, so generated Secrets skip them.
SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")


def trusted_registries() -> list[str]:
    """The require-trusted-registries allowlist. The CrossGuard pack's config is its one home
    (policies/config/defaults.yaml, key registryAllowlist): admission and preview agree."""
    document = yaml.safe_load((REPO_ROOT / "policies" / "config" / "defaults.yaml").read_text(encoding="utf-8"))
    patterns = document.get("registryAllowlist") or []
    if not patterns:
        raise RuntimeError("policies/config/defaults.yaml has no registryAllowlist; "
                           "require-trusted-registries would reject every image")
    return list(patterns)


# --- namespace and engine ---------------------------------------------------------------------

namespace = Namespace(NS, NamespaceArgs(
    tier=None,
    no_tier_reason="as upstream: Kyverno's own tier-keyed LimitRange/quota/priority generation must "
                   "never size the admission controller itself",
    labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))

_resources = lambda mem_limit, cpu, mem_request: {  # noqa: E731
    "limits": {"memory": mem_limit}, "requests": {"cpu": cpu, "memory": mem_request}}

engine = HelmRelease("kyverno", HelmReleaseArgs(
    namespace=NS,
    repository="https://kyverno.github.io/kyverno/",
    chart="kyverno",
    version="3.8.1",
    values={
        "features": {
            # Admission stays open while the webhook is unavailable or rolling.
            "forceFailurePolicyIgnore": {"enabled": True},
            # Reports are not consumed (violations go Loki -> Slack); they only loaded etcd.
            "policyReports": {"enabled": False},
            "admissionReports": {"enabled": False},
            "aggregateReports": {"enabled": False},
            "backgroundScan": {"enabled": False},
        },
        # Off entirely: with only the features disabled the controller still wrote
        # ephemeral reports nothing reaped, which starved etcd.
        "reportsController": {"enabled": False, "resources": _resources("512Mi", "100m", "384Mi")},
        # The keel mutate-existing scan needs the headroom.
        "backgroundController": {"resources": _resources("2Gi", "100m", "256Mi")},
        "cleanupController": {"resources": _resources("192Mi", "100m", "192Mi")},
        "admissionController": {
            "replicas": 2,
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
            "container": {"resources": _resources("256Mi", "100m", "256Mi")},
            # Lenient: a slow API server must not get the webhook pods killed.
            "livenessProbe": {
                "httpGet": {"path": "/health/liveness", "port": 9443, "scheme": "HTTPS"},
                "initialDelaySeconds": 15, "periodSeconds": 30, "timeoutSeconds": 5,
                "failureThreshold": 4, "successThreshold": 1,
            },
            "topologySpreadConstraints": [{
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {
                    "app.kubernetes.io/component": "admission-controller",
                    "app.kubernetes.io/instance": "kyverno",
                }},
            }],
        },
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))
after_engine = pulumi.ResourceOptions(depends_on=[engine])

# --- clone sources and the RBAC that lets Kyverno write Secrets -----------------------------

tls_source = cluster_tls_secret(NS, settings.tls_secret_name, opts=pulumi.ResourceOptions(depends_on=[namespace]))


def docker_config_source(name: str, vault_property: str, auths: Callable[[str], dict]) -> k8s.core.v1.Secret:
    """A kubernetes.io/dockerconfigjson clone source, a plain Secret as upstream manages it.

    The token is read from Vault secret/viktor at deploy time (empty when the field is
    missing, as upstream). The JSON is tf_encoding.jsonencode (Terraform's bytes: sorted
    keys, no spaces), so the adopted object keeps its exact bytes and Kyverno
    re-clones nothing. Kyverno stamps its clone-source label on the object: ignored.
    """
    token = vault_field("viktor", vault_property, default="")
    config = token.apply(lambda value: jsonencode({"auths": auths(value)}))
    return k8s.core.v1.Secret(
        name,
        metadata={"name": name, "namespace": NS},
        type="kubernetes.io/dockerconfigjson",
        data={".dockerconfigjson": config.apply(lambda text: base64.b64encode(text.encode()).decode())},
        opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=["metadata.labels"]),
    )


def _basic(user: str, token: str) -> str:
    return base64.b64encode(f"{user}:{token}".encode()).decode()


registry_credentials = docker_config_source(
    "registry-credentials", "forgejo_pull_token",
    lambda token: {"forgejo.viktorbarzin.me": {"auth": _basic("cluster-puller", token)}})
ghcr_credentials = docker_config_source(
    "ghcr-credentials", "ghcr_pull_token",
    lambda token: {"ghcr.io": {"username": "ViktorBarzin", "password": token, "auth": _basic("ViktorBarzin", token)}})

secret_manager = k8s.rbac.v1.ClusterRole(
    "kyverno-secret-manager",
    metadata={"name": "kyverno:secret-manager", "labels": {"app.kubernetes.io/instance": "kyverno"}},
    rules=[{"api_groups": [""], "resources": ["secrets"],
            "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]}],
)
secret_manager_bindings = [
    k8s.rbac.v1.ClusterRoleBinding(
        f"kyverno-{controller}-secret-manager",
        metadata={"name": f"kyverno:{controller}-controller:secret-manager"},
        role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "kyverno:secret-manager"},
        subjects=[{"kind": "ServiceAccount", "name": f"kyverno-{controller}-controller", "namespace": NS}],
        opts=pulumi.ResourceOptions(depends_on=[secret_manager]),
    )
    for controller in ("admission", "background")
]


def clone_depends(source) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(depends_on=[engine, source, *secret_manager_bindings])


# --- ClusterPolicies: pod security (validate, Enforce) ----------------------------------------

EXCLUDED = list(c.SECURITY_POLICY_EXCLUDED_NAMESPACES)
POD_SECURITY = {"category": "Pod Security", "validation_failure_action": "Enforce", "background": True}


def unset_or(value, *keys) -> dict:
    """Pattern fragment: each `=(key)` anchor may be absent, but when present must equal value."""
    return {f"=({k})": value for k in keys}


KyvernoPolicy("deny-privileged-containers", KyvernoPolicyArgs(
    **POD_SECURITY, severity="high", title="Deny Privileged Containers",
    description="Privileged containers have full host access. Deny unless explicitly exempted.",
    rules=[pod_validate_rule(
        "deny-privileged", exclude=EXCLUDED,
        message="Privileged containers are not allowed. Use specific capabilities instead.",
        pattern={"spec": {
            "containers": [{"=(securityContext)": unset_or(False, "privileged")}],
            "=(initContainers)": [{"=(securityContext)": unset_or(False, "privileged")}],
        }},
    )],
), opts=after_engine)

KyvernoPolicy("deny-host-namespaces", KyvernoPolicyArgs(
    **POD_SECURITY, severity="high", title="Deny Host Namespaces",
    description="Sharing host namespaces enables container escapes. Deny hostNetwork, hostPID, hostIPC.",
    rules=[pod_validate_rule(
        "deny-host-namespaces", exclude=EXCLUDED,
        message="Host namespaces (hostNetwork, hostPID, hostIPC) are not allowed.",
        pattern={"spec": unset_or(False, "hostNetwork", "hostPID", "hostIPC")},
    )],
), opts=after_engine)

KyvernoPolicy("restrict-sys-admin", KyvernoPolicyArgs(
    **POD_SECURITY, severity="high", title="Restrict SYS_ADMIN Capability",
    description="SYS_ADMIN is nearly equivalent to root. Restrict to explicitly exempted namespaces.",
    rules=[pod_validate_rule(
        "restrict-sys-admin", exclude=EXCLUDED,
        message="Adding SYS_ADMIN capability is not allowed.",
        deny={"conditions": {"any": [{
            "key": "{{ request.object.spec.containers[].securityContext.capabilities.add[] || `[]` }}",
            "operator": "AnyIn",
            "value": ["SYS_ADMIN"],
        }]}},
    )],
), opts=after_engine)

KyvernoPolicy("require-trusted-registries", KyvernoPolicyArgs(
    **POD_SECURITY, severity="medium", title="Require Trusted Image Registries",
    description="Images must come from trusted registries to prevent supply chain attacks.",
    rules=[pod_validate_rule(
        "validate-registries", exclude=EXCLUDED,
        # The live text, kept exactly at adoption: it still names the Terraform file, while the
        # list now lives in policies/config/defaults.yaml (README: "registry allowlist").
        message=("Images must be from trusted registries. Allowlist defined in "
                 "stacks/kyverno/modules/kyverno/security-policies.tf \u2014 add the new registry there if "
                 "intentional, otherwise switch the workload to a trusted source."),
        pattern={"spec": {"containers": [{"image": " | ".join(trusted_registries())}]}},
    )],
), opts=after_engine)

# --- ClusterPolicies: image pull policy (mutate) -----------------------------------------------

_UNPINNED = "{{ ends_with(element.image, ':latest') || !contains(element.image, ':') }}"


def pull_policy_rule(name: str, unpinned: bool, policy: str) -> dict:
    return {
        "name": name,
        "match": match_kinds(["Pod"]),
        "mutate": {"foreach": [{
            "list": "request.object.spec.containers",
            "preconditions": {"all": [{"key": _UNPINNED, "operator": "Equals", "value": unpinned}]},
            "patchStrategicMerge": {"spec": {"containers": [
                {"name": "{{ element.name }}", "imagePullPolicy": policy}]}},
        }]},
    }


KyvernoPolicy("set-image-pull-policy", KyvernoPolicyArgs(
    category="Best Practices", severity="medium", title="Set Image Pull Policy",
    description=("Set imagePullPolicy to IfNotPresent for pinned tags and Always for :latest to prevent "
                 "ImagePullBackOff from transient cache failures."),
    background=False,
    rules=[pull_policy_rule("set-ifnotpresent-for-pinned-tags", False, "IfNotPresent"),
           pull_policy_rule("set-always-for-latest", True, "Always")],
), opts=after_engine)

# --- ClusterPolicies: generated Secrets -------------------------------------------------------

KyvernoPolicy("sync-tls-secret", KyvernoPolicyArgs(rules=[clone_secret_rule(
    "sync-tls-secret", secret_name=settings.tls_secret_name, source_namespace=NS,
    match=match_kinds(["Namespace"]), exclude=exclude_namespaces(SYSTEM_NAMESPACES),
)]), opts=clone_depends(tls_source))

KyvernoPolicy("sync-registry-credentials", KyvernoPolicyArgs(rules=[clone_secret_rule(
    "sync-registry-secret", secret_name="registry-credentials", source_namespace=NS,
    match=match_kinds(["Namespace"]), exclude=exclude_namespaces(SYSTEM_NAMESPACES),
)]), opts=clone_depends(registry_credentials))

# The ghcr token is broad, so only namespaces that pull private ghcr images get a copy.
GHCR_PRIVATE_NAMESPACES = [
    "tripit", "tuya-bridge", "f1-stream", "job-hunter", "lesson-harvester", "instagram-poster",
    "payslip-ingest", "wealthfolio", "broker-sync", "fire-planner", "recruiter-responder", "openclaw",
    "k8s-portal", "goldmane-edge-aggregator", "plotting-book", "excalidraw", "trading-bot", "hermes-agent",
    "vpn-portal", "stremio", "proxy", "interview-prep-app", "learning", "pages-publish", "chesscom-streak",
    "repowise",
]
KyvernoPolicy("sync-ghcr-credentials", KyvernoPolicyArgs(
    rules=[clone_secret_rule(
        "sync-ghcr-secret", secret_name="ghcr-credentials", source_namespace=NS,
        match=match_kinds(["Namespace"], names=GHCR_PRIVATE_NAMESPACES), generate_existing=True,
    )],
    # Kyverno rejects in-place edits of this generate rule; copies survive the recreate.
    replace_on_change=True,
), opts=clone_depends(ghcr_credentials))

# --- ClusterPolicies: tier governance --------------------------------------------------------

KyvernoPolicy("sync-tier-label-from-namespace", KyvernoPolicyArgs(rules=[
    {
        "name": f"sync-tier-{tier}",
        "match": match_kinds(["Deployment", "StatefulSet", "DaemonSet"],
                             namespace_selector={"matchLabels": {"tier": tier}}),
        "exclude": exclude_namespaces(["kube-system", "metallb-system", "n8n"]),
        "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"+(tier)": tier}}}},
    }
    for tier in TIERS
]))

# LimitRange defaults per tier (default limit, default request, max), for containers that
# declare no resources. 0-2 requests == limits (Guaranteed QoS against memory overcommit).
LIMIT_RANGES = {
    c.TIER_CORE: ("256Mi", "100m", "256Mi", "8Gi"),
    c.TIER_CLUSTER: ("256Mi", "100m", "256Mi", "8Gi"),
    c.TIER_GPU: ("1Gi", "200m", "1Gi", "16Gi"),
    c.TIER_EDGE: ("256Mi", "50m", "128Mi", "8Gi"),
    c.TIER_AUX: ("256Mi", "50m", "64Mi", "4Gi"),
}
NO_TIER_LIMIT_RANGE = ("192Mi", "50m", "128Mi", "4Gi")


def generate_in_namespace(kind: str, name: str, spec: dict) -> dict:
    return {"synchronize": True, "apiVersion": "v1", "kind": kind, "name": name,
            "namespace": "{{request.object.metadata.name}}", "data": {"spec": spec}}


def limit_range(default_memory: str, request_cpu: str, request_memory: str, max_memory: str) -> dict:
    return generate_in_namespace("LimitRange", "tier-defaults", {"limits": [{
        "type": "Container",
        "default": {"memory": default_memory},
        "defaultRequest": {"cpu": request_cpu, "memory": request_memory},
        "max": {"memory": max_memory},
    }]})


def tier_namespaces(tier: str) -> dict:
    return match_kinds(["Namespace"], selector={"matchLabels": {"tier": tier}})


def opted_out(label: str) -> dict:
    return any_of(resource_filter(selector={"matchLabels": {label: "true"}}))


limit_ranges = KyvernoPolicy("generate-limitrange-by-tier", KyvernoPolicyArgs(
    title="Generate LimitRange by Tier",
    description=("Creates tier-appropriate LimitRange defaults in namespaces based on their tier label. Only "
                 "affects containers without explicit resource specifications. Excludes namespaces with "
                 "resource-governance/custom-limitrange label."),
    spec_extra={"generateExisting": True},
    rules=[
        *({"name": f"limitrange-tier-{tier}", "match": tier_namespaces(tier),
           "exclude": opted_out("resource-governance/custom-limitrange"), "generate": limit_range(*values)}
          for tier, values in LIMIT_RANGES.items()),
        {"name": "limitrange-no-tier-fallback",
         "match": match_kinds(["Namespace"]),
         "exclude": any_of(resource_filter(selector={"matchExpressions": [{"key": "tier", "operator": "Exists"}]}),
                           resource_filter(namespaces=GOVERNANCE_EXCLUDED)),
         "generate": limit_range(*NO_TIER_LIMIT_RANGE)},
    ],
))

# ResourceQuota per tier: requests.cpu, requests.memory, limits.memory, pods.
QUOTAS = {
    c.TIER_CORE: ("8", "8Gi", "64Gi", "100"),
    c.TIER_CLUSTER: ("4", "4Gi", "32Gi", "30"),
    c.TIER_GPU: ("8", "12Gi", "32Gi", "40"),
    c.TIER_EDGE: ("4", "4Gi", "32Gi", "30"),
    c.TIER_AUX: ("2", "3Gi", "16Gi", "20"),
}
KyvernoPolicy("generate-resourcequota-by-tier", KyvernoPolicyArgs(
    title="Generate ResourceQuota by Tier",
    description=("Creates tier-appropriate ResourceQuota in namespaces based on their tier label. Excludes "
                 "namespaces with resource-governance/custom-quota label."),
    spec_extra={"generateExisting": True},
    rules=[
        {"name": f"quota-tier-{tier}", "match": tier_namespaces(tier),
         "exclude": opted_out("resource-governance/custom-quota"),
         "generate": generate_in_namespace("ResourceQuota", "tier-quota", {"hard": {
             "requests.cpu": cpu, "requests.memory": memory, "limits.memory": limit_memory, "pods": pods}})}
        for tier, (cpu, memory, limit_memory, pods) in QUOTAS.items()
    ],
), opts=pulumi.ResourceOptions(depends_on=[limit_ranges]))  # quotas need the LimitRange defaults first

KyvernoPolicy("inject-priority-class-from-tier", KyvernoPolicyArgs(
    title="Inject PriorityClass from Tier",
    description=("Sets priorityClassName on Pods based on the namespace tier label. Skips pods that already "
                 "have a priorityClassName."),
    rules=[
        {
            "name": f"inject-priority-{tier}",
            "match": match_kinds(["Pod"], operations=["CREATE"], namespace_selector={"matchLabels": {"tier": tier}}),
            "exclude": exclude_namespaces(GOVERNANCE_EXCLUDED),
            "preconditions": {"all": [{"key": "{{request.object.spec.priorityClassName || ''}}",
                                       "operator": "Equals", "value": ""}]},
            "mutate": {"patchesJson6902": json6902([
                {"op": "remove", "path": "/spec/priority"},
                {"op": "remove", "path": "/spec/preemptionPolicy"},
                {"op": "add", "path": "/spec/priorityClassName", "value": f"tier-{tier}"},
            ])},
        }
        for tier in TIERS
    ],
))

KyvernoPolicy("inject-ndots", KyvernoPolicyArgs(
    title="Inject ndots:2 DNS Config",
    description=("Sets ndots:2 on all Pods to reduce NxDomain query flood from search domain expansion. Skips "
                 "pods that already have ndots configured."),
    rules=[{
        "name": "inject-ndots-2",
        # CREATE only: dnsConfig is immutable, and patching it on a later UPDATE (e.g. a
        # finalizer removal) is rejected and leaves the pod stuck terminating.
        "match": match_kinds(["Pod"], operations=["CREATE"]),
        "exclude": exclude_namespaces(GOVERNANCE_EXCLUDED),
        "preconditions": {"all": [{
            "key": "{{ request.object.spec.dnsConfig.options || `[]` | [?name == 'ndots'] | length(@) }}",
            "operator": "Equals", "value": "0"}]},
        "mutate": {"patchStrategicMerge": {"spec": {"dnsConfig": {"options": [{"name": "ndots", "value": "2"}]}}}},
    }],
))

# tts (a best-effort batch tenant on the shared GPU) keeps its tier priority so it is evicted first.
GPU_PRIORITY_EXCLUDED = [*GOVERNANCE_EXCLUDED, "tts"]
KyvernoPolicy("inject-gpu-workload-priority", KyvernoPolicyArgs(
    title="Inject GPU Workload Priority",
    description=("Overrides priorityClassName to gpu-workload for pods requesting nvidia.com/gpu resources. "
                 "Runs after tier-based injection."),
    rules=[{
        "name": "gpu-priority-override",
        "match": match_kinds(["Pod"], operations=["CREATE"]),
        "exclude": exclude_namespaces(GPU_PRIORITY_EXCLUDED),
        "preconditions": {"any": [
            {"key": f'{{{{ request.object.spec.containers[].resources.{kind}."nvidia.com/gpu" || \'\' }}}}',
             "operator": "NotEquals", "value": ""}
            for kind in ("requests", "limits")
        ]},
        # `add` rather than `replace`: the fields are usually absent and replace would abort the chain.
        "mutate": {"patchesJson6902": json6902([
            {"op": "add", "path": "/spec/priorityClassName", "value": "gpu-workload"},
            {"op": "add", "path": "/spec/priority", "value": 1200000},
            {"op": "add", "path": "/spec/preemptionPolicy", "value": "PreemptLowerPriority"},
        ])},
    }],
))


def strip_cpu_limit_rule(field: str, count_key: str) -> dict:
    return {
        "name": f"strip-{'container' if field == 'containers' else 'initcontainer'}-cpu-limit",
        "match": match_kinds(["Pod"], operations=["CREATE"]),
        "preconditions": {"all": [{"key": count_key, "operator": "GreaterThan", "value": 0}]},
        "mutate": {"foreach": [{
            "list": f"request.object.spec.{field}",
            "preconditions": {"all": [{"key": "{{ element.resources.limits.cpu || '' }}",
                                       "operator": "NotEquals", "value": ""}]},
            "patchesJson6902": json6902([
                {"op": "remove", "path": f"/spec/{field}/{{{{ elementIndex }}}}/resources/limits/cpu"}]),
        }]},
    }


KyvernoPolicy("strip-cpu-limits", KyvernoPolicyArgs(
    title="Strip CPU Limits",
    description=("Removes resources.limits.cpu from every container and initContainer at pod admission. Memory "
                 "limits are preserved. Cluster policy: CFS throttling causes more harm than good for bursty "
                 "single-threaded workloads (Node.js, Python apps)."),
    background=False,
    rules=[
        strip_cpu_limit_rule(
            "containers", "{{ request.object.spec.containers[?resources.limits.cpu != null] | length(@) }}"),
        strip_cpu_limit_rule(
            "initContainers",
            "{{ request.object.spec.initContainers[?resources.limits.cpu != null] || `[]` | length(@) }}"),
    ],
))

# --- ClusterPolicies: Keel enrolment ---------------------------------------------------------

WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet"]
KEEL_ENROLLED = {"matchLabels": {"keel.sh/enrolled": "true"}}
# Workloads whose image another controller owns. Used for both `match` and `targets` of the
# second rule: the two must select the same set.
SECOND_OWNER = {"matchExpressions": [{"key": "app.kubernetes.io/managed-by", "operator": "In",
                                      "values": ["Helm", "terraform", "goauthentik.io"]}]}
# Namespaces with their own upgrade flow that Keel would fight.
KEEL_EXCLUDED = ["keel", "calico-system", "cnpg-system", "dbaas", "nvidia", "kube-system", "tigera-operator",
                 "postiz"]

KyvernoPolicy("inject-keel-annotations", KyvernoPolicyArgs(
    category="Automation", severity="low", title="Inject Keel Auto-Update Annotations",
    description=("Adds keel.sh/policy: patch + trigger: poll + pollSchedule annotations to workloads in "
                 "namespaces labeled keel.sh/enrolled=true, and ACTIVELY STRIPS the legacy keel.sh/match-tag "
                 "annotation (proven unreliable on 2026-05-26 — it let Keel rewrite tag strings / cross-assign "
                 "images). Phase rollout per docs/plans/2026-05-16-auto-upgrade-apps-{design,plan}.md."),
    background=True,
    spec_extra={"mutateExistingOnPolicyUpdate": True},
    rules=[
        {
            "name": "add-keel-annotations",
            "match": match_kinds(WORKLOAD_KINDS, namespace_selector=KEEL_ENROLLED),
            # The opt-out is the annotation Keel itself reads; a label would drift in every stack.
            "exclude": any_of(resource_filter(namespaces=KEEL_EXCLUDED),
                              resource_filter(annotations={"keel.sh/policy": "never"})),
            "mutate": {
                "targets": [{"apiVersion": "apps/v1", "kind": k} for k in WORKLOAD_KINDS],
                # `+()` only fills in missing values, so per-workload overrides survive;
                # the null removes the legacy match-tag annotation.
                "patchStrategicMerge": {"metadata": {"annotations": {
                    "+(keel.sh/policy)": "patch",
                    "+(keel.sh/trigger)": "poll",
                    "+(keel.sh/pollSchedule)": "@every 1h",
                    "keel.sh/match-tag": None,
                }}},
            },
        },
        {
            "name": "keel-never-when-another-owner",
            "match": match_kinds(WORKLOAD_KINDS, namespace_selector=KEEL_ENROLLED, selector=SECOND_OWNER),
            "mutate": {
                "targets": [{"apiVersion": "apps/v1", "kind": k, "selector": SECOND_OWNER} for k in WORKLOAD_KINDS],
                "patchStrategicMerge": {"metadata": {"annotations": {"keel.sh/policy": "never"}}},
            },
        },
    ],
), opts=after_engine)

k8s.rbac.v1.ClusterRole(
    "kyverno-keel-mutate-existing",
    metadata={"name": "kyverno:background-controller:keel-mutate-existing",
              "labels": {"rbac.kyverno.io/aggregate-to-background-controller": "true"}},
    rules=[{"api_groups": ["apps"], "resources": ["deployments", "statefulsets", "daemonsets"],
            "verbs": ["get", "list", "watch", "update", "patch"]}],
    opts=after_engine,
)

# --- ClusterPolicies: runtime plumbing --------------------------------------------------------

KyvernoPolicy("inject-dependency-init-containers", KyvernoPolicyArgs(
    title="Inject Dependency Init Containers",
    description=("Injects wait-for init containers based on dependency.kyverno.io/wait-for pod annotation. Each "
                 "comma-separated host:port entry becomes a busybox init container that blocks until the "
                 "dependency is reachable via nc -z."),
    rules=[{
        "name": "wait-for-dependencies",
        "match": match_kinds(["Pod"], operations=["CREATE"]),
        "preconditions": {"all": [{
            "key": "{{ request.object.metadata.annotations.\"dependency.kyverno.io/wait-for\" || '' }}",
            "operator": "NotEquals", "value": ""}]},
        "mutate": {"foreach": [{
            "list": "request.object.metadata.annotations.\"dependency.kyverno.io/wait-for\" | split(@, ',')",
            "patchStrategicMerge": {"spec": {"initContainers": [{
                "name": "wait-for-{{ element | split(@, ':') | [0] | replace_all(@, '.', '-') }}",
                "image": "busybox:1.37",
                "command": ["sh", "-c", "until nc -z {{ element | split(@, ':') | [0] }} "
                            "{{ element | split(@, ':') | [1] }}; do echo waiting for {{ element }}; sleep 2; done"],
            }]}},
        }]},
    }],
))

# Replaces the crowdsec chart's agent init command: registration is skipped when the pod's
# emptyDir still holds credentials from before a node reboot (LAPI would answer 403).
# Coupled to the crowdsec chart version (stacks/crowdsec).
CROWDSEC_REGISTER_STEPS = [
    'until nc "$LAPI_HOST" "$LAPI_PORT" -z; do echo waiting for lapi to start; sleep 5; done',
    "ln -sfn /staging/etc/crowdsec /etc/crowdsec",
    'if [ -s /tmp_config/local_api_credentials.yaml ]; then echo "LAPI credentials already present '
    '(pod restart, e.g. after node reboot) - skipping cscli lapi register"; else cscli lapi register '
    '--machine "$USERNAME" -u "$LAPI_URL" --token "$REGISTRATION_TOKEN" && cp '
    "/etc/crowdsec/local_api_credentials.yaml /tmp_config/local_api_credentials.yaml; fi",
]
KyvernoPolicy("crowdsec-agent-idempotent-register", KyvernoPolicyArgs(
    title="CrowdSec Agent Idempotent LAPI Registration",
    description=("Replaces the crowdsec-agent wait-for-lapi-and-register init command with a variant that skips "
                 "`cscli lapi register` when /tmp_config/local_api_credentials.yaml already exists (pod restart "
                 "after a node reboot). The upstream chart re-registers unconditionally and LAPI 403s 'user "
                 "already exist', wedging the agent."),
    rules=[{
        "name": "idempotent-lapi-register",
        "match": match_kinds(["Pod"], namespaces=["crowdsec"], operations=["CREATE"],
                             selector={"matchLabels": {"k8s-app": "crowdsec", "type": "agent"}}),
        "mutate": {"patchStrategicMerge": {"spec": {"initContainers": [{
            "(name)": "wait-for-lapi-and-register",
            "command": ["sh", "-c", "; ".join(CROWDSEC_REGISTER_STEPS)],
        }]}}},
    }],
))

# --- PriorityClasses (the values the tier mutations point at) --------------------------------

PRIORITY_CLASSES = {
    "tier-0-core": (1000000, "PreemptLowerPriority", "Critical infrastructure: ingress, DNS, VPN, auth, monitoring"),
    "tier-1-cluster": (800000, "PreemptLowerPriority", "Cluster services: Redis, metrics, security"),
    "tier-2-gpu": (600000, "PreemptLowerPriority", "GPU workloads: Immich, Ollama, Frigate"),
    "gpu-workload": (1200000, "PreemptLowerPriority",
                     "GPU-pinned workloads. Higher than all user tiers. Auto-injected by Kyverno on pods "
                     "requesting nvidia.com/gpu."),
    "tier-3-edge": (400000, "PreemptLowerPriority", "User-facing services: mail, file sync, dashboards"),
    "tier-4-aux": (200000, "Never",
                   "Optional services: blogs, tools, experiments. Will not preempt other aux services."),
}
for pc_name, (value, preemption, pc_description) in PRIORITY_CLASSES.items():
    k8s.scheduling.v1.PriorityClass(
        pc_name, metadata={"name": pc_name}, value=value, global_default=False,
        preemption_policy=preemption, description=pc_description)

# --- failed-pod cleanup ----------------------------------------------------------------------

CLEANUP_LABELS = {"app.kubernetes.io/part-of": "kyverno", "app.kubernetes.io/instance": "kyverno"}
# The chart's cleanup controller needs to delete pods for the policy below.
WorkloadRbac("kyverno-cleanup-pods", WorkloadRbacArgs(
    namespace=NS,
    service_account="kyverno-cleanup-controller",
    role_kind="ClusterRole",
    role_name="kyverno:cleanup-controller:pods",
    labels=CLEANUP_LABELS,
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["list", "watch", "delete"])],
    moved_from={"role": "kyverno-cleanup-pods", "binding": "kyverno-cleanup-pods"},
))
k8s.apiextensions.CustomResource(
    "cleanup-failed-pods",
    api_version="kyverno.io/v2",
    kind="ClusterCleanupPolicy",
    metadata={"name": "cleanup-failed-pods", "annotations": {
        "policies.kyverno.io/title": "Cleanup Failed Pods",
        "policies.kyverno.io/description":
            "Automatically deletes pods in Failed phase (evicted, error, completed CronJob failures).",
    }},
    spec={
        "match": match_kinds(["Pod"]),
        "conditions": {"any": [{"key": "{{ request.object.status.phase }}", "operator": "Equals", "value": "Failed"}]},
        "schedule": "15 * * * *",
    },
)

# --- post-boot reconcile: recycle pods that missed dependency-init injection -----------------

RECONCILE = "post-boot-reconcile"
RECONCILE_LABELS = {"app": RECONCILE}
reconcile_rbac = WorkloadRbac(RECONCILE, WorkloadRbacArgs(
    namespace=NS,
    role_kind="ClusterRole",
    rules=[
        Rule(api_groups=["apps"], resources=["deployments"], verbs=["get"]),  # readiness gate
        Rule(api_groups=[""], resources=["pods"], verbs=["list", "delete"]),
    ],
    moved_from={"service_account": RECONCILE, "role": RECONCILE, "binding": RECONCILE},
), opts=pulumi.ResourceOptions(depends_on=[namespace]))
reconcile_script = PayloadConfigMap(f"{RECONCILE}-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=Path(__file__).parent, files={"reconcile.py": "reconcile.py"},
    moved_from={"config_map": f"{RECONCILE}-script"},
), opts=pulumi.ResourceOptions(depends_on=[namespace]))
reconcile_env = {
    "GRACE_SECONDS": str(config.get_int("reconcileGraceSeconds") or 300),
    "MAX_RESTARTS_PER_RUN": str(config.get_int("reconcileMaxRestartsPerRun") or 15),
    # Observe-only until an operator arms it.
    "DRY_RUN": "true" if config.get_bool("reconcileDryRun") in (None, True) else "false",
    "SKIP_NAMESPACES": config.get("reconcileSkipNamespaces") or "kube-system,kube-public,kube-node-lease,kyverno",
    "KYVERNO_NAMESPACE": NS,
    "KYVERNO_DEPLOYMENT": "kyverno-admission-controller",
    "PUSHGATEWAY_URL": "http://prometheus-prometheus-pushgateway.monitoring:9091",
}
ScheduledJob(RECONCILE, ScheduledJobArgs(
    namespace=NS,
    schedule="*/10 * * * *",
    starting_deadline_seconds=300,
    successful_jobs_history_limit=3,
    failed_jobs_history_limit=5,
    backoff_limit=1,
    active_deadline_seconds=240,
    ttl_seconds_after_finished=300,
    labels=RECONCILE_LABELS,
    job_metadata={"labels": RECONCILE_LABELS},
    pod_metadata={"labels": RECONCILE_LABELS},
    service_account_name=reconcile_rbac.service_account_name,
    restart_policy="OnFailure",
    containers=[{
        "name": "reconcile",
        "image": "python:3.12-alpine",
        "command": ["python3", "/scripts/reconcile.py"],
        "env": env(reconcile_env),
        "volume_mounts": [{"name": "script", "mount_path": "/scripts", "read_only": True}],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
    }],
    volumes=[reconcile_script.volume("script", default_mode=0o755)],
    moved_from={"cronjob": RECONCILE},
), opts=pulumi.ResourceOptions(depends_on=[reconcile_rbac, reconcile_script]))

pulumi.export("release", engine.release_name)
pulumi.export("tls_source_secret", tls_source.secret_name)
