"""Keel: polls the registries of enrolled workloads and rolls them forward.

Workloads opt in through the keel.sh/* annotations the kyverno stack injects in namespaces
labelled keel.sh/enrolled=true; Keel itself is excluded from that, so it only changes when
this stack is applied.
"""

import pulumi

from components.constants import TIER_CLUSTER
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs

NS = "keel"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER))

release = HelmRelease("keel", HelmReleaseArgs(
    namespace=NS,
    repository="https://charts.keel.sh",
    chart="keel",
    version="1.2.0",
    values={
        "replicaCount": 1,
        # Prometheus' kubernetes-pods job scrapes Keel's own metrics (pending approvals, tracked
        # images) through these annotations.
        "podAnnotations": {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "9300",
            "prometheus.io/path": "/metrics",
        },
        # Workloads may override the cadence with keel.sh/pollSchedule.
        "polling": {"enabled": True, "defaultSchedule": "@every 1h"},
        # Updates are driven by annotations, not by Helm releases.
        "helmProvider": {"enabled": False},
        "notificationLevel": "info",
        "persistence": {"enabled": False},
        # Off: failed updates alert once through the monitoring stack instead of on every poll.
        "slack": {"enabled": False},
        "rbac": {"enabled": True},
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
