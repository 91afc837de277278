"""local-path: the default StorageClass (immutable), its provisioner and the helper it runs."""

import json

import pytest

NS = "local-path-storage"
APP = "local-path-provisioner"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("local-path")


def test_default_storage_class_is_exactly_the_live_one(stack):
    """StorageClass fields are immutable: any difference would replace the default class."""
    inputs = stack.k8s("StorageClass", "local-path")["inputs"]
    fields = {k: v for k, v in inputs.items() if k not in ("apiVersion", "kind")}
    assert fields == {
        "metadata": {"name": "local-path", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": False,
    }


def test_provisioner_deployment(stack):
    deployment = stack.k8s("Deployment", APP, NS)
    inputs = deployment["inputs"]
    assert inputs["metadata"]["labels"] == {"tier": "default", "keel.sh/enrolled": "true"}
    assert inputs["spec"]["replicas"] == 1
    assert inputs["spec"]["selector"] == {"matchLabels": {"app": APP}}
    pod = inputs["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "local-path-provisioner-service-account"
    assert pod["automountServiceAccountToken"] is False and pod["enableServiceLinks"] is False
    [container] = pod["containers"]
    assert container["image"] == "rancher/local-path-provisioner:v0.0.31"
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["command"] == [APP, "--debug", "start", "--config", "/etc/config/config.json"]
    assert container["env"] == [
        {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "CONFIG_MOUNT_PATH", "value": "/etc/config/"},
    ]
    assert container["volumeMounts"] == [{"name": "config-volume", "mountPath": "/etc/config/"}]
    assert pod["volumes"] == [{"name": "config-volume", "configMap": {"name": "local-path-config"}}]
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.dnsConfig" in ignored and "spec.template.spec.containers[0].image" in ignored


def test_volumes_live_under_opt_and_the_helper_tolerates_disk_pressure(stack):
    data = stack.k8s("ConfigMap", "local-path-config", NS)["inputs"]["data"]
    assert data["config.json"] == ('{"nodePathMap":[{"node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",'
                                   '"paths":["/opt/local-path-provisioner"]}]}')
    assert json.loads(data["config.json"])["nodePathMap"][0]["paths"] == ["/opt/local-path-provisioner"]
    assert "priorityClassName: system-node-critical\n" in data["helperPod.yaml"]
    assert "    - key: node.kubernetes.io/disk-pressure\n      operator: Exists\n      effect: NoSchedule\n" in data["helperPod.yaml"]
    assert data["setup"] == '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n'
    assert data["teardown"] == '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n'


def test_rbac(stack):
    account = stack.k8s("ServiceAccount", "local-path-provisioner-service-account", NS)["inputs"]
    assert account["automountServiceAccountToken"] is False
    rules = stack.k8s("ClusterRole", "local-path-provisioner-role")["inputs"]["rules"]
    assert rules == [
        {"apiGroups": [""], "resources": ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"],
         "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["persistentvolumes"],
         "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
        {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
        {"apiGroups": ["storage.k8s.io"], "resources": ["storageclasses"], "verbs": ["get", "list", "watch"]},
    ]
    binding = stack.k8s("ClusterRoleBinding", "local-path-provisioner-bind")["inputs"]
    assert binding["roleRef"]["name"] == "local-path-provisioner-role"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "local-path-provisioner-service-account",
                                    "namespace": NS}]


def test_namespace_has_no_tier(stack):
    metadata = stack.k8s("Namespace", NS)["inputs"]["metadata"]
    assert "tier" not in metadata.get("labels", {})


def test_storage_class_cannot_be_replaced_or_deleted_by_an_up(stack):
    options = stack.k8s("StorageClass", "local-path")["options"]
    assert options["protect"] is True and options["retainOnDelete"] is True
