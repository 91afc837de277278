"""NVIDIA GPU operator on the one time-sliced Tesla T4, and what keeps its tenants in line.

The operator chart installs the driver, the device plugin (100 time slices of
`nvidia.com/gpu`), feature discovery and DCGM. The GPU node is tainted so that only GPU
tenants schedule there. Slices say nothing about memory, so the node also advertises a VRAM
budget, `viktorbarzin.me/gpumem` (MiB), which every tenant claims in its limits: the
scheduler then refuses to overbook the card. At run time a per-pod VRAM exporter feeds a
watchdog that recycles the tenant furthest over its claim when free VRAM runs low.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.kube_patch import kubectl_command
from components.kubectl_job import KubectlJob, KubectlJobArgs
from components.namespace import LimitRange, Namespace, NamespaceArgs, Quota
from components.node_agent import NodeAgent, NodeAgentArgs
from components.payload import load_payload, offline_synth
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import GPU_MEMORY_RESOURCE, GPU_NODE_LABEL, GPU_RESOURCE, env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
settings = ClusterSettings.load()
config = pulumi.Config()
NS = "nvidia"
TIME_SLICING = "time-slicing-config"
# Schedulable VRAM budget: the card's 15360 MiB less ~1.4 GiB for the driver, CUDA contexts and
# the exporter. Every tenant's gpumem limit adds up to at most this (components.workload.Gpu).
GPUMEM_TOTAL_MIB = 14000
# The watchdog works on the physical framebuffer and only acts below the floor.
GPU_TOTAL_MIB = 15360
FLOOR_MIB = 1536
# Observe first: the watchdog logs the pod it would delete until this is set to false.
WATCHDOG_DRY_RUN = config.get_bool("watchdog_dry_run") is not False
GPU_TOLERATION = {"key": GPU_RESOURCE, "operator": "Equal", "value": "true", "effect": "NoSchedule"}

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_GPU,
    labels={"istio-injection": "disabled"},
    # Kyverno's 2-gpu default (1Gi per container) would inflate the operator's init containers.
    limit_range=LimitRange(name="tier-defaults", limits=[{
        "type": "Container",
        "default": {"memory": "128Mi"},
        "default_request": {"cpu": "50m", "memory": "128Mi"},
        "max": {"memory": "16Gi"},
    }]),
    quota=Quota(name="tier-quota", hard={"limits.memory": "48Gi", "requests.cpu": "8",
                                         "requests.memory": "12Gi", "pods": "40"}),
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- the GPU node's taint -------------------------------------------------------------------
# A loop over the nodes NFD labels, adding one taint and removing one: node_patch cannot say
# that (README, "Node taint").
kubectl_command(
    "gpu-node-taint",
    script=load_payload(HERE, "gpu-taint.sh"),
    # Upstream's trigger keys; bump command_hash to re-run by hand.
    triggers={"namespace": NS, "command_hash": "dynamic-taint-v3-noschedule-remove-prefer"},
    rerun_safe="removing an absent taint is ignored and `kubectl taint --overwrite` sets the same taint again",
    opts=ns_opts,
)

# --- the operator ---------------------------------------------------------------------------
# The device plugin's sharing config: 100 slices of the one card, no renaming.
time_slicing = k8s.core.v1.ConfigMap(
    "time-slicing-config",
    metadata={"name": TIME_SLICING, "namespace": NS},
    data={"any": (
        "flags:\n"
        "  migStrategy: none\n"
        "sharing:\n"
        "  timeSlicing:\n"
        "    renameByDefault: false\n"
        "    failRequestsGreaterThanOne: false\n"
        "    resources:\n"
        "      - name: nvidia.com/gpu\n"
        "        replicas: 100\n"
    )},
    opts=ns_opts,
)

# Chart v25.10.1 and driver 570.195.03 stay pinned until NVIDIA publishes ubuntu26.04 driver
# images (README). Values as live, including where upstream nested them (README).
release = HelmRelease("nvidia-gpu-operator", HelmReleaseArgs(
    namespace=NS,
    repository="https://helm.ngc.nvidia.com/nvidia",
    chart="gpu-operator",
    version="v25.10.1",
    timeout=6000,
    values={
        "driver": {
            "enabled": True,
            "version": "570.195.03",
            "upgradePolicy": {"autoUpgrade": False},
            # Installing kernel headers and building the module peaks near 1.4 GiB.
            "resources": {"requests": {"cpu": "50m", "memory": "822Mi"}, "limits": {"memory": "2Gi"}},
            # The full install (headers, module build, installer) takes ~21 minutes on the GPU node.
            "startupProbe": {"failureThreshold": 300},
            "devicePlugin": {"config": {"name": TIME_SLICING}},
        },
        "dcgmExporter": {"resources": {"requests": {"memory": "768Mi"}, "limits": {"memory": "768Mi"}}},
        "validator": {"resources": {"requests": {"memory": "256Mi"}, "limits": {"memory": "256Mi"}}},
        "daemonsets": {"tolerations": [GPU_TOLERATION]},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace, time_slicing]))
after_release = pulumi.ResourceOptions(depends_on=[release])

# The stable metrics endpoint Home Assistant and Prometheus use, in front of the operator's
# own dcgm-exporter pods.
k8s.core.v1.Service(
    "nvidia-exporter",
    metadata={"name": "nvidia-exporter", "namespace": NS, "labels": {"app": "nvidia-exporter"}},
    spec={"selector": {"app": "nvidia-dcgm-exporter"},
          "ports": [{"name": "http", "port": 80, "target_port": 9400}]},
    opts=ns_opts,
)
IngressFactory("nvidia-exporter", IngressArgs(
    namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain="viktorbarzin.lan", dns=settings.dns,
    auth="none",
    auth_reason="LAN-only (local-only allowlist): Home Assistant's REST sensors poll /metrics and cannot "
                "follow a forward-auth redirect",
    allow_local_access_only=True,
    extra_annotations={"gethomepage.dev/description": "GPU metrics exporter", "gethomepage.dev/icon": "nvidia.png"},
), opts=ns_opts)

# --- per-pod VRAM exporter ------------------------------------------------------------------
exporter_script = PayloadConfigMap("gpu-pod-exporter-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"exporter.py": "exporter.py"}), opts=ns_opts)
exporter_rbac = WorkloadRbac("gpu-pod-exporter", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["list"])]), opts=ns_opts)

# hostPID and the host's /proc: the exporter maps nvidia-smi's PIDs to containers by cgroup.
NodeAgent("gpu-pod-exporter", NodeAgentArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    keel=True,
    host_pid=True,
    host_paths=True,
    tolerations=[GPU_TOLERATION],
    pod_spec={
        "service_account_name": exporter_rbac.service_account_name,
        "node_selector": {GPU_NODE_LABEL: "true"},
        "dns_config": {"options": [{"name": "ndots", "value": "2"}]},
    },
    containers=[{
        "name": "exporter",
        "image": "python:3.11-slim",
        "command": ["/bin/bash", "-c"],
        "args": ["python3 /scripts/exporter.py"],
        "env": [{"name": "NODE_NAME", "value_from": {"field_ref": {"field_path": "spec.nodeName"}}}],
        "ports": [{"container_port": 9401, "name": "metrics"}],
        "volume_mounts": [{"name": "scripts", "mount_path": "/scripts", "read_only": True},
                          {"name": "host-proc", "mount_path": "/host_proc", "read_only": True}],
        # One time slice: nvidia-smi needs the device.
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"},
                      "limits": {"memory": "128Mi", GPU_RESOURCE: "1"}},
        "liveness_probe": {"http_get": {"path": "/health", "port": 9401}, "initial_delay_seconds": 30,
                           "period_seconds": 30, "timeout_seconds": 5},
    }],
    volumes=[exporter_script.volume("scripts", default_mode=0o755),
             {"name": "host-proc", "host_path": {"path": "/proc", "type": "Directory"}}],
), opts=after_release)

exporter_service = k8s.core.v1.Service(
    "gpu-pod-exporter",
    metadata={"name": "gpu-pod-exporter", "namespace": NS, "labels": {"app": "gpu-pod-exporter"}},
    spec={"selector": {"app": "gpu-pod-exporter"},
          "ports": [{"name": "metrics", "port": 80, "target_port": 9401}]},
    opts=ns_opts,
)

# --- VRAM budget ----------------------------------------------------------------------------
# The extended resource's capacity, as a JSON pointer ('/' escaped as '~1').
GPUMEM_POINTER = f"/status/capacity/{GPU_MEMORY_RESOURCE.replace('/', '~1')}"


def advertise_script(verb: str) -> str:
    """The advertise loop with the budget filled in; ``verb`` is what it logs per node."""
    text = load_payload(HERE, "advertise-gpumem.sh")
    for token, value in (("@VERB@", verb), ("@RESOURCE@", GPU_MEMORY_RESOURCE),
                         ("@TOTAL_MIB@", str(GPUMEM_TOTAL_MIB)), ("@POINTER@", GPUMEM_POINTER)):
        text = text.replace(token, value)
    return text


# Once at apply time, after the operator's feature discovery has labelled the GPU node: a
# consumer stack's pods claiming gpumem stay Pending until a node advertises it.
advertise = kubectl_command(
    "advertise-gpumem",
    script=advertise_script("advertising"),
    triggers={"gpumem_total": GPUMEM_TOTAL_MIB, "resource": GPU_MEMORY_RESOURCE,
              "command_hash": "advertise-gpumem-v1"},
    rerun_safe="`op: add` on the existing capacity key writes the same value again",
    opts=after_release,
)

# Hourly in the cluster too: a node that re-registers loses hand-advertised capacity. The rules
# are upstream's, broader than the script needs (SEC-129).
KubectlJob("gpumem-reconcile", KubectlJobArgs(
    role_kind="ClusterRole",
    rules=[Rule(api_groups=[""], resources=["nodes"], verbs=["get", "list", "patch"]),
           Rule(api_groups=[""], resources=["nodes/status"], verbs=["get", "patch", "update"])],
    job=ScheduledJobArgs(
        namespace=NS,
        schedule="0 * * * *",
        concurrency_policy="Forbid",
        successful_jobs_history_limit=1,
        failed_jobs_history_limit=1,
        backoff_limit=1,
        ttl_seconds_after_finished=300,
        labels={"app": "gpumem-reconcile", c.TIER_LABEL: c.TIER_GPU},
        job_metadata={"labels": {"app": "gpumem-reconcile"}},
        pod_metadata={"labels": {"app": "gpumem-reconcile"}},
        containers=[{
            "name": "reconcile",
            "image": c.KUBECTL_IMAGE,
            "command": ["/bin/bash", "-c"],
            "args": [advertise_script("re-asserting")],
            "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
        }],
    ),
), opts=pulumi.ResourceOptions(depends_on=[advertise]))

# --- VRAM watchdog --------------------------------------------------------------------------
watchdog_script = PayloadConfigMap("gpu-vram-watchdog-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"watchdog.py": "watchdog.py"}), opts=ns_opts)
# Finds the GPU node, reads the pods there, deletes the one over its budget. Delete is
# cluster-wide; the script only ever targets a GPU-node pod over its gpumem claim (SEC-128).
watchdog_rbac = WorkloadRbac("gpu-vram-watchdog", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    rules=[Rule(api_groups=[""], resources=["nodes"], verbs=["get", "list"]),
           Rule(api_groups=[""], resources=["pods"], verbs=["get", "list"]),
           Rule(api_groups=[""], resources=["pods"], verbs=["delete"])]), opts=ns_opts)


def exporter_url(cluster_ip: str | None) -> str:
    """The exporter's metrics URL; the offline synth has no ClusterIP and says so."""
    if not cluster_ip and offline_synth():
        return "http://[unknown]:80/metrics"
    return f"http://{cluster_ip}:80/metrics"


