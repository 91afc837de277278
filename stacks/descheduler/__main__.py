"""Descheduler: an hourly CronJob that evicts pods so the scheduler can place them better.

The stack creates the descheduler's ServiceAccount and ClusterRole itself; the chart runs
the CronJob under that account.
"""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_CLUSTER
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs
from descheduler_values import SERVICE_ACCOUNT, descheduler_values

NS = "descheduler"
ROLE = "descheduler-cluster-role"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

role = k8s.rbac.v1.ClusterRole(
    "descheduler-cluster-role",
    metadata={"name": ROLE},
    rules=[
        {"api_groups": [""], "resources": ["events"], "verbs": ["create", "update"]},
        {"api_groups": ["metrics.k8s.io"], "resources": ["nodes"], "verbs": ["get", "watch", "list"]},
        {"api_groups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]},
        {"api_groups": ["metrics.k8s.io"], "resources": ["pods"], "verbs": ["get", "watch", "list", "delete"]},
        {"api_groups": [""], "resources": ["pods/eviction"], "verbs": ["create"]},
        # Kept as live: an API group written as a resource name grants nothing, but changing
        # it is a rule change of its own, not part of adoption.
        {"api_groups": [""], "resources": ["scheduling.k8s.io"], "verbs": ["get", "watch", "list"]},
        {"api_groups": ["scheduling.k8s.io"], "resources": ["priorityclasses"], "verbs": ["get", "list", "watch"]},
        {"api_groups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": ["get", "list", "watch"]},
    ],
)
account = k8s.core.v1.ServiceAccount(
    "descheduler-sa", metadata={"name": SERVICE_ACCOUNT, "namespace": NS}, opts=ns_opts)
k8s.rbac.v1.ClusterRoleBinding(
    "descheduler-cluster-role-binding",
    metadata={"name": "descheduler-cluster-role-binding"},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": ROLE},
    subjects=[{"kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": NS}],
    opts=ns_opts,
)

release = HelmRelease("descheduler", HelmReleaseArgs(
    namespace=NS,
    repository="https://kubernetes-sigs.github.io/descheduler/",
    chart="descheduler",
    # Upstream left the chart floating; see README.md before the first `up`.
    version="0.36.0",
    values=descheduler_values(),
), opts=pulumi.ResourceOptions(depends_on=[namespace, account]))

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
