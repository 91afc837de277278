"""Android emulator: a shared Android test device in the cluster, woken on demand.

Agents drive it over adb on the shared MetalLB address (port 5555, LAN only); people watch
the screen through noVNC at android-emulator.<lan|domain>. A small wake gate owns `/` on
both hosts and scales the emulator up on a visit; a CronJob scales it back to zero after
six idle hours. The SDK, system image and AVD live on a claim, so a wake boots in about a
minute.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu, env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
settings = ClusterSettings.load()
# Built by the image repository's CI from its docker/ directory; `latest` tracks the newest build.
image_tag = pulumi.Config().get("image_tag") or "latest"
NS = "android-emulator"
EMULATOR = "android-emulator"
GATE = "android-emulator-gate"
LAN_DOMAIN = "viktorbarzin.lan"
# noVNC's page, its ES modules and its websocket go straight to the emulator; everything
# else on the host reaches the gate, so a visit to `/` wakes a sleeping emulator.
NOVNC_PATHS = ["/vnc.html", "/app", "/core", "/vendor", "/websockify", "/package.json",
               "/defaults.json", "/mandatory.json"]
BOOTED = {"exec": {"command": ["/bin/bash", "-c",
                               "/sdk/platform-tools/adb shell getprop sys.boot_completed | grep -q 1"]}}
# Kyverno copies the namespace tier onto both Deployments.
KYVERNO_TIER = 'metadata.labels["tier"]'
adb_address = settings.shared_lb(legacy_annotation=True)

# The namespace is on the Kyverno pod-security exclude list (components.constants): the
# emulator runs privileged to reach /dev/kvm.
namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={"istio-injection": "disabled"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Downloads and caches only (SDK, system image, AVD, snapshots): rebuilt on the next boot
# when wiped, hence no backup job.
sdk = ProxmoxVolume("android-emulator-sdk", ProxmoxVolumeArgs(
    namespace=NS, storage="30Gi", storage_limit="60Gi", increase="50%", storage_class="proxmox-lvm"), opts=ns_opts)

WebApp(EMULATOR, WebAppArgs(
    namespace=NS,
    # Scaled between 0 and 1 by the gate and the idle sleeper, never by a deploy: at 0 when
    # idle because its CPU burn once starved etcd on the shared Proxmox host.
    replicas=0,
    strategy="Recreate",  # the RWO claim must be released before the next pod mounts it
    keel=True,
    ignore_changes=["spec.replicas", KYVERNO_TIER],
    # One time-slice of the shared T4, without a VRAM budget (upstream claims none).
    gpu=Gpu(devices=1),
    pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}]},
    containers=[{
        "name": "emulator",
        "image": f"ghcr.io/viktorbarzin/android-emulator:{image_tag}",
        "security_context": {"privileged": True},  # /dev/kvm
        # The GPU operator grants compute,utility only; the emulator's host GL needs graphics.
        "env": env({"NVIDIA_DRIVER_CAPABILITIES": "all"}),
        "ports": [{"name": "adb", "container_port": 5555}, {"name": "novnc", "container_port": 6080}],
        "volume_mounts": [{"name": "sdk", "mount_path": "/sdk"}, {"name": "kvm", "mount_path": "/dev/kvm"}],
        # No CPU limit (CFS throttling); memory requests stay under the tier-1 namespace quota
        # while the limit leaves room for qemu, the VNC stack and a first-boot sdkmanager.
        "resources": {"requests": {"cpu": "2", "memory": "3Gi"}, "limits": {"memory": "8Gi"}},
        # A first boot downloads the system image: up to 30 minutes before the pod fails.
        "startup_probe": {**BOOTED, "period_seconds": 20, "failure_threshold": 90},
        "readiness_probe": {**BOOTED, "period_seconds": 30, "failure_threshold": 3},
        # Lenient, so a hiccup does not reboot the device in the middle of a test.
        "liveness_probe": {**BOOTED, "period_seconds": 60, "failure_threshold": 10},
    }],
    volumes=[{"name": "sdk", "persistent_volume_claim": {"claim_name": sdk.claim_name}},
             {"name": "kvm", "host_path": {"path": "/dev/kvm", "type": "CharDevice"}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 6080}],  # noVNC
), opts=ns_opts)

# adb has no authentication: this address is for the LAN only (see docs/security.md).
k8s.core.v1.Service(
    "android-emulator-adb",
    metadata={"name": "android-emulator-adb", "namespace": NS, "annotations": adb_address.annotations},
    spec={"type": "LoadBalancer", "selector": {"app": EMULATOR},
          "ports": [{"name": "adb", "port": 5555, "target_port": 5555}]},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=adb_address.ignore_changes),
)

# --- wake gate and idle sleeper: one account that can read and scale the emulator ----------
gate_rbac = WorkloadRbac(GATE, WorkloadRbacArgs(
    namespace=NS,
    rules=[Rule(api_groups=["apps"], resources=["deployments"], resource_names=[EMULATOR], verbs=["get", "patch"]),
           Rule(api_groups=[""], resources=["pods"], verbs=["get", "list"]),
           Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"])],
), opts=ns_opts)

gate_script = PayloadConfigMap(GATE, PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"gate.py": "gate.py"},
    hash_annotation="checksum/gate", hash_algorithm="sha1",
), opts=ns_opts)

WebApp(GATE, WebAppArgs(
    namespace=NS,
    keel=True,
    ignore_changes=[KYVERNO_TIER],
    pod_annotations=gate_script.pod_annotations,
    pod_spec={"service_account_name": gate_rbac.service_account_name},
    containers=[{
        "name": "gate",
        "image": "python:3.12-alpine",
        "command": ["python", "/app/gate.py"],
        "env": env({"NAMESPACE": NS, "DEPLOYMENT": EMULATOR}),
        "ports": [{"container_port": 8080}],
        "volume_mounts": [{"name": "app", "mount_path": "/app"}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
        "readiness_probe": {"http_get": {"path": "/healthz", "port": 8080}, "period_seconds": 10},
    }],
    volumes=[gate_script.volume("app")],
    service_labels={},
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

# Runs as the gate's account (a KubectlJob would bring an account of its own): it needs the
# same reads, the exec into the emulator pod and the replicas patch.
ScheduledJob("android-emulator-idle-sleeper", ScheduledJobArgs(
    namespace=NS,
    schedule="*/15 * * * *",
    successful_jobs_history_limit=1,
    failed_jobs_history_limit=2,
    backoff_limit=0,
    ttl_seconds_after_finished=3600,
    job_metadata={},
    pod_metadata={},
    service_account_name=gate_rbac.service_account_name,
    containers=[{
        "name": "sleeper",
        "image": c.KUBECTL_IMAGE,
        "command": ["/bin/bash", "-c"],
        "args": [load_payload(HERE, "idle-sleeper.sh")],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }],
), opts=ns_opts)

# --- ingresses: the same layout on the LAN host (local only, no login) and the public one --
LAN_REASON = ("LAN-only (local-only allowlist) wake gate and screen of a shared test device with no user data; "
              "agents reach it with cookie-less curl, and forward-auth would break the noVNC websocket")
NO_TILE = {"gethomepage.dev/enabled": "false"}
IngressFactory("android-emulator", IngressArgs(
    namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=LAN_DOMAIN, dns=settings.dns,
    service_name=GATE, auth="none", auth_reason=LAN_REASON, allow_local_access_only=True,
    extra_annotations=NO_TILE,
), opts=ns_opts)
IngressFactory("android-emulator-novnc", IngressArgs(
    namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=LAN_DOMAIN, dns=settings.dns,
    host="android-emulator", service_name=EMULATOR, ingress_path=NOVNC_PATHS,
    auth="none", auth_reason=LAN_REASON, allow_local_access_only=True,
    # noVNC loads about 60 ES modules at once: the default limiter rejects the tail and the
    # page never finishes loading, so these paths get a roomier limiter of their own.
    skip_default_rate_limit=True, extra_middlewares=[c.MW_ANDROID_EMULATOR_RATE_LIMIT],
    extra_annotations=NO_TILE,
), opts=ns_opts)
# Off the LAN, Authentik gates both; adb stays LAN-only.
public = IngressFactory("android-emulator-public", IngressArgs.on_cluster(
    settings,
    namespace=NS, host="android-emulator", service_name=GATE, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/description": "Shared Android testing instance (adb + noVNC)",
                       "gethomepage.dev/icon": "android.png", "gethomepage.dev/name": "Android Emulator"},
), opts=ns_opts)
IngressFactory("android-emulator-public-novnc", IngressArgs.on_cluster(
    settings,
    namespace=NS, host="android-emulator", service_name=EMULATOR, ingress_path=NOVNC_PATHS, auth="required",
    homepage_enabled=False,
    skip_default_rate_limit=True, extra_middlewares=[c.MW_ANDROID_EMULATOR_RATE_LIMIT],
), opts=ns_opts)

pulumi.export("host", public.host)
