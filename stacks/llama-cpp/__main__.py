"""llama-cpp: llama-swap fronting local GGUF models (two vision, one text) at one /v1 endpoint, on the shared GPU."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import content_hash, load_payload
from components.scheduled_job import OneOffJob, OneOffJobArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import Gpu, env, secret_env
from llama_swap import Model, models_json, swap_config

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "llama-cpp"
LABELS = {"app": "llama-cpp"}
SKIP_AWAIT = {"pulumi.com/skipAwait": "true"}
# An inference engine pinned by digest: a different llama.cpp build can silently emit garbage tokens.
IMAGE = "ghcr.io/mostlygeek/llama-swap@sha256:50c640b15d7914ba356eb1e034680907b6c25eff7bdbe0071d77b907abfc0e0b"

MODELS = {
    "qwen3vl-8b": Model(hf_repo="Qwen/Qwen3-VL-8B-Instruct-GGUF", gguf_pattern="*Q4_K_M*.gguf",
                        mmproj_pattern="*mmproj*.gguf", ctx_size=3072, gpu_layers=99, text_only=False),
    "qwen3vl-4b": Model(hf_repo="Qwen/Qwen3-VL-4B-Instruct-GGUF", gguf_pattern="*Q4_K_M*.gguf",
                        mmproj_pattern="*mmproj*.gguf", ctx_size=3072, gpu_layers=99, text_only=False),
    # Text-only triage and drafting model (recruiter-responder, paperless-ai).
    "qwen3-8b": Model(hf_repo="unsloth/Qwen3-8B-GGUF", gguf_pattern="*Q4_K_M*.gguf",
                      mmproj_pattern="", ctx_size=16384, gpu_layers=99, text_only=True),
}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_GPU, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

models = NfsVolume("llama-cpp-models", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs-ssd/llamacpp", storage="30Gi"), opts=ns_opts)
models_volume = {"name": "models", "persistent_volume_claim": {"claim_name": models.claim_name}}

# Fetches every model into /models/<name>/ (idempotent) and warms the page cache. No TTL: a
# finished Job that deleted itself would be created again by every later `up`. A new model
# changes MODELS_JSON, which replaces the Job and so downloads it.
download = OneOffJob("download-models", OneOffJobArgs(
    namespace=NS,
    labels=LABELS, pod_metadata={"labels": LABELS},
    annotations=SKIP_AWAIT,  # Terraform's wait_for_completion = false
    ignore_changes=["metadata.annotations"],
    backoff_limit=2,
    restart_policy="OnFailure",
    containers=[{
        "name": "download",
        "image": "python:3.12-slim",
        "command": ["/bin/bash", "-c", load_payload(HERE, "download-models.sh")],
        "env": [*env({"MODELS_JSON": models_json(MODELS), "HF_HUB_ENABLE_HF_TRANSFER": "0"}),
                # Anonymous downloads work; the token only avoids rate limits.
                *secret_env("hf-token", {"HF_TOKEN": "token"}, optional=True)],
        "volume_mounts": [{"name": "models", "mount_path": "/models"}],
        # One multi-GB file buffered by huggingface_hub plus the interpreter; 2Gi was not enough.
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "4Gi"}},
    }],
    volumes=[models_volume],
), opts=ns_opts)

config_text = swap_config(MODELS)
config = k8s.core.v1.ConfigMap(
    "llama-swap-config", metadata={"name": "llama-swap-config", "namespace": NS, "labels": LABELS},
    data={"config.yaml": config_text}, opts=ns_opts)

health = {"http_get": {"path": "/", "port": 8080}}
WebApp("llama-swap", WebAppArgs(
    namespace=NS,
    selector={**LABELS, "component": "llama-swap"},
    labels=LABELS, labels_include_selector=False,
    tier=c.TIER_GPU,
    # The digest is owned here; Keel's annotations and rollout bookkeeping are not.
    keel=True, keel_containers=(),
    # Terraform's wait_for_rollout = false: the pod may wait for GPU memory held by other tenants.
    annotations=SKIP_AWAIT,
    strategy="Recreate",
    pod_annotations={"checksum/config": content_hash([config_text])},
    # One time-slice of the shared T4 and a 5000 MiB share of its advertised VRAM budget; one model loads at a time.
    gpu=Gpu(devices=1, memory_mib=5000, node_label="gpu"),
    containers=[{
        "name": "llama-swap",
        "image": IMAGE,
        # No core dumps: a crashing llama-server once filled the node's disk with them.
        "command": ["/bin/sh", "-c", "ulimit -c 0 && exec /app/llama-swap -config /app/config.yaml -listen :8080"],
        "ports": [{"container_port": 8080, "name": "http"}],
        "volume_mounts": [{"name": "models", "mount_path": "/models"},
                          {"name": "config", "mount_path": "/app/config.yaml", "sub_path": "config.yaml"}],
        "readiness_probe": {**health, "initial_delay_seconds": 5, "period_seconds": 10, "failure_threshold": 6},
        "liveness_probe": {**health, "initial_delay_seconds": 30, "period_seconds": 30, "failure_threshold": 5},
        # The ephemeral-storage limit evicts this pod, not the node, if its writable layer runs away.
        "resources": {"requests": {"cpu": "200m", "memory": "2Gi", "ephemeral-storage": "1Gi"},
                      "limits": {"memory": "12Gi", "ephemeral-storage": "10Gi"}},
    }],
    volumes=[models_volume, {"name": "config", "config_map": {"name": config.metadata["name"]}}],
    service_labels=LABELS,
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, download]))

pulumi.export("endpoint", f"http://llama-swap.{NS}.svc.cluster.local:8080/v1")
