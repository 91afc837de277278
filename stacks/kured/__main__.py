"""kured: reboots nodes that ask for it, one at a time, inside a night window, only through a health gate.

Unattended upgrades leave /var/run/reboot-required on a host. kured does not watch that
file: its sentinel is /var/run/gated-reboot-required, which the kured-sentinel-gate
DaemonSet creates on a node only while every node is Ready, every calico-node pod is
Running and no node became Ready within the last day. kured also holds while any
Prometheus alert outside its ignore-list fires.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs
from components.node_agent import NodeAgent, NodeAgentArgs
from components.payload import load_payload
from components.secret_inputs import vault_field
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
NS = "kured"
GATE = "kured-sentinel-gate"
# kured derives its hostPath from the sentinel's directory, so this one path is both where
# kured looks in its pod and the host directory the gate writes into.
SENTINEL = "/var/run/gated-reboot-required"
CONTROL_PLANE_TAINTS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

release = HelmRelease("kured", HelmReleaseArgs(
    namespace=NS,
    repository="https://kubereboot.github.io/charts/",
    chart="kured",
    version="5.11.0",
    values={
        "configuration": {
            "period": "1h0m0s",
            "timeZone": "Europe/London",
            "startTime": "02:00",
            "endTime": "06:00",
            "rebootDays": ["mo", "tu", "we", "th", "fr", "sa", "su"],
            "rebootSentinel": SENTINEL,
            "notifyUrl": vault_field("kured", "slack_kured_webhook"),
            "concurrency": 1,
            "rebootDelay": "30s",
            # A drain stuck on a PDB gives up after this instead of cordoning the node for good.
            "drainTimeout": "30m",
            # Every firing alert halts the rollout except these, which fire by design or
            # because of kured itself (alertFilterMatchOnly false: the regexp lists the ignored).
            "prometheusUrl": "http://prometheus-server.monitoring.svc.cluster.local:80",
            "alertFilterRegexp": "^(Watchdog|RebootRequired|KuredNodeWasNotDrained|InfoInhibitor|KernelOOMKiller)$",
            "alertFiringOnly": True,
            "alertFilterMatchOnly": False,
        },
        # Kept as live beside `configuration`, whose startTime/endTime/rebootDays are the window
        # kured is given; do not read these as the schedule.
        "reboot_days": "mon,tue,wed,thu,fri,sat,sun",
        "window_end": "06:00",
        "window_start": "22:00",
        "service": {"annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "8080",
                                    "prometheus.io/path": "/metrics"}},
        # Setting tolerations replaces the chart's control-plane defaults, so they are listed
        # again beside the GPU node's taint.
        "tolerations": [*({"key": key, "effect": "NoSchedule"} for key in CONTROL_PLANE_TAINTS), GPU_TOLERATION],
    },
), opts=ns_opts)

# The gate reads node and pod state with kubectl, so its token is mounted.
rbac = WorkloadRbac(GATE, WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole", automount_service_account_token=True,
    rules=[Rule(api_groups=[""], resources=["nodes"], verbs=["list"]),
           Rule(api_groups=[""], resources=["pods"], verbs=["list"])],
), opts=ns_opts)

NodeAgent(GATE, NodeAgentArgs(
    namespace=NS,
    tier=c.TIER_CLUSTER,
    keel=True,
    tolerations=[*({"effect": "NoSchedule", "key": key, "operator": "Equal"} for key in CONTROL_PLANE_TAINTS),
                 GPU_TOLERATION],
    host_paths=True,
    volumes=[{"name": "var-run", "host_path": {"path": "/var/run", "type": "Directory"}}],
    pod_spec={
        "service_account_name": rbac.service_account_name,
        "automount_service_account_token": True,
        "enable_service_links": False,
        # The image runs as uid 1001; the host's /var/run is root-owned.
        "security_context": {"run_as_user": 0},
    },
    containers=[{
        "name": "gate",
        "image": "bitnami/kubectl:latest",
        "image_pull_policy": "Always",
        "command": ["/bin/bash", "-c", load_payload(HERE, "sentinel-gate.sh")],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "512Mi"}},
        "volume_mounts": [{"name": "var-run", "mount_path": "/host/var-run"}],
    }],
    moved_from={"daemonset": GATE},
), opts=ns_opts)

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
