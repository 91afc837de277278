"""k8s-version-upgrade: the detection/report CronJobs, the chain's account and what it may do."""

import pytest

NS = "k8s-upgrade"
ACCOUNT = "k8s-upgrade-job"
IMAGE = "ghcr.io/viktorbarzin/claude-agent-service:latest"
LABELS = {"app": "k8s-version-upgrade"}


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("k8s-version-upgrade")


def cronjob(stack, name):
    spec = stack.k8s("CronJob", name, NS)["inputs"]["spec"]
    return spec, spec["jobTemplate"]["spec"], spec["jobTemplate"]["spec"]["template"]["spec"]


def test_namespace_and_credentials(stack):
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels["tier"] == "1-cluster" and labels["keel.sh/enrolled"] == "true"
    es = stack.k8s("ExternalSecret", "k8s-upgrade-creds", NS)["inputs"]["spec"]
    assert es["refreshInterval"] == "15m"
    assert [(d["secretKey"], d["remoteRef"]["key"], d["remoteRef"]["property"]) for d in es["data"]] == [
        ("ssh_key", "k8s-upgrade", "ssh_key"), ("slack_webhook", "k8s-upgrade", "slack_webhook")]


@pytest.mark.parametrize("name,schedule,backoff", [("k8s-version-check", "0 23 * * 0", 0),
                                                   ("k8s-upgrade-nightly-report", "7 6 * * 1", 1)])
def test_cronjobs_as_upstream(stack, name, schedule, backoff):
    spec, job, pod = cronjob(stack, name)
    assert spec["schedule"] == schedule and spec["concurrencyPolicy"] == "Forbid"
    assert spec["suspend"] is False and spec["startingDeadlineSeconds"] == 600
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 3)
    assert job["backoffLimit"] == backoff and job["ttlSecondsAfterFinished"] == 86400
    assert pod["serviceAccountName"] == ACCOUNT and pod["restartPolicy"] == "Never"
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    assert {"name": "creds", "secret": {"secretName": "k8s-upgrade-creds", "defaultMode": 0o444}} in pod["volumes"]
    [container] = pod["containers"]
    assert container["image"] == IMAGE
    assert container["resources"] == {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}
    assert stack.k8s("CronJob", name, NS)["inputs"]["metadata"]["labels"] == LABELS


def test_version_check_runs_the_detection_script_with_the_template(stack):
    _, _, pod = cronjob(stack, "k8s-version-check")
    [container] = pod["containers"]
    assert container["command"][:2] == ["/bin/bash", "-c"]
    assert {e["name"]: e["value"] for e in container["env"]} == {"DRY_RUN": "false", "IMAGE": IMAGE, "HOME": "/tmp"}
    assert {"name": "template", "configMap": {"name": "k8s-upgrade-job-template"}} in pod["volumes"]


def test_report_mounts_the_scripts(stack):
    _, _, pod = cronjob(stack, "k8s-upgrade-nightly-report")
    assert pod["containers"][0]["command"] == ["python3", "/scripts/nightly-report.py"]
    assert {"name": "scripts", "configMap": {"name": "k8s-upgrade-scripts", "defaultMode": 0o755}} in pod["volumes"]
    data = stack.k8s("ConfigMap", "k8s-upgrade-scripts", NS)["inputs"]["data"]
    assert set(data) == {"upgrade-step.sh", "update_k8s.sh", "compat-gate.py", "addon-compat.json", "nightly-report.py"}


def test_chain_rbac(stack):
    stack.k8s("ServiceAccount", ACCOUNT, NS)
    rules = stack.k8s("ClusterRole", ACCOUNT)["inputs"]["rules"]
    assert {"apiGroups": [""], "resources": ["pods/eviction"], "verbs": ["create"]} in rules
    assert {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": [NS],
            "verbs": ["get", "patch", "update"]} in rules
    assert len(rules) == 11
    crb = stack.k8s("ClusterRoleBinding", ACCOUNT)["inputs"]
    assert crb["subjects"] == [{"kind": "ServiceAccount", "name": ACCOUNT, "namespace": NS}]
    role = stack.k8s("Role", "k8s-upgrade-job-ns", NS)["inputs"]["rules"]
    assert [r["resourceNames"] for r in role] == [["k8s-upgrade-creds"], ["k8s-upgrade-killswitch"]]
    rb = stack.k8s("RoleBinding", "k8s-upgrade-job-ns", NS)["inputs"]
    assert rb["roleRef"]["name"] == "k8s-upgrade-job-ns"
    assert rb["subjects"] == [{"kind": "ServiceAccount", "name": ACCOUNT, "namespace": NS}]
    assert len(stack.of_type("kubernetes:core/v1:ServiceAccount")) == 1
