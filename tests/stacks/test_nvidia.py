"""nvidia: the operator release, the GPU node's taint and VRAM budget, the exporter and the watchdog.

Every GPU tenant of the fleet depends on these: the taint keeps other pods off the node, the
gpumem advertisement lets tenants that claim VRAM schedule at all.
"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from components import constants as c

NS = "nvidia"
STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "nvidia"
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}
POINTER = "/status/capacity/viktorbarzin.me~1gpumem"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("nvidia")


@pytest.fixture(scope="module")
def release(stack):
    [release] = [r for r in stack.of_type("kubernetes:helm.sh/v3:Release") if r["custom"]]
    return release["inputs"]


def _command(stack, name: str) -> dict:
    [cmd] = [r for r in stack.of_type("command:local:Command") if r["name"] == name]
    return cmd


def _pod(stack, kind: str, name: str) -> dict:
    return stack.k8s(kind, name, NS)["inputs"]["spec"]["template"]["spec"]


def test_release_is_pinned_with_upstream_options(release):
    assert (release["name"], release["namespace"], release["chart"], release["version"]) == (
        "nvidia-gpu-operator", NS, "gpu-operator", "v25.10.1")
    assert release["repositoryOpts"]["repo"] == "https://helm.ngc.nvidia.com/nvidia"
    assert release["atomic"] is True and release["timeout"] == 6000


def test_release_values_are_carried_exactly(release):
    assert release["values"] == {
        "driver": {
            "enabled": True,
            "version": "570.195.03",
            "upgradePolicy": {"autoUpgrade": False},
            "resources": {"requests": {"cpu": "50m", "memory": "822Mi"}, "limits": {"memory": "2Gi"}},
            "startupProbe": {"failureThreshold": 300},
            # Nested under driver, as upstream's values file has it (README).
            "devicePlugin": {"config": {"name": "time-slicing-config"}},
        },
        "dcgmExporter": {"resources": {"requests": {"memory": "768Mi"}, "limits": {"memory": "768Mi"}}},
        "validator": {"resources": {"requests": {"memory": "256Mi"}, "limits": {"memory": "256Mi"}}},
        "daemonsets": {"tolerations": [GPU_TOLERATION]},
    }


def test_release_waits_for_the_time_slicing_config(stack):
    [release] = [r for r in stack.of_type("kubernetes:helm.sh/v3:Release") if r["custom"]]
    [parent] = [r for r in stack.of_type("homelab:k8s:HelmRelease")]
    cm = stack.k8s("ConfigMap", "time-slicing-config", NS)
    assert cm["urn"] in parent["options"]["dependsOn"] or cm["urn"] in release["options"]["dependsOn"]
    # 100 slices of the one card; byte for byte what the live ConfigMap holds.
    assert cm["inputs"]["data"] == {"any": (
        "flags:\n  migStrategy: none\nsharing:\n  timeSlicing:\n    renameByDefault: false\n"
        "    failRequestsGreaterThanOne: false\n    resources:\n      - name: nvidia.com/gpu\n"
        "        replicas: 100\n")}


def test_namespace_sizes_itself(stack):
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"istio-injection": "disabled", "tier": c.TIER_GPU, "resource-governance/custom-quota": "true",
                      "resource-governance/custom-limitrange": "true"}
    limits = stack.k8s("LimitRange", "tier-defaults", NS)["inputs"]["spec"]["limits"]
    assert limits == [{"type": "Container", "default": {"memory": "128Mi"},
                       "defaultRequest": {"cpu": "50m", "memory": "128Mi"}, "max": {"memory": "16Gi"}}]
    hard = stack.k8s("ResourceQuota", "tier-quota", NS)["inputs"]["spec"]["hard"]
    assert hard == {"limits.memory": "48Gi", "requests.cpu": "8", "requests.memory": "12Gi", "pods": "40"}


def test_gpu_taint_is_a_rerunnable_command_with_upstream_triggers(stack):
    cmd = _command(stack, "gpu-node-taint")
    assert cmd["inputs"]["triggers"] == ["command_hash=dynamic-taint-v3-noschedule-remove-prefer", "namespace=nvidia"]
    script = cmd["inputs"]["create"]
    assert script.startswith("set -euo pipefail\n")
    assert "-l feature.node.kubernetes.io/pci-10de.present=true" in script
    assert "nvidia.com/gpu:PreferNoSchedule-" in script
    assert "nvidia.com/gpu=true:NoSchedule --overwrite" in script
    assert not stack.of_type("kubernetes:core/v1:NodePatch")


def test_gpumem_is_advertised_through_the_status_subresource_after_the_operator(stack):
    cmd = _command(stack, "advertise-gpumem")
    assert cmd["inputs"]["triggers"] == [
        "command_hash=advertise-gpumem-v1", "gpumem_total=14000", "resource=viktorbarzin.me/gpumem"]
    script = cmd["inputs"]["create"]
    assert "-l nvidia.com/gpu.present=true" in script
    assert "--subresource=status --type=json" in script
    assert f'\\"path\\":\\"{POINTER}\\",\\"value\\":\\"14000\\"' in script
    [release] = [r for r in stack.of_type("kubernetes:helm.sh/v3:Release") if r["custom"]]
    assert release["urn"] in cmd["options"]["dependsOn"]


def test_gpumem_is_reasserted_hourly_in_the_cluster(stack):
    cron = stack.k8s("CronJob", "gpumem-reconcile", NS)["inputs"]
    assert cron["metadata"]["labels"] == {"app": "gpumem-reconcile", "tier": c.TIER_GPU}
    spec = cron["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"], spec["successfulJobsHistoryLimit"],
            spec["failedJobsHistoryLimit"]) == ("0 * * * *", "Forbid", 1, 1)
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (1, 300)
    pod = job["template"]["spec"]
    assert pod["serviceAccountName"] == "gpumem-reconcile" and pod["restartPolicy"] == "Never"
    [container] = pod["containers"]
    assert container["image"] == c.KUBECTL_IMAGE
    assert container["command"] == ["/bin/bash", "-c"]
    assert "--subresource=status" in container["args"][0] and POINTER in container["args"][0]
    rules = stack.k8s("ClusterRole", "gpumem-reconcile")["inputs"]["rules"]
    assert rules == [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "patch"]},
                     {"apiGroups": [""], "resources": ["nodes/status"], "verbs": ["get", "patch", "update"]}]


def test_exporter_daemonset_runs_on_the_gpu_node_with_host_pid(stack):
    ds = stack.k8s("DaemonSet", "gpu-pod-exporter", NS)
    assert ds["inputs"]["metadata"]["labels"] == {"app": "gpu-pod-exporter", "tier": c.TIER_GPU}
    pod = ds["inputs"]["spec"]["template"]["spec"]
    assert pod["hostPID"] is True and "hostNetwork" not in pod
    assert pod["tolerations"] == [GPU_TOLERATION]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["serviceAccountName"] == "gpu-pod-exporter"
    assert pod["volumes"] == [
        {"name": "scripts", "configMap": {"name": "gpu-pod-exporter-script", "defaultMode": 0o755}},
        {"name": "host-proc", "hostPath": {"path": "/proc", "type": "Directory"}},
    ]
    [container] = pod["containers"]
    assert container["image"] == "python:3.11-slim"
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "128Mi"},
                                      "limits": {"memory": "128Mi", "nvidia.com/gpu": "1"}}
    assert container["ports"] == [{"containerPort": 9401, "name": "metrics"}]
    assert "spec.template.spec.containers[0].image" in ds["options"]["ignoreChanges"]


def test_watchdog_deployment(stack):
    dep = stack.k8s("Deployment", "gpu-vram-watchdog", NS)["inputs"]
    assert dep["spec"]["replicas"] == 1 and dep["spec"]["strategy"] == {"type": "Recreate"}
    pod = dep["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "gpu-vram-watchdog"
    [container] = pod["containers"]
    assert container["image"] == "python:3.12-alpine"
    assert container["command"] == ["python3", "/scripts/watchdog.py"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env == {"GPUMEM_RESOURCE": "viktorbarzin.me/gpumem", "GPU_TOTAL_MIB": "15360", "FLOOR_MIB": "1536",
                   "DRY_RUN": "true", "EXPORTER_URL": "http://[unknown]:80/metrics"}
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "96Mi"}, "limits": {"memory": "128Mi"}}
    rules = stack.k8s("ClusterRole", "gpu-vram-watchdog")["inputs"]["rules"]
    assert {v for r in rules for v in r["verbs"]} == {"get", "list", "delete"}


@pytest.mark.parametrize("name,port,target,selector", [
    ("nvidia-exporter", 80, 9400, {"app": "nvidia-dcgm-exporter"}),
    ("gpu-pod-exporter", 80, 9401, {"app": "gpu-pod-exporter"}),
])
def test_metrics_services(stack, name, port, target, selector):
    spec = stack.k8s("Service", name, NS)["inputs"]["spec"]
    assert spec["selector"] == selector
    assert [(p["port"], p["targetPort"]) for p in spec["ports"]] == [(port, target)]


def test_exporter_ingress_is_lan_only(stack):
    ingress = stack.k8s("Ingress", "nvidia-exporter", NS)["inputs"]
    assert [r["host"] for r in ingress["spec"]["rules"]] == ["nvidia-exporter.viktorbarzin.lan"]
    annotations = ingress["metadata"]["annotations"]
    assert c.MW_LOCAL_ONLY in annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    assert annotations["gethomepage.dev/icon"] == "nvidia.png"


@pytest.mark.parametrize("name", ["watchdog.py", "exporter.py"])
def test_operator_scripts_are_placeholders_until_brought_over(name):
    text = (STACK_DIR / "files" / name).read_text()
    assert text.startswith("PLACEHOLDER")


# --- the two node scripts, against a fake kubectl ---------------------------------------------

def _run(script: str, tmp_path: Path, nodes: str) -> list[str]:
    log = tmp_path / "calls"
    fake = tmp_path / "kubectl"
    fake.write_text(f'#!/bin/bash\necho "$*" >> {log}\n[ "$1" = get ] && echo "{nodes}"\nexit 0\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    subprocess.run(["/bin/bash", "-c", script], env=env, check=True, capture_output=True)
    return log.read_text().splitlines()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_taint_script_drops_the_old_effect_then_sets_noschedule(stack, tmp_path):
    calls = _run(_command(stack, "gpu-node-taint")["inputs"]["create"], tmp_path, "k8s-node1")
    assert calls[1:] == ["taint nodes k8s-node1 nvidia.com/gpu:PreferNoSchedule-",
                         "taint nodes k8s-node1 nvidia.com/gpu=true:NoSchedule --overwrite"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_advertise_script_patches_each_gpu_node_status(stack, tmp_path):
    calls = _run(_command(stack, "advertise-gpumem")["inputs"]["create"], tmp_path, "k8s-node1")
    assert calls[1:] == [
        f'patch node k8s-node1 --subresource=status --type=json '
        f'-p=[{{"op":"add","path":"{POINTER}","value":"14000"}}]']
