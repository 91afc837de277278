"""External Secrets Operator (Tier 0) and the two Vault-backed ClusterSecretStores."""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_CLUSTER
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs

NS = "external-secrets"
VAULT_SERVER = "http://vault-active.vault.svc.cluster.local:8200"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))

operator = HelmRelease("external-secrets", HelmReleaseArgs(
    namespace=NS,
    repository="https://charts.external-secrets.io",
    chart="external-secrets",
    version="2.6.0",
    timeout=600,
    # cleanup_on_fail is new in the port (upstream set only atomic): a failed hop leaves nothing behind.
    values={
        "installCRDs": True,
        # One cached Vault token instead of a login/revoke per fetch: far fewer Raft writes.
        "extraArgs": {"enable-vault-token-cache": ""},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))


def vault_store(name: str, path: str, kv_version: str) -> None:
    k8s.apiextensions.CustomResource(
        f"css-{name}",
        api_version="external-secrets.io/v1",
        kind="ClusterSecretStore",
        metadata={"name": name},
        spec={"provider": {"vault": {
            "server": VAULT_SERVER,
            "path": path,
            "version": kv_version,
            "auth": {"kubernetes": {
                "mountPath": "kubernetes",
                "role": "eso",
                "serviceAccountRef": {"name": "external-secrets", "namespace": NS},
            }},
        }}},
        opts=pulumi.ResourceOptions(depends_on=[operator]),
    )


vault_store("vault-kv", path="secret", kv_version="v2")
vault_store("vault-database", path="database", kv_version="v1")
