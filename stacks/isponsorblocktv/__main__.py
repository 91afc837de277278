"""iSponsorBlockTV for the Vermont smart TV: one headless worker, config.json on NFS.

The config is created once, out of band, with the image's interactive `--setup` mode
writing into the NFS export; the Deployment only runs it.
"""

import pulumi

from components.constants import TIER_EDGE
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = "isponsorblocktv"
APP = "isponsorblocktv-vermont"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Only config.json lives here (no database), so NFS is safe.
data = NfsVolume("isponsorblocktv-data", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/isponsorblocktv", storage="1Gi"), opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_EDGE,
    # The image is untagged on purpose: Keel rolls it.
    keel=True,
    strategy="Recreate",
    containers=[{
        "name": APP,
        "image": "ghcr.io/dmunozv04/isponsorblocktv",
        "volume_mounts": [{"name": "data", "mount_path": "/app/data"}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
), opts=ns_opts)
