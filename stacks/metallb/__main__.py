"""MetalLB (Tier 0): LoadBalancer addresses for the cluster, announced over L2."""

import pulumi
import pulumi_kubernetes as k8s

from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs

NS = "metallb-system"
POOL = "default"
# The LAN block reserved for LoadBalancer Services (Traefik's 10.0.20.203 sits inside it).
ADDRESSES = ["10.0.20.200-10.0.20.220"]

namespace = Namespace(NS, NamespaceArgs(
    tier=None,
    no_tier_reason="as upstream: a tier would make Kyverno generate a LimitRange, quota and priority "
                   "for the speaker DaemonSet every LoadBalancer address depends on",
    labels={"app": "metallb", "keel.sh/enrolled": "true"}))

release = HelmRelease("metallb", HelmReleaseArgs(
    namespace=NS,
    repository="https://metallb.github.io/metallb",
    chart="metallb",
    version="0.15.3",
    timeout=600,
    values={
        "controller": {"image": {"pullPolicy": "IfNotPresent"}},
        "speaker": {
            "image": {"pullPolicy": "IfNotPresent"},
            "frr": {"enabled": False},
            # Added to the chart's control-plane tolerations so the GPU node keeps a speaker
            # even when its nvidia.com/gpu taint is NoSchedule.
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        },
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))

after_release = pulumi.ResourceOptions(depends_on=[release])
k8s.apiextensions.CustomResource(
    "ip-address-pool",
    api_version="metallb.io/v1beta1",
    kind="IPAddressPool",
    metadata={"name": POOL, "namespace": NS},
    spec={"addresses": ADDRESSES},
    opts=after_release,
)
k8s.apiextensions.CustomResource(
    "l2-advertisement",
    api_version="metallb.io/v1beta1",
    kind="L2Advertisement",
    metadata={"name": POOL, "namespace": NS},
    spec={"ipAddressPools": [POOL]},
    opts=after_release,
)

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
