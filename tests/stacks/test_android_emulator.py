"""android-emulator: the objects an outage would be about, and the idle sleeper's decision."""

import os
import shutil
import stat
import subprocess

import pytest

from components import constants as c

NS = "android-emulator"
NOVNC_PATHS = ["/vnc.html", "/app", "/core", "/vendor", "/websockify", "/package.json",
               "/defaults.json", "/mandatory.json"]


def test_emulator_is_privileged_on_the_gpu_node_with_kvm(synth_stack):
    deployment = synth_stack("android-emulator").k8s("Deployment", "android-emulator", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0 and spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/android-emulator:latest"
    assert container["securityContext"] == {"privileged": True}
    assert NS in c.SECURITY_POLICY_EXCLUDED_NAMESPACES
    assert container["resources"] == {"requests": {"cpu": "2", "memory": "3Gi"},
                                      "limits": {"memory": "8Gi", "nvidia.com/gpu": "1"}}
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    assert {"name": "kvm", "hostPath": {"path": "/dev/kvm", "type": "CharDevice"}} in pod["volumes"]
    assert {"name": "sdk", "persistentVolumeClaim": {"claimName": "android-emulator-sdk"}} in pod["volumes"]
    assert container["env"] == [{"name": "NVIDIA_DRIVER_CAPABILITIES", "value": "all"}]
    probes = {k: (container[k]["periodSeconds"], container[k]["failureThreshold"])
              for k in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert probes == {"startupProbe": (20, 90), "readinessProbe": (30, 3), "livenessProbe": (60, 10)}
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]


def test_sdk_claim_and_services(synth_stack):
    stack = synth_stack("android-emulator")
    pvc = stack.k8s("PersistentVolumeClaim", "android-emulator-sdk", NS)["inputs"]
    assert pvc["spec"]["storageClassName"] == "proxmox-lvm"
    assert pvc["spec"]["resources"]["requests"]["storage"] == "30Gi"
    assert {k: v for k, v in pvc["metadata"]["annotations"].items() if k.startswith("resize.")} == {
        "resize.topolvm.io/threshold": "10%", "resize.topolvm.io/increase": "50%",
        "resize.topolvm.io/storage_limit": "60Gi"}
    adb = stack.k8s("Service", "android-emulator-adb", NS)
    assert adb["inputs"]["metadata"]["annotations"] == {"metallb.universe.tf/loadBalancerIPs": "10.0.20.200",
                                                        "metallb.io/allow-shared-ip": "shared"}
    assert adb["inputs"]["spec"]["type"] == "LoadBalancer"
    assert adb["inputs"]["spec"]["ports"] == [{"name": "adb", "port": 5555, "targetPort": 5555}]
    assert 'metadata.annotations["metallb.io/ip-allocated-from-pool"]' in adb["options"]["ignoreChanges"]
    novnc = stack.k8s("Service", "android-emulator", NS)["inputs"]["spec"]
    assert novnc["selector"] == {"app": "android-emulator"} and novnc["ports"][0]["targetPort"] == 6080
    gate = stack.k8s("Service", "android-emulator-gate", NS)["inputs"]
    assert "labels" not in gate["metadata"] and gate["spec"]["ports"][0]["targetPort"] == 8080


def test_gate_and_sleeper_share_the_scaling_account(synth_stack):
    stack = synth_stack("android-emulator")
    rules = stack.k8s("Role", "android-emulator-gate", NS)["inputs"]["rules"]
    assert rules == [
        {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["android-emulator"], "verbs": ["get", "patch"]},
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
        {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]
    gate = stack.k8s("Deployment", "android-emulator-gate", NS)["inputs"]["spec"]["template"]
    assert gate["spec"]["serviceAccountName"] == "android-emulator-gate"
    assert gate["spec"]["containers"][0]["command"] == ["python", "/app/gate.py"]
    assert gate["metadata"]["annotations"].keys() == {"checksum/gate"}
    cronjob = stack.k8s("CronJob", "android-emulator-idle-sleeper", NS)["inputs"]["spec"]
    assert cronjob["schedule"] == "*/15 * * * *" and cronjob["concurrencyPolicy"] == "Forbid"
    assert (cronjob["successfulJobsHistoryLimit"], cronjob["failedJobsHistoryLimit"]) == (1, 2)
    job = cronjob["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (0, 3600)
    assert job["template"]["spec"]["serviceAccountName"] == "android-emulator-gate"
    assert job["template"]["spec"]["containers"][0]["image"] == c.KUBECTL_IMAGE


def test_lan_hosts_are_local_only_and_public_hosts_behind_authentik(synth_stack):
    stack = synth_stack("android-emulator")
    for name, host, service, paths, auth in (
            ("android-emulator", "android-emulator.viktorbarzin.lan", "android-emulator-gate", ["/"], "none"),
            ("android-emulator-novnc", "android-emulator.viktorbarzin.lan", "android-emulator", NOVNC_PATHS, "none"),
            ("android-emulator-public", "android-emulator.viktorbarzin.me", "android-emulator-gate", ["/"], "required"),
            ("android-emulator-public-novnc", "android-emulator.viktorbarzin.me", "android-emulator", NOVNC_PATHS, "required")):
        ingress = stack.k8s("Ingress", name, NS)["inputs"]
        rule = ingress["spec"]["rules"][0]
        annotations = ingress["metadata"]["annotations"]
        chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
        assert rule["host"] == host, name
        assert [p["path"] for p in rule["http"]["paths"]] == paths, name
        assert {p["backend"]["service"]["name"] for p in rule["http"]["paths"]} == {service}, name
        assert annotations[c.AUTH_ANNOTATION] == auth, name
        assert (c.MW_LOCAL_ONLY in chain) == (auth == "none"), name
        assert (c.MW_FORWARD_AUTH in chain) == (auth == "required"), name
        novnc = paths == NOVNC_PATHS
        assert (c.MW_ANDROID_EMULATOR_RATE_LIMIT in chain) == novnc, name
        assert ("traefik-rate-limit@kubernetescrd" in chain) == (not novnc), name


# --- the idle sleeper's script, run against a fake kubectl -------------------------------

FAKE_KUBECTL = """#!/bin/sh
echo "$*" >> "$CALLS"
case "$*" in
  *"get deployment"*) echo "$REPLICAS" ;;
  *"get pods"*) echo "$POD" ;;
  *"/proc/uptime"*) echo "$UPTIME" ;;
  *"dumpsys power"*) printf '%s\\n' "$POWER" ;;
esac
"""


@pytest.fixture
def run_sleeper(synth_stack, tmp_path):
    if shutil.which("bash") is None or shutil.which("awk") is None:
        pytest.skip("needs bash and awk")
    cronjob = synth_stack("android-emulator").k8s("CronJob", "android-emulator-idle-sleeper", NS)
    script = cronjob["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"][0]
    kubectl = tmp_path / "kubectl"
    kubectl.write_text(FAKE_KUBECTL)
    kubectl.chmod(kubectl.stat().st_mode | stat.S_IEXEC)
    calls = tmp_path / "calls"

    def run(*, replicas="1", pod="android-emulator-abc", uptime="30000.50 1.00", last_ms="0"):
        calls.write_text("")
        power = f"  mLastUserActivityTime(excludingAttention)={last_ms}" if last_ms else ""
        env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "CALLS": str(calls),
               "REPLICAS": replicas, "POD": pod, "UPTIME": uptime, "POWER": power}
        result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=True)
        return result.stdout, [line for line in calls.read_text().splitlines() if "patch" in line]

    return run


def test_sleeper_scales_down_after_six_idle_hours(run_sleeper):
    _, patches = run_sleeper(uptime="30000.00 1.00", last_ms=str((30000 - 21600) * 1000))
    assert patches == ['-n android-emulator patch deployment android-emulator --type=merge -p {"spec":{"replicas":0}}']


@pytest.mark.parametrize("case", [
    {"uptime": "30000.00 1.00", "last_ms": str((30000 - 21599) * 1000)},  # used just under 6 h ago
    {"replicas": "0"},                                                     # already asleep
    {"pod": ""},                                                           # no running pod yet
    {"last_ms": ""},                                                       # dumpsys unreadable
    {"uptime": ""},                                                        # adb not ready
], ids=["recently-used", "asleep", "no-pod", "no-activity", "no-uptime"])
def test_sleeper_keeps_the_emulator_up_otherwise(run_sleeper, case):
    _, patches = run_sleeper(**case)
    assert patches == []
