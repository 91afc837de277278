"""monitoring (digests part): the digest/analytics/housekeeping CronJobs, their scripts and RBAC."""

import pytest

from components import constants as c

NS = "monitoring"
PYTHON = "docker.io/library/python:3.12-alpine"

# name -> (schedule, timeZone, startingDeadlineSeconds, backoffLimit, activeDeadlineSeconds)
JOBS = {
    "alert-digest": ("0 8 * * *", "Europe/London", 600, 2, None),
    "proxy-visit-digest": ("0 8 * * *", "Europe/London", 600, 2, None),
    "share-link-geo": ("45 6 * * *", None, 600, 2, 1500),
    "image-flipflop-detect": ("0 */6 * * *", None, 600, 2, None),
    "helm-unstick": ("*/15 * * * *", None, 300, 1, None),
}
SCRIPTS = {
    "alert-digest": "alert_digest.py",
    "proxy-visit-digest": "proxy_visit_digest.py",
    "share-link-geo": "share_link_geo.py",
    "image-flipflop-detect": "image_flipflop_detect.py",
    "helm-unstick": "helm_unstick.sh",
}
RESOURCES = {
    "alert-digest": ({"cpu": "10m", "memory": "48Mi"}, {"memory": "96Mi"}),
    "proxy-visit-digest": ({"cpu": "10m", "memory": "48Mi"}, {"memory": "96Mi"}),
    "share-link-geo": ({"cpu": "50m", "memory": "192Mi"}, {"memory": "512Mi"}),
    "image-flipflop-detect": ({"cpu": "10m", "memory": "64Mi"}, {"memory": "192Mi"}),
    "helm-unstick": ({"cpu": "10m", "memory": "96Mi"}, {"memory": "256Mi"}),
}
SLACK = {"name": "SLACK_WEBHOOK_URL", "valueFrom": {"secretKeyRef": {"name": "alert-digest", "key": "SLACK_WEBHOOK_URL"}}}
CHANNEL = {"name": "SLACK_CHANNEL", "value": "#alerts"}


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("monitoring")


def cronjob(stack, name: str) -> dict:
    return stack.k8s("CronJob", name, NS)["inputs"]


def container(stack, name: str) -> dict:
    [only] = cronjob(stack, name)["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    return only


@pytest.mark.parametrize("name", JOBS)
def test_schedule_and_job_shape_carry_over(stack, name):
    schedule, zone, starting, backoff, active = JOBS[name]
    job = cronjob(stack, name)
    assert job["metadata"]["labels"] == {"app": name, "tier": "1-cluster"}
    spec = job["spec"]
    # Every upstream job set Forbid explicitly (Terraform's default would have been Allow).
    assert (spec["schedule"], spec.get("timeZone"), spec["concurrencyPolicy"]) == (schedule, zone, "Forbid")
    assert (spec["startingDeadlineSeconds"], spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (starting, 3, 3)
    job_spec = spec["jobTemplate"]["spec"]
    assert (job_spec["backoffLimit"], job_spec.get("activeDeadlineSeconds"), job_spec["ttlSecondsAfterFinished"]) == (backoff, active, 86400)
    pod = job_spec["template"]
    assert pod["metadata"] == {"labels": {"app": name}}
    assert pod["spec"]["restartPolicy"] == "OnFailure"


@pytest.mark.parametrize("name", JOBS)
def test_script_config_map_is_mounted_at_scripts(stack, name):
    key = SCRIPTS[name]
    config_map = stack.k8s("ConfigMap", f"{name}-script", NS)["inputs"]
    assert list(config_map["data"]) == [key]
    pod = cronjob(stack, name)["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["volumes"] == [{"name": "script", "configMap": {"name": f"{name}-script"}}]
    one = container(stack, name)
    assert one["name"] == name
    assert one["volumeMounts"] == [{"name": "script", "mountPath": "/scripts", "readOnly": True}]
    interpreter = "bash" if key.endswith(".sh") else "python3"
    assert one["command"] == [interpreter, f"/scripts/{key}"]
    requests, limits = RESOURCES[name]
    assert one["resources"] == {"requests": requests, "limits": limits}


@pytest.mark.parametrize("name", [n for n in JOBS if n != "helm-unstick"])
def test_python_jobs_run_the_stock_image(stack, name):
    one = container(stack, name)
    assert (one["image"], one["imagePullPolicy"]) == (PYTHON, "IfNotPresent")


def test_digests_post_to_alerts_through_the_shared_webhook_secret(stack):
    secret = stack.k8s("Secret", "alert-digest", NS)["inputs"]
    assert secret["type"] == "Opaque"
    assert container(stack, "alert-digest")["env"] == [SLACK, CHANNEL]
    assert container(stack, "proxy-visit-digest")["env"] == [
        SLACK, CHANNEL, {"name": "DIGEST_EXCLUDE_USER", "value": "vbarzin@gmail.com"}]


def test_share_link_geo_reads_loki_and_pushes_to_the_pushgateway(stack):
    assert container(stack, "share-link-geo")["env"] == [
        {"name": "LOKI_URL", "value": "http://loki.monitoring.svc.cluster.local:3100"},
        {"name": "PUSHGATEWAY_URL", "value": "http://prometheus-prometheus-pushgateway.monitoring:9091"},
        {"name": "WINDOW_HOURS", "value": "720"},
        {"name": "CHUNK_HOURS", "value": "72"},
    ]


def test_image_flipflop_reads_replicasets_cluster_wide_and_nothing_else(stack):
    assert stack.k8s("ServiceAccount", "image-flipflop-detect", NS)
    role = stack.k8s("ClusterRole", "image-flipflop-detect")["inputs"]
    assert role["rules"] == [{"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": ["get", "list"]}]
    binding = stack.k8s("ClusterRoleBinding", "image-flipflop-detect")["inputs"]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "image-flipflop-detect"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "image-flipflop-detect", "namespace": NS}]
    pod = cronjob(stack, "image-flipflop-detect")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "image-flipflop-detect"
    assert "env" not in container(stack, "image-flipflop-detect")


def test_helm_unstick_runs_pinned_kubectl_over_its_namespaces(stack):
    one = container(stack, "helm-unstick")
    assert one["image"] == c.KUBECTL_IMAGE
    assert one["env"] == [
        {"name": "NAMESPACES", "value": "monitoring crowdsec nextcloud"},
        {"name": "THRESHOLD_SECONDS", "value": "1800"},
        {"name": "DRY_RUN", "value": "false"},
    ]
    pod = cronjob(stack, "helm-unstick")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "helm-unstick"
    assert stack.k8s("ServiceAccount", "helm-unstick", NS)


@pytest.mark.parametrize("namespace", ["monitoring", "crowdsec", "nextcloud"])
def test_helm_unstick_may_delete_secrets_only_in_listed_namespaces(stack, namespace):
    role = stack.k8s("Role", "helm-unstick", namespace)["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "delete"]}]
    binding = stack.k8s("RoleBinding", "helm-unstick", namespace)["inputs"]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "helm-unstick"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "helm-unstick", "namespace": NS}]


def test_helm_unstick_has_no_role_outside_its_list(stack):
    roles = [r["inputs"]["metadata"]["namespace"] for r in stack.resources
             if r["custom"] and r["inputs"].get("kind") in ("Role", "ClusterRole")
             and r["inputs"]["metadata"]["name"] == "helm-unstick"]
    assert sorted(roles) == ["crowdsec", "monitoring", "nextcloud"]
