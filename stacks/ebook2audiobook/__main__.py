"""Book-to-audio converters on the GPU node. Every Deployment is parked (replicas 0), as upstream."""

import pulumi

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu, env

settings = ClusterSettings.load()
NS = "ebook2audiobook"
# One whole (time-sliced) GPU each, no VRAM budget: the values upstream runs with.
GPU = Gpu(devices=1)
HOMEPAGE = {"gethomepage.dev/enabled": "true", "gethomepage.dev/description": "Book to audio converter",
            "gethomepage.dev/icon": "audiobookshelf.png", "gethomepage.dev/group": "AI & Data",
            "gethomepage.dev/pod-selector": ""}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_GPU, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

data = NfsVolume("ebook2audiobook-data-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/ebook2audiobook"), opts=ns_opts)
audiblez_data = NfsVolume("ebook2audiobook-audiblez-data-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/audiblez"), opts=ns_opts)

WebApp("ebook2audiobook", WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    keel=True,
    replicas=0,  # parked: audiblez replaced it
    strategy="Recreate",
    gpu=GPU,
    containers=[{
        "name": "ebook2audiobook",
        "image": "docker.io/athomasson2/ebook2audiobook:v25.12.30-cu128",
        "tty": True,
        "stdin": True,
        "ports": [{"container_port": 7860}],
        # The image keeps libcudart/cudnn under site-packages, off the loader's default path.
        "env": env({"LD_LIBRARY_PATH": "/usr/local/lib/python3.12/site-packages/nvidia/cuda_runtime/lib:"
                                       "/usr/local/lib/python3.12/site-packages/nvidia/cudnn/lib"}),
        "volume_mounts": [{"mount_path": "/home/user", "name": "data"}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 7860}],
), opts=ns_opts)

IngressFactory("ebook2audiobook", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="non-proxied",
    extra_annotations={**HOMEPAGE, "gethomepage.dev/name": "Ebook2Audiobook"},
), opts=ns_opts)

WebApp("audiblez", WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    keel=True,
    replicas=0,  # parked: the web UI below replaced the shell pod
    gpu=GPU,
    containers=[{
        "name": "audiblez",
        "image": "viktorbarzin/audiblez:latest",
        "command": ["/usr/bin/sleep", "infinity"],
        "volume_mounts": [{"name": "data", "mount_path": "/mnt"}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": audiblez_data.claim_name}}],
), opts=ns_opts)

WebApp("audiblez-web", WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    keel=True,
    replicas=0,  # parked: GPU node memory pressure
    strategy="Recreate",
    gpu=GPU,
    containers=[{
        "name": "audiblez-web",
        "image": "docker.io/viktorbarzin/audiblez-web:latest",
        "image_pull_policy": "Always",
        "ports": [{"container_port": 8000}],
        "volume_mounts": [{"name": "data", "mount_path": "/mnt"}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": audiblez_data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8000}],
), opts=ns_opts)

IngressFactory("audiblez-web", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    host="audiblez",
    auth="required",
    dns_type="non-proxied",
    max_body_size="500m",  # EPUB uploads
    extra_annotations={**HOMEPAGE, "gethomepage.dev/name": "Audiblez"},
), opts=ns_opts)
