"""tts: Chatterbox text-to-speech for tripit's tour narration, on one slice of the shared T4.

The Deployment is declared at zero replicas and scaled 0<->1 at run time by four kubectl
CronJobs that check free VRAM first (nightly window up/down, an all-day guard that yields
the card, and a gate that follows tripit's narration queue). All four are suspended while
`chatterboxSchedulingEnabled` is false (the default, as upstream). The namespace must stay
excluded from Kyverno's gpu-workload priority injection, or the tier-2-gpu priority below
is overwritten and Chatterbox stops being the first pod evicted under GPU pressure.
"""

import base64
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import content_hash, load_payload
from components.scheduled_job import OneOffJob, OneOffJobArgs, ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.tf_encoding import jsonencode, yamlencode
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu, deployment_ignore_changes, env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
config = pulumi.Config()
NS = "tts"
NAME = "chatterbox-tts"
LABELS = {"app": NAME}
IMAGE = f"ghcr.io/viktorbarzin/chatterbox-tts:{config.get('imageTag') or '915ae289'}"
NFS_SSD = "192.168.1.127"
# Free VRAM the gate needs before starting Chatterbox (and the guard's yield line), and the card's size.
VRAM_FREE_FLOOR_BYTES = config.get_int("vramFreeFloorBytes") or 6442450944
GPU_TOTAL_BYTES = config.get_int("gpuTotalBytes") or 17179869184
scheduling_enabled = config.get_bool("chatterboxSchedulingEnabled") or False
OFFPEAK_JOBS = {
    "chatterbox-window-up": (config.get("offpeakWindowUpSchedule") or "0 2 * * *", "up"),
    "chatterbox-window-down": (config.get("offpeakWindowDownSchedule") or "0 6 * * *", "down"),
    "chatterbox-vram-guard": (config.get("offpeakGuardSchedule") or "*/5 * * * *", "guard"),
    "chatterbox-demand-gate": ("*/3 * * * *", "demand"),
}
TRIPIT_QUEUE_URL = "http://tripit.tripit.svc.cluster.local:8080/api/tour/tts-queue"

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_GPU, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

models = NfsVolume("chatterbox-models", NfsVolumeArgs(
    namespace=NS, nfs_server=NFS_SSD, nfs_path="/srv/nfs-ssd/chatterbox", storage="20Gi"), opts=ns_opts)

# The export's chatterbox subdirectory has to exist before kubelet can mount the claim:
# mount the export root once and create it.
OneOffJob("chatterbox-models-dir-init", OneOffJobArgs(
    namespace=NS, backoff_limit=3, ttl_seconds_after_finished=86400,
    labels=LABELS, pod_metadata={"labels": LABELS},
    containers=[{
        "name": "mkdir", "image": "busybox:1.37",
        "command": ["sh", "-c", "mkdir -p /mnt/chatterbox/hf_cache /mnt/chatterbox/reference_audio && ls -la /mnt/chatterbox"],
        "volume_mounts": [{"name": "nfs-ssd-root", "mount_path": "/mnt"}],
    }],
    volumes=[{"name": "nfs-ssd-root", "nfs": {"server": NFS_SSD, "path": "/srv/nfs-ssd"}}],
), opts=pulumi.ResourceOptions(depends_on=[namespace], custom_timeouts=pulumi.CustomTimeouts(create="3m")))

# The image is private on ghcr; the pull token lives in Vault.
def _pull_config(token: str) -> str:
    basic = base64.b64encode(f"ViktorBarzin:{token}".encode()).decode()
    return jsonencode({"auths": {"ghcr.io": {"username": "ViktorBarzin", "password": token, "auth": basic}}})


pull_secret = k8s.core.v1.Secret(
    "ghcr-credentials",
    metadata={"name": "ghcr-credentials", "namespace": NS},
    type="kubernetes.io/dockerconfigjson",
    string_data={".dockerconfigjson": vault_field("viktor", "github_pat").apply(_pull_config)},
    opts=ns_opts,
)

# The server reads /app/config.yaml. Voices come from the image's bundled set; reference
# audio and the HuggingFace cache live on the claim. The pods carry the file's SHA-256.
CHATTERBOX_CONFIG = yamlencode({
    "server": {"host": "0.0.0.0", "port": 8004},
    "model": {"repo_id": "chatterbox-multilingual"},
    "tts_engine": {"device": "cuda", "predefined_voices_path": "/app/voices",
                   "reference_audio_path": "/data/reference_audio"},
})
chatterbox_config = k8s.core.v1.ConfigMap(
    "chatterbox-config",
    metadata={"name": "chatterbox-config", "namespace": NS, "labels": LABELS},
    data={"config.yaml": CHATTERBOX_CONFIG},
    opts=ns_opts,
)

