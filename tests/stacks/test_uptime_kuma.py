"""uptime-kuma: the UI (pinned image, Keel kept off), its public carve-out, and the two
monitor syncs, including the ClusterRole that lets the external one read every ingress."""

import json

import pytest

NS = "uptime-kuma"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("uptime-kuma")


def _job(stack, name):
    return stack.k8s("CronJob", name, NS)["inputs"]["spec"]


def test_ui_is_pinned_and_keel_stays_off(stack):
    deployment = stack.k8s("Deployment", "uptime-kuma", NS)
    meta = deployment["inputs"]["metadata"]
    assert meta["annotations"]["keel.sh/policy"] == "never"
    assert 'metadata.annotations["keel.sh/policy"]' not in deployment["options"]["ignoreChanges"]
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    [container] = spec["template"]["spec"]["containers"]
    assert container["image"] == "louislam/uptime-kuma:2.3.2"
    assert container["livenessProbe"]["failureThreshold"] == 5 and container["readinessProbe"]["failureThreshold"] == 3
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/app/data"}]
    claim = stack.k8s("PersistentVolumeClaim", "uptime-kuma-data-proxmox", NS)["inputs"]
    assert claim["spec"]["storageClassName"] == "proxmox-lvm" and claim["spec"]["resources"]["requests"]["storage"] == "5Gi"
    assert claim["metadata"]["annotations"]["resize.topolvm.io/increase"] == "50%"
    service = stack.k8s("Service", "uptime-kuma", NS)["inputs"]["spec"]
    assert [(p["port"], p["targetPort"]) for p in service["ports"]] == [(80, 3001)]


def test_public_paths_skip_forward_auth_on_the_same_host(stack):
    public = stack.k8s("Ingress", "uptime-public", NS)["inputs"]
    [rule] = public["spec"]["rules"]
    assert rule["host"] == "uptime.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == [
        "/status", "/api/status-page", "/api/push", "/api/badge", "/assets", "/icon.svg", "/upload"]
    middlewares = public["metadata"]["annotations"].get("traefik.ingress.kubernetes.io/router.middlewares", "")
    assert "authentik" not in middlewares
    main = stack.k8s("Ingress", "uptime", NS)["inputs"]
    assert "authentik" in main["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"]


def test_external_sync_reads_every_ingress(stack):
    role = stack.k8s("ClusterRole", "external-monitor-sync")["inputs"]
    assert role["rules"] == [{"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": ["list", "get"]}]
    binding = stack.k8s("ClusterRoleBinding", "external-monitor-sync")["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "external-monitor-sync", "namespace": NS}]
    job = _job(stack, "external-monitor-sync")
    assert job["schedule"] == "*/10 * * * *" and job["concurrencyPolicy"] == "Forbid"
    pod = job["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "external-monitor-sync"
    assert pod["volumes"] == [{"name": "config", "configMap": {"name": "external-monitor-targets"}}]
    targets = stack.k8s("ConfigMap", "external-monitor-targets", NS)["inputs"]["data"]["targets.json"]
    assert targets == "[]"


def test_internal_sync_targets_and_passwords(stack):
    targets = json.loads(stack.k8s("ConfigMap", "internal-monitor-targets", NS)["inputs"]["data"]["targets.json"])
    assert [t["name"] for t in targets] == ["MySQL Standalone (dbaas)", "Redis", "TP-Link Gateway (192.168.1.1)",
                                            "Proxmox UI", "Traefik LoadBalancer (10.0.20.203)"]
    assert targets[0]["password_env"] == "DB_PASSWORD_MYSQL_STANDALONE__DBAAS_"
    assert all(t["password_env"] is None for t in targets[1:])
    assert targets[3]["accepted_statuscodes"] == ["200-299", "300-399", "400-499"] and targets[3]["ignore_tls"] is True
    assert list(targets[0]) == sorted(targets[0])  # Terraform's jsonencode sorts keys
    pod = _job(stack, "internal-monitor-sync")["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["envFrom"] == [{"secretRef": {"name": "internal-monitor-sync"}}]
