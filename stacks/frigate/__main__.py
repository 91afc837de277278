"""Frigate NVR: TensorRT detection on the shared GPU, RTSP restream + WebRTC on 10.0.20.204, UI behind Authentik."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.metallb import MetalLbAddress
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu, env

settings = ClusterSettings.load()
NS = "frigate"
SELECTOR = {"app": "frigate"}
# Own address for the L4 camera traffic Traefik cannot carry; Home Assistant and LAN
# browsers on other VLANs reach it here.
STREAMS = MetalLbAddress(ip="10.0.20.204")

# The namespace is on the Kyverno pod-security exclude list (components.constants): the
# container needs privileged access to the GPU and /dev/dri.
namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_GPU, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

config = ProxmoxVolume("frigate-config-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
media = NfsVolume("frigate-media-host", NfsVolumeArgs(
    namespace=NS, nfs_server="192.168.1.127", nfs_path="/srv/nfs/frigate/media"), opts=ns_opts)

WebApp("frigate", WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    annotations={"reloader.stakater.com/search": "true"},
    keel=True,
    strategy="Recreate",  # one GPU tenant slot and an RWO config volume
    # 2300 MiB of the GPU's advertised VRAM budget: detector + ffmpeg decode, with NVDEC headroom.
    gpu=Gpu(devices=1, memory_mib=2300),
    containers=[{
        "name": "frigate", "image": "ghcr.io/blakeblackshear/frigate:0.17.0-beta1-tensorrt",
        "resources": {"requests": {"cpu": "1500m", "memory": "5Gi"}, "limits": {"memory": "10Gi"}},
        "env": env({"FRIGATE_RTSP_PASSWORD": "password"}),
        "ports": [{"container_port": 5000}, {"container_port": 8554},
                  {"container_port": 8555, "protocol": "TCP"}, {"container_port": 8555, "protocol": "UDP"}],
        "volume_mounts": [{"name": "config", "mount_path": "/config"}, {"name": "dri", "mount_path": "/dev/dri"},
                          {"name": "dshm", "mount_path": "/dev/shm"}, {"name": "media", "mount_path": "/media/frigate"},
                          {"name": "cache-tmpfs", "mount_path": "/tmp/cache"}],
        # Restart when the GPU is gone, the API hangs, or a detector fell back to CPU
        # (inference over 100 ms). The script is the live probe's text, kept byte for byte.
        "liveness_probe": {"exec": {"command": ["sh", "-c", load_payload(Path(__file__).parent, "liveness.sh")]},
                           "initial_delay_seconds": 120, "period_seconds": 60, "timeout_seconds": 10,
                           "failure_threshold": 3},
        # Loading the TensorRT models can take minutes.
        "startup_probe": {"http_get": {"path": "/api/version", "port": 5000}, "period_seconds": 10,
                          "failure_threshold": 30},
        "security_context": {"privileged": True},
    }],
    volumes=[
        {"name": "config", "persistent_volume_claim": {"claim_name": config.claim_name}},
        {"name": "dshm", "empty_dir": {"medium": "Memory", "size_limit": "1Gi"}},
        {"name": "media", "persistent_volume_claim": {"claim_name": media.claim_name}},
        {"name": "cache-tmpfs", "empty_dir": {"medium": "Memory", "size_limit": "512Mi"}},
        {"name": "dri", "host_path": {"path": "/dev/dri", "type": "Directory"}},
    ],
    service_ports=[{"name": "http", "target_port": 5000, "port": 80, "protocol": "TCP"}],
), opts=ns_opts)

# RTSP restream and go2rtc WebRTC. Local traffic policy: the pod is pinned to the GPU node,
# so MetalLB announces the address from there and clients keep their real IP.
k8s.core.v1.Service(
    "frigate-rtsp",
    metadata={"name": "frigate-rtsp", "namespace": NS, "labels": SELECTOR, "annotations": STREAMS.annotations},
    spec={"type": "LoadBalancer", "external_traffic_policy": "Local", "selector": SELECTOR, "ports": [
        {"name": f"{name}-{protocol.lower()}", "target_port": port, "port": port, "protocol": protocol}
        for name, port in (("rtsp", 8554), ("webrtc", 8555)) for protocol in ("TCP", "UDP")]},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=STREAMS.ignore_changes),
)

ingress = IngressFactory("frigate", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Frigate",
        "gethomepage.dev/description": "NVR & object detection", "gethomepage.dev/icon": "frigate.png",
        "gethomepage.dev/group": "Media & Entertainment", "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "frigate", "gethomepage.dev/widget.url": "http://frigate.frigate.svc.cluster.local",
    }), opts=ns_opts)
IngressFactory("frigate-lan", IngressArgs(
    namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain="viktorbarzin.lan", dns=settings.dns,
    host="frigate-lan", service_name="frigate", auth="none",
    auth_reason="LAN-only (local-only allowlist) for Home Assistant's Frigate integration, which polls with "
                "Frigate's API key and cannot follow a forward-auth redirect",
    allow_local_access_only=True,
    extra_annotations={"gethomepage.dev/enabled": "false"}), opts=ns_opts)

pulumi.export("host", ingress.host)