# TCP probes on purpose: synthesis blocks the server's event loop for minutes, so an HTTP
# probe would kill a busy pod; uvicorn binds the port only once the model is loaded.
TCP = {"tcp_socket": {"port": 8004}}
WebApp(NAME, WebAppArgs(
    namespace=NS,
    tier=c.TIER_GPU,
    replicas=0,  # the CronJobs own the count at run time; `up` must not wake the card
    strategy="Recreate",
    annotations={"pulumi.com/skipAwait": "true"},  # Terraform's wait_for_rollout = false: zero replicas never roll out
    pod_annotations={"checksum/config": content_hash([CHATTERBOX_CONFIG])},
    # One time-slice of the T4 (the operator advertises 100), not the whole card.
    gpu=Gpu(devices=1),
    # The regular GPU tier, below the residents (immich-ml, frigate, llama-swap): evicted first.
    pod_spec={"priority_class_name": "tier-2-gpu",
              "image_pull_secrets": [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]},
    init_containers=[{
        "name": "seed-stem-voices", "image": IMAGE,
        "command": ["sh", "-c", load_payload(HERE, "seed-stem-voices.sh")],
        "volume_mounts": [{"name": "models", "mount_path": "/data"}],
    }],
    containers=[{
        "name": NAME, "image": IMAGE,
        "ports": [{"container_port": 8004, "name": "http"}],
        # The T4 has no bf16; the HuggingFace cache goes to the claim so weights survive restarts.
        "env": env({"TTS_BF16": "off", "HF_HOME": "/data/hf_cache", "HF_HUB_CACHE": "/data/hf_cache"}),
        "volume_mounts": [{"name": "config", "mount_path": "/app/config.yaml", "sub_path": "config.yaml"},
                          {"name": "models", "mount_path": "/data"}],
        "readiness_probe": {**TCP, "initial_delay_seconds": 20, "period_seconds": 15, "failure_threshold": 12},
        "liveness_probe": {**TCP, "initial_delay_seconds": 120, "period_seconds": 30, "failure_threshold": 5},
        "resources": {"requests": {"cpu": "200m", "memory": "2Gi"}, "limits": {"memory": "8Gi"}},
    }],
    volumes=[{"name": "config", "config_map": {"name": chatterbox_config.metadata["name"]}},
             {"name": "models", "persistent_volume_claim": {"claim_name": models.claim_name}}],
    # Upstream's ignore list is the Keel preset's (annotations, rollout bookkeeping, the image),
    # though the tag is pinned here: Keel cannot poll the private ghcr repository.
    keel=True,
    ignore_changes=["spec.replicas"],
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/path": "/v1/audio/voices",
                         "prometheus.io/port": "8000"},
    # tripit's default TTS_BASE_URL uses port 8000; the server listens on 8004.
    service_ports=[{"name": "http", "port": 8000, "target_port": 8004}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, pull_secret]))

# One account for the four jobs: reading and scaling the Deployment is all they do.
offpeak = WorkloadRbac("chatterbox-offpeak", WorkloadRbacArgs(
    namespace=NS,
    rules=[Rule(api_groups=["apps"], resources=["deployments", "deployments/scale"], verbs=["get", "patch"])],
), opts=ns_opts)

VRAM_GATE = load_payload(HERE, "vram-gate.sh")
for job_name, (schedule, action) in OFFPEAK_JOBS.items():
    ScheduledJob(job_name, ScheduledJobArgs(
        namespace=NS,
        schedule=schedule,
        time_zone="Europe/London",
        # All or nothing: window-up firing without the guard would hold the card with no one to yield it.
        suspend=not scheduling_enabled,
        concurrency_policy="Forbid",
        starting_deadline_seconds=120,
        successful_jobs_history_limit=1,
        failed_jobs_history_limit=3,
        backoff_limit=1,
        active_deadline_seconds=120,
        ttl_seconds_after_finished=300,
        labels=LABELS,
        job_metadata={"labels": LABELS},
        pod_metadata={"labels": LABELS},
        service_account_name=offpeak.service_account_name,
        containers=[{
            "name": "vram-gate", "image": c.KUBECTL_IMAGE,
            "command": ["/bin/bash", "-c", VRAM_GATE],
            "env": env({"ACTION": action, "FLOOR": VRAM_FREE_FLOOR_BYTES, "GPU_TOTAL": GPU_TOTAL_BYTES,
                        "QUEUE_URL": TRIPIT_QUEUE_URL}),
            "resources": {"requests": {"cpu": "20m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
        }],
    ), opts=ns_opts)

pulumi.export("service", f"{NAME}.{NS}.svc.cluster.local:8000")
