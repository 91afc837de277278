"""metrics-server: serves metrics.k8s.io (node and pod usage) from the kubelets."""

import pulumi

from components.constants import TIER_CLUSTER
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret

settings = ClusterSettings.load()
NS = "metrics-server"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

release = HelmRelease("metrics-server", HelmReleaseArgs(
    namespace=NS,
    repository="https://kubernetes-sigs.github.io/metrics-server/",
    chart="metrics-server",
    # Upstream left the chart floating; see README.md before the first `up`.
    version="3.13.1",
    values={
        # The kubelets serve self-signed certificates.
        "args": ["--kubelet-insecure-tls"],
        "resources": {"requests": {"cpu": "50m", "memory": "200Mi"}, "limits": {"memory": "200Mi"}},
    },
), opts=ns_opts)

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
