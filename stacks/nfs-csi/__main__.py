"""NFS CSI driver (csi-driver-nfs) and the `nfs-truenas` StorageClass on the Proxmox host's NFS export.

Every NfsVolume PV names the `nfs.csi.k8s.io` driver and the `nfs-truenas` class, so this
stack backs every NFS claim in the cluster. The class keeps its historical name: a PV's
storageClassName cannot change, and the backend is no longer TrueNAS.
"""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import STORAGE_CLASS
from components.settings import ClusterSettings

settings = ClusterSettings.load()
NS = "nfs-csi"
DRIVER = "nfs.csi.k8s.io"


def _limited(cpu: str, memory: str) -> dict:
    """Requests with the memory limit equal to the memory request (no CPU limit)."""
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory}}


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))

release = HelmRelease("csi-driver-nfs", HelmReleaseArgs(
    namespace=NS,
    repository="https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts",
    chart="csi-driver-nfs",
    # Held at 4.13.1: 4.13.2 let the controller onto the control plane and both replicas
    # onto one node, where they fought over host ports. Move only deliberately.
    version="4.13.1",
    timeout=300,
    values={
        "controller": {
            "replicas": 2,
            # The controller runs on the host network: two replicas on one node collide on
            # ports 19809/29653, and the control-plane node already runs the node plugin.
            "affinity": {
                "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "node-role.kubernetes.io/control-plane", "operator": "DoesNotExist"}]},
                ]}},
                "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": {"app": "csi-nfs-controller"}}, "topologyKey": "kubernetes.io/hostname"},
                ]},
            },
            "livenessProbe": {"httpPort": 29653},
            "resources": {
                "csiProvisioner": _limited("10m", "128Mi"),
                "csiResizer": _limited("10m", "128Mi"),
                "csiSnapshotter": _limited("10m", "128Mi"),
                "nfs": _limited("10m", "128Mi"),
                "livenessProbe": _limited("10m", "64Mi"),
            },
        },
        "node": {
            "resources": {
                "nfs": _limited("10m", "128Mi"),
                "livenessProbe": _limited("10m", "64Mi"),
                "nodeDriverRegistrar": _limited("10m", "64Mi"),
            },
        },
        # The class is declared below, with the cluster's mount options.
        "storageClass": {"create": False},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace]))

# Provisioner, parameters and reclaim policy are immutable: any change here replaces the
# class every bound NFS PV names.
storage_class = k8s.storage.v1.StorageClass(
    STORAGE_CLASS,
    metadata={"name": STORAGE_CLASS},
    provisioner=DRIVER,
    reclaim_policy="Retain",
    volume_binding_mode="Immediate",
    mount_options=["nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5"],
    parameters={"server": settings.nfs_server, "share": "/srv/nfs"},
    # A stray change or destroy must fail instead of replacing or deleting the class.
    opts=pulumi.ResourceOptions(protect=True, retain_on_delete=True),
)

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
pulumi.export("storage_class", storage_class.metadata["name"])
