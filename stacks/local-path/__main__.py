"""Rancher local-path provisioner: node-local directories as volumes, behind the default StorageClass.

A claim that names no class lands on `local-path`, so this stack backs every such claim;
the class's fields are immutable and its default-class annotation must survive.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.workload import deployment_ignore_changes
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
NS = "local-path-storage"
APP = "local-path-provisioner"
CONFIG_DIR = "/etc/config/"

namespace = Namespace(NS, NamespaceArgs(
    tier=None,
    no_tier_reason="as upstream: a tier would make Kyverno generate a LimitRange, quota and priority "
                   "for the provisioner and the helper pods that create every default-class volume"))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

rbac = WorkloadRbac("local-path-provisioner-service-account", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    role_name="local-path-provisioner-role", binding_name="local-path-provisioner-bind",
    automount_service_account_token=False,
    rules=[
        Rule(api_groups=[""], resources=["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"],
             verbs=["get", "list", "watch"]),
        Rule(api_groups=[""], resources=["persistentvolumes"],
             verbs=["get", "list", "watch", "create", "patch", "update", "delete"]),
        Rule(api_groups=[""], resources=["events"], verbs=["create", "patch"]),
        Rule(api_groups=["storage.k8s.io"], resources=["storageclasses"], verbs=["get", "list", "watch"]),
    ],
), opts=ns_opts)

# Where volumes go on each node, the helper pod that creates and removes them, and its scripts.
config = PayloadConfigMap("local-path-config", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE,
    files={"config.json": "config.json", "helperPod.yaml": "helperPod.yaml", "setup": "setup", "teardown": "teardown"},
), opts=ns_opts)

# Provisioner, reclaim policy, binding mode and expansion are immutable: a change replaces
# the default class.
storage_class = k8s.storage.v1.StorageClass(
    "local-path",
    metadata={"name": "local-path", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
    provisioner="rancher.io/local-path",
    reclaim_policy="Delete",
    volume_binding_mode="WaitForFirstConsumer",
    allow_volume_expansion=False,
    # A stray change or destroy must fail instead of replacing or deleting the class.
    opts=pulumi.ResourceOptions(protect=True, retain_on_delete=True),
)

# Not a WebApp: the live Deployment has no `app` label and its tier label is `default`
# (not a cluster tier); WebApp would add the one and refuse the other.
k8s.apps.v1.Deployment(
    APP,
    metadata={"name": APP, "namespace": NS, "labels": {"tier": "default", "keel.sh/enrolled": "true"}},
    spec={
        "replicas": 1,
        "selector": {"match_labels": {"app": APP}},
        "template": {
            "metadata": {"labels": {"app": APP}},
            "spec": {
                "service_account_name": rbac.service_account_name,
                "automount_service_account_token": False,
                "enable_service_links": False,
                "containers": [{
                    "name": APP,
                    "image": "rancher/local-path-provisioner:v0.0.31",
                    "image_pull_policy": "IfNotPresent",
                    "command": [APP, "--debug", "start", "--config", f"{CONFIG_DIR}config.json"],
                    "env": [
                        {"name": "POD_NAMESPACE", "value_from": {"field_ref": {"field_path": "metadata.namespace"}}},
                        {"name": "CONFIG_MOUNT_PATH", "value": CONFIG_DIR},
                    ],
                    "volume_mounts": [{"name": "config-volume", "mount_path": CONFIG_DIR}],
                }],
                "volumes": [config.volume("config-volume")],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)

pulumi.export("namespace", NS)
pulumi.export("storage_class", storage_class.metadata["name"])
