"""iSponsorBlockTV for the Vermont smart TV: one headless worker, config.json on NFS.

The config is created once, out of band, with the image's interactive `--setup` mode
writing into the NFS export; the Deployment only runs it.
"""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.constants import TIER_EDGE
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.workload import deployment_ignore_changes

settings = ClusterSettings.load()
NS = "isponsorblocktv"
APP = "isponsorblocktv-vermont"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Only config.json lives here (no database), so NFS is safe.
data = NfsVolume("isponsorblocktv-data", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/isponsorblocktv", storage="1Gi"), opts=ns_opts)

k8s.apps.v1.Deployment(
    APP,
    metadata={
        "name": APP,
        "namespace": NS,
        "labels": {"app": APP, "tier": TIER_EDGE},
        # The image is untagged on purpose: Keel rolls it (see ignore_changes).
        "annotations": {c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL},
    },
    spec={
        "replicas": 1,
        "strategy": {"type": "Recreate"},
        "selector": {"match_labels": {"app": APP}},
        "template": {
            "metadata": {"labels": {"app": APP}},
            "spec": {
                "containers": [{
                    "name": APP,
                    "image": "ghcr.io/dmunozv04/isponsorblocktv",
                    "volume_mounts": [{"name": "data", "mount_path": "/app/data"}],
                    "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
                }],
                "volumes": [{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)
