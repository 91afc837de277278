"""MeshCentral remote management: the web UI behind Authentik, the agent endpoints open to mesh agents."""

from pathlib import Path

import pulumi

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "meshcentral"
HOST = "meshcentral.viktorbarzin.me"
DATA_DIR = "/opt/meshcentral/meshcentral-data"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Device inventory and uploaded files: personal data, encrypted class.
data = ProxmoxVolume("meshcentral-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
files = ProxmoxVolume("meshcentral-files-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
backups = NfsVolume("meshcentral-backups-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/meshcentral/meshcentral-backups"), opts=ns_opts)

WebApp("meshcentral", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",  # RWO volumes
    annotations={"reloader.stakater.com/search": "true", "meshcentral.enable": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+(?:\.\d+)?(?:\.\d+)?$,latest"},
    # The init container's tag floats too (alpine:latest); its pulls are not ours to revert.
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    init_containers=[{
        "name": "fix-config",
        "image": "alpine:latest",
        "image_pull_policy": "IfNotPresent",
        "command": ["/bin/sh"],
        "args": ["-c", load_payload(HERE, "fix-config.sh")],
        "volume_mounts": [{"name": "data", "mount_path": DATA_DIR}],
    }],
    containers=[{
        "name": "meshcentral",
        "image": "typhonragewind/meshcentral:latest",
        "ports": [{"name": "http", "container_port": 443}],
        "env": env({"TZ": "Europe/Sofia", "HOSTNAME": HOST, "REVERSE_PROXY": "false",
                    "ALLOW_NEW_ACCOUNTS": "false", "WEBRTC": "false"}),
        "volume_mounts": [
            {"name": "data", "mount_path": DATA_DIR},
            {"name": "files", "mount_path": "/opt/meshcentral/meshcentral-files"},
            {"name": "backups", "mount_path": "/opt/meshcentral/meshcentral-backups"},
        ],
        "resources": {"requests": {"cpu": "15m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
    }],
    volumes=[
        {"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
        {"name": "files", "persistent_volume_claim": {"claim_name": files.claim_name}},
        {"name": "backups", "persistent_volume_claim": {"claim_name": backups.claim_name}},
    ],
    service_ports=[{"name": "http", "port": 80, "target_port": 443, "protocol": "TCP"}],
), opts=ns_opts)

ingress = IngressFactory("meshcentral", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    anti_ai_scraping=False,
    dns_type="proxied",
    port=80,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "MeshCentral",
        "gethomepage.dev/description": "Remote management",
        "gethomepage.dev/icon": "meshcentral.png",
        "gethomepage.dev/group": "Infrastructure",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# The agents' own endpoints, carved out of the Authentik-gated site: longer path rules win
# over "/" in Traefik, so only these paths skip forward-auth.
IngressFactory("meshcentral-agent", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="meshcentral",
    port=80,
    auth="none",
    auth_reason="MeshCentral agents are native clients that authenticate with their mesh certificate on "
                "these endpoints and cannot follow an SSO redirect; the web UI at / stays behind Authentik",
    ingress_path=[
        "/agent.ashx",          # agent control channel
        "/control.ashx",        # management socket, agent tunnels
        "/meshrelay.ashx",      # desktop / terminal / file relay
        "/meshagents",          # agent binaries (install, self-update)
        "/devicefile.ashx",     # file transfer
        "/agentdownload.ashx",  # agent installer
        "/meshsettings.ashx",   # agent settings (.msh)
        "/amtevents.ashx",      # Intel AMT event ingest
    ],
    full_host=HOST,
    dns_type="none",  # the main ingress owns the record
    anti_ai_scraping=False,  # the bot-block check would break the agent handshake
    homepage_enabled=False,
    external_monitor=False,  # monitored through the main ingress
), opts=ns_opts)

pulumi.export("host", ingress.host)
