"""Sealed Secrets: the controller that turns SealedSecret objects into Secrets."""

import pulumi

from components.constants import TIER_CLUSTER
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs

NS = "sealed-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))

release = HelmRelease("sealed-secrets", HelmReleaseArgs(
    namespace=NS,
    # The project's current chart repository; the older bitnami-labs GitHub Pages URL is gone.
    repository="https://bitnami.github.io/sealed-secrets",
    chart="sealed-secrets",
    version="2.18.3",
    timeout=300,
    values={
        "crds": {"create": True},
        "resources": {"requests": {"cpu": "50m", "memory": "192Mi"}, "limits": {"memory": "192Mi"}},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