# One long-running pod with its own sleep loop rather than a per-minute CronJob (no pod churn).
WebApp("gpu-vram-watchdog", WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    keel=True,
    strategy="Recreate",
    pod_spec={"service_account_name": watchdog_rbac.service_account_name},
    containers=[{
        "name": "watchdog",
        "image": "python:3.12-alpine",
        "command": ["python3", "/scripts/watchdog.py"],
        "env": [
            *env({"GPUMEM_RESOURCE": GPU_MEMORY_RESOURCE, "GPU_TOTAL_MIB": GPU_TOTAL_MIB,
                  "FLOOR_MIB": FLOOR_MIB, "DRY_RUN": WATCHDOG_DRY_RUN}),
            # The exporter by ClusterIP: the name did not resolve from this namespace upstream.
            {"name": "EXPORTER_URL", "value": exporter_service.spec.cluster_ip.apply(exporter_url)},
        ],
        "volume_mounts": [{"name": "script", "mount_path": "/scripts", "read_only": True}],
        "resources": {"requests": {"cpu": "10m", "memory": "96Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[watchdog_script.volume("script", default_mode=0o755)],
), opts=pulumi.ResourceOptions(depends_on=[namespace, watchdog_rbac]))

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
pulumi.export("gpumem_total_mib", GPUMEM_TOTAL_MIB)
