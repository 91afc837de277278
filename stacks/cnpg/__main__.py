"""CloudNativePG operator (Tier 0): the controller behind every Postgres `Cluster` CR."""

import pulumi

from components.constants import TIER_CLUSTER
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs

NS = "cnpg-system"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER))

HelmRelease("cnpg", HelmReleaseArgs(
    namespace=NS,
    repository="https://cloudnative-pg.github.io/charts",
    chart="cloudnative-pg",
    version="0.27.1",
    timeout=300,
    values={
        "crds": {"create": True},
        "replicaCount": 1,
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
        # Rotate the webhook certificate with 30 days left (chart default: 7) so the renewal
        # happens long before the cluster health check starts warning at <30 days.
        "config": {"data": {"EXPIRING_CHECK_THRESHOLD": "30"}},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))
