"""Priority Pass tracker: frontend and API in one pod, uploaded boarding passes on NFS."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = APP = "priority-pass"
IMAGE_TAG = pulumi.Config().require("imageTag")

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
# Images only, no database in the volume: NFS is fine.
uploads = NfsVolume("priority-pass-uploads-nfs", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/priority-pass", storage="10Gi"), opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    selector={"run": APP},
    tier=TIER_AUX,
    keel=True,
    keel_containers=(0, 1),
    strategy="Recreate",
    pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}]},
    containers=[
        {
            "name": "frontend",
            "image": f"docker.io/viktorbarzin/priority-pass-frontend:{IMAGE_TAG}",
            "ports": [{"container_port": 3000}],
            # The API is a sidecar: same pod, loopback.
            "env": env({"BACKEND_URL": "http://127.0.0.1:8000", "ORIGIN": "https://priority-pass.viktorbarzin.me"}),
            "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
        },
        {
            "name": "backend",
            "image": f"docker.io/viktorbarzin/priority-pass-backend:{IMAGE_TAG}",
            "ports": [{"container_port": 8000}],
            "env": env({"UPLOAD_DIR": "/data/uploads"}),
            "volume_mounts": [{"name": "uploads", "mount_path": "/data/uploads"}],
            "resources": {"requests": {"cpu": "10m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        },
    ],
    volumes=[{"name": "uploads", "persistent_volume_claim": {"claim_name": uploads.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    max_body_size="10m",
    extra_annotations={
        "gethomepage.dev/description": "Boarding pass and lounge tracker",
        "gethomepage.dev/icon": "mdi-airplane",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
