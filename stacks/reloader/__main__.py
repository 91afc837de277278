"""Reloader: restarts workloads whose Secrets or ConfigMaps change (rotated DB passwords)."""

import pulumi

from components.constants import TIER_AUX
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs

NS = "reloader"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"keel.sh/enrolled": "true"}))

release = HelmRelease("reloader", HelmReleaseArgs(
    namespace=NS,
    repository="https://stakater.github.io/stakater-charts",
    chart="reloader",
    # Upstream left the chart floating; see README.md before the first `up`.
    version="2.2.16",
    values={
        # Mark a reload on the pod template's annotations instead of injecting a hash env var:
        # the injected variable is an element of every container's ordered env list, which the
        # workload stacks declare, so each reload would read as a rewrite of their env.
        "reloader": {"reloadStrategy": "annotations"},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
