"""infra-maintenance: etcd snapshot/defrag on the control plane and the failed-pod cleanup."""

import pytest

NS = "default"
PKI = "/etc/kubernetes/pki/etcd"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("infra-maintenance")


def cronjob(stack, name):
    spec = stack.k8s("CronJob", name, NS)["inputs"]["spec"]
    return spec, spec["jobTemplate"]["spec"]["template"]["spec"]


@pytest.mark.parametrize("name,schedule", [("backup-etcd", "0 1 * * 0"), ("defrag-etcd", "0 3 * * 0"),
                                           ("cleanup-failed-pods", "0 2 * * *")])
def test_schedules_and_history_as_upstream(stack, name, schedule):
    spec, pod = cronjob(stack, name)
    assert spec["schedule"] == schedule
    assert spec["concurrencyPolicy"] == "Forbid"
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 1)
    assert pod["restartPolicy"] == "Never"


@pytest.mark.parametrize("name", ["backup-etcd", "defrag-etcd"])
def test_etcd_jobs_run_on_the_control_plane_with_its_certs(stack, name):
    _, pod = cronjob(stack, name)
    assert pod["nodeName"] == "k8s-master"
    assert pod["hostNetwork"] is True
    assert pod["priorityClassName"] == "system-cluster-critical"
    assert {"name": "etcd-certs", "hostPath": {"path": PKI, "type": "DirectoryOrCreate"}} in pod["volumes"]
    etcd = (pod.get("initContainers") or pod["containers"])[0]
    assert etcd["image"] == "registry.k8s.io/etcd:3.5.21-0"
    assert {"mountPath": PKI, "name": "etcd-certs", "readOnly": True} in etcd["volumeMounts"]


def test_backup_writes_to_the_nfs_claim(stack):
    _, pod = cronjob(stack, "backup-etcd")
    assert pod["dnsPolicy"] == "ClusterFirstWithHostNet"
    assert {"name": "backup", "persistentVolumeClaim": {"claimName": "infra-etcd-backup-host"}} in pod["volumes"]
    [snapshot] = pod["initContainers"]
    assert snapshot["command"] == ["etcdctl", "snapshot", "save", "/backup/etcd-snapshot-latest.db"]
    assert snapshot["resources"] == {"requests": {"memory": "256Mi", "cpu": "50m"}, "limits": {"memory": "512Mi"}}
    [manage] = pod["containers"]
    script = manage["args"][0]
    assert "-mtime +30" in script and "\\;" in script
    assert '"http://prometheus-prometheus-pushgateway.monitoring:9091/metrics/job/backup-etcd" || true' in script
    pv = stack.k8s("PersistentVolume", "infra-etcd-backup-host")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/etcd-backup"}


def test_defrag_arguments(stack):
    _, pod = cronjob(stack, "defrag-etcd")
    assert pod["containers"][0]["args"][-2:] == ["--command-timeout=60s", "defrag"]
    assert "dnsPolicy" not in pod


def test_cleanup_runs_as_its_cluster_wide_account(stack):
    _, pod = cronjob(stack, "cleanup-failed-pods")
    assert pod["serviceAccountName"] == "failed-pod-cleanup"
    stack.k8s("ServiceAccount", "failed-pod-cleanup", NS)
    role = stack.k8s("ClusterRole", "failed-pod-cleanup")["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "delete"]}]
    binding = stack.k8s("ClusterRoleBinding", "failed-pod-cleanup")["inputs"]
    assert binding["roleRef"]["name"] == "failed-pod-cleanup"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "failed-pod-cleanup", "namespace": NS}]
