"""pvc-autoresizer: expands claims annotated resize.topolvm.io/* when they fill up.

It reads kubelet volume stats from Prometheus, so a wrong URL silently stops every resize.
"""

import pulumi

from components.constants import TIER_CLUSTER
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs

NS = "pvc-autoresizer"
PROMETHEUS_URL = "http://prometheus-server.monitoring.svc.cluster.local:80"

# keel.sh/enrolled is declared because the controller really is Keel-managed: leaving the
# label out would have every apply remove it and stop the controller's upgrades.
namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))

release = HelmRelease("pvc-autoresizer", HelmReleaseArgs(
    namespace=NS,
    repository="https://topolvm.github.io/pvc-autoresizer",
    chart="pvc-autoresizer",
    # Upstream left the chart floating; see README.md before the first `up`.
    version="0.19.0",
    timeout=300,
    values={
        "controller": {
            "args": {"prometheusURL": PROMETHEUS_URL, "interval": "10m"},
            "resources": {"requests": {"memory": "64Mi", "cpu": "10m"}, "limits": {"memory": "128Mi"}},
        },
        "webhook": {
            # Self-signed webhook certificate: the cluster runs no cert-manager.
            "certificate": {"generate": True},
            "pvcMutatingWebhook": {"enabled": False},
        },
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
