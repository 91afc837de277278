"""Kubernetes object identity on both sides: Terraform resource types and Pulumi tokens.

An object is identified by API group, kind, namespace and name. The version is not part
of the identity: ``external-secrets.io/v1beta1`` and ``/v1`` address the same stored
object, so a version change is reported as a difference, not as a different object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .tfstate import TfInstance, unwrap_dynamic


@dataclass(frozen=True)
class K8sRef:
    api_version: str
    kind: str
    namespace: str
    name: str

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0] if "/" in self.api_version else ""

    def key(self) -> tuple[str, ...]:
        return (self.group, self.kind, self.namespace, self.name)

    def import_id(self) -> str:
        """pulumi-kubernetes import ids: ``namespace/name``, or ``name`` when cluster-scoped."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


# Typed resources of the hashicorp/kubernetes provider -> (apiVersion, kind).
TF_TYPED: dict[str, tuple[str, str]] = {
    "kubernetes_namespace": ("v1", "Namespace"),
    "kubernetes_service": ("v1", "Service"),
    "kubernetes_config_map": ("v1", "ConfigMap"),
    "kubernetes_secret": ("v1", "Secret"),
    "kubernetes_service_account": ("v1", "ServiceAccount"),
    "kubernetes_persistent_volume": ("v1", "PersistentVolume"),
    "kubernetes_persistent_volume_claim": ("v1", "PersistentVolumeClaim"),
    "kubernetes_endpoints": ("v1", "Endpoints"),
    "kubernetes_resource_quota": ("v1", "ResourceQuota"),
    "kubernetes_limit_range": ("v1", "LimitRange"),
    "kubernetes_deployment": ("apps/v1", "Deployment"),
    "kubernetes_daemonset": ("apps/v1", "DaemonSet"),
    "kubernetes_daemon_set": ("apps/v1", "DaemonSet"),
    "kubernetes_stateful_set": ("apps/v1", "StatefulSet"),
    "kubernetes_cron_job": ("batch/v1", "CronJob"),
    "kubernetes_job": ("batch/v1", "Job"),
    "kubernetes_ingress": ("networking.k8s.io/v1", "Ingress"),
    "kubernetes_network_policy": ("networking.k8s.io/v1", "NetworkPolicy"),
    "kubernetes_pod_disruption_budget": ("policy/v1", "PodDisruptionBudget"),
    "kubernetes_priority_class": ("scheduling.k8s.io/v1", "PriorityClass"),
    "kubernetes_storage_class": ("storage.k8s.io/v1", "StorageClass"),
    "kubernetes_cluster_role": ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    "kubernetes_cluster_role_binding": ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    "kubernetes_role": ("rbac.authorization.k8s.io/v1", "Role"),
    "kubernetes_role_binding": ("rbac.authorization.k8s.io/v1", "RoleBinding"),
}

CLUSTER_SCOPED = frozenset(
    {
        "Namespace", "PersistentVolume", "PriorityClass", "StorageClass", "ClusterRole",
        "ClusterRoleBinding", "CustomResourceDefinition", "ClusterSecretStore",
        "ClusterIssuer", "ClusterPolicy", "IngressClass", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    }
)
# Built-in kinds that are namespaced: a missing namespace means the provider default.
BUILTIN_NAMESPACED = frozenset(kind for _, kind in TF_TYPED.values()) - CLUSTER_SCOPED


def tf_typed_kind(tf_type: str) -> tuple[str, str] | None:
    """Map ``kubernetes_deployment_v1`` and ``kubernetes_deployment`` alike."""
    base = tf_type[:-3] if tf_type.endswith(("_v1", "_v2")) else tf_type
    return TF_TYPED.get(base)


def namespace_for(kind: str, namespace: Any) -> str:
    if kind in CLUSTER_SCOPED:
        return ""
    if namespace:
        return str(namespace)
    return "default" if kind in BUILTIN_NAMESPACED else ""


def first_block(value: Any) -> dict[str, Any]:
    """Terraform nested blocks are lists of one object (``metadata[0]``)."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def tf_ref(inst: TfInstance) -> K8sRef | None:
    """The Kubernetes object a Terraform instance manages, if it manages one."""
    attrs = inst.attributes
    typed = tf_typed_kind(inst.type)
    if typed:
        meta = first_block(attrs.get("metadata"))
        api_version, kind = typed
        return object_ref(api_version, kind, meta.get("namespace"), meta.get("name"))
    if inst.type == "kubernetes_manifest":
        manifest = unwrap_dynamic(attrs.get("manifest")) or {}
        meta = manifest.get("metadata") or {}
        return object_ref(manifest.get("apiVersion"), manifest.get("kind"), meta.get("namespace"), meta.get("name"))
    if inst.type == "kubectl_manifest":
        return object_ref(attrs.get("api_version"), attrs.get("kind"), attrs.get("namespace"), attrs.get("name"))
    return None


def object_ref(api_version: Any, kind: Any, namespace: Any, name: Any) -> K8sRef | None:
    if not (api_version and kind and name):
        return None
    return K8sRef(str(api_version), str(kind), namespace_for(str(kind), namespace), str(name))


def is_k8s_object_token(token: str) -> bool:
    """Custom resources of pulumi-kubernetes that are plain API objects (importable)."""
    if not token.startswith("kubernetes:") or token.startswith("kubernetes:helm.sh/"):
        return False
    kind = token.rsplit(":", 1)[-1]
    return not kind.endswith(("Patch", "List"))


def token_api_version(token: str) -> tuple[str, str]:
    """``kubernetes:apps/v1:Deployment`` -> (``apps/v1``, ``Deployment``)."""
    _, middle, kind = token.split(":", 2)
    group, _, version = middle.rpartition("/")
    return (version if group == "core" else f"{group}/{version}"), kind


def pulumi_ref(token: str, inputs: dict[str, Any]) -> K8sRef | None:
    """The object a pulumi-kubernetes resource will manage; None when auto-named."""
    api_version, kind = token_api_version(token)
    api_version = str(inputs.get("apiVersion") or api_version)
    kind = str(inputs.get("kind") or kind)
    meta = inputs.get("metadata") or {}
    return object_ref(api_version, kind, meta.get("namespace"), meta.get("name"))
