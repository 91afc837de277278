"""Wyoming voice services on the GPU node: Whisper (STT) and Piper (TTS), raw TCP via Traefik."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu

settings = ClusterSettings.load()
NS = "whisper"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_GPU, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("whisper-data-host", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                    nfs_path="/srv/nfs/whisper", storage="1Gi"), opts=ns_opts)


def wyoming_service(name: str, image: str, args: list[str], port: int, memory: str) -> None:
    """One Wyoming protocol server: GPU-pinned Deployment, Service, and a Traefik TCP entrypoint route."""
    WebApp(name, WebAppArgs(
        namespace=NS,
        tier=c.TIER_GPU,
        keel=True,
        # Parked: the GPU node is short on memory. Set 1 to bring the service back.
        replicas=0,
        strategy="Recreate",
        gpu=Gpu(),  # the node only (CUDA runtime); no device or VRAM claim, as upstream
        containers=[{
            "name": name,
            "image": image,
            "args": args,
            "ports": [{"container_port": port, "protocol": "TCP"}],
            "volume_mounts": [{"name": "data", "mount_path": "/data"}],
            "resources": {"requests": {"cpu": "25m", "memory": memory}, "limits": {"memory": memory}},
        }],
        volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
        service_ports=[{"name": "wyoming", "port": port, "target_port": port, "protocol": "TCP"}],
    ), opts=ns_opts)
    # Home Assistant reaches the service on a dedicated Traefik TCP entrypoint of the same name.
    k8s.apiextensions.CustomResource(
        f"{name}-tcp-ingressroute",
        api_version="traefik.io/v1alpha1",
        kind="IngressRouteTCP",
        metadata={"name": f"{name}-tcp", "namespace": "traefik"},
        spec={"entryPoints": [f"{name}-tcp"],
              "routes": [{"match": "HostSNI(`*`)", "services": [{"name": name, "namespace": NS, "port": port}]}]},
    )


wyoming_service("whisper", "rhasspy/wyoming-whisper:latest",
                ["--model", "small-int8", "--language", "en", "--beam-size", "1"], 10300, "1Gi")
wyoming_service("piper", "rhasspy/wyoming-piper:latest", ["--voice", "en_US-lessac-medium"], 10200, "64Mi")
