"""Paperless-AI: tags Paperless-ngx documents and answers questions over them with the local llama-swap models."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "paperless-ai"
SECRETS = "paperless-ai-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# secret/paperless-ai: the Paperless API token, the UI<->RAG key, and llama-swap's (unchecked) bearer.
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["paperless-ai"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
# SQLite, the vector store and the embedding model cache: document-derived, so encrypted.
data = ProxmoxVolume("paperless-ai-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="10Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

node_port = {"tcp_socket": {"port": 3000}}  # `/` redirects to setup or login, so probe the port
WebApp("paperless-ai", WebAppArgs(
    namespace=NS,
    tier=c.TIER_EDGE,
    keel=True,
    # The multi-GB image's first pull outlasts a rollout wait (Terraform's wait_for_rollout = false).
    annotations={"reloader.stakater.com/auto": "true", "pulumi.com/skipAwait": "true"},
    strategy="Recreate",  # one pod on the RWO claim
    pod_spec={"security_context": {"fs_group": 1000}},
    containers=[{
        "name": "paperless-ai",
        "image": "docker.io/clusterzx/paperless-ai:3.0.9",
        "ports": [{"container_port": 3000, "name": "http"}, {"container_port": 8000, "name": "rag"}],
        # Behaviour lives in the app's own .env on the claim; env set here would shadow it, so only
        # infrastructure settings and the Vault copies of its secrets are passed.
        "env": [
            *env({"PUID": "1000", "PGID": "1000", "PAPERLESS_AI_PORT": "3000", "RAG_SERVICE_URL": "http://localhost:8000",
                  "RAG_SERVICE_ENABLED": "true", "HF_HOME": "/app/data/hf-cache",
                  "SENTENCE_TRANSFORMERS_HOME": "/app/data/st-cache"}),
            *secret_env(SECRETS, {"PAPERLESS_API_TOKEN": "paperless_api_token", "CUSTOM_API_KEY": "custom_api_key",
                                  "API_KEY": "api_key"}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/app/data"}],
        # Both halves of the pod load the whole corpus at start; 8Gi is the edge tier's ceiling.
        "resources": {"requests": {"cpu": "200m", "memory": "2Gi"}, "limits": {"memory": "8Gi"}},
        "startup_probe": {**node_port, "failure_threshold": 60, "period_seconds": 5},
        "readiness_probe": {**node_port, "initial_delay_seconds": 10, "period_seconds": 15},
        "liveness_probe": {**node_port, "initial_delay_seconds": 60, "period_seconds": 30},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000, "protocol": "TCP"}],
), opts=ns_opts)

ingress = IngressFactory("paperless-ai", IngressArgs.on_cluster(
    settings,
    namespace=NS, service_name="paperless-ai", host="paperless-ai", port=80,
    auth="required", dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/description": "AI document search & tagging",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/icon": "paperless-ngx.png",
        "gethomepage.dev/name": "Paperless-AI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# Nightly: index the documents the semantic search has not seen yet (before the 05:00 host backup).
REFRESH = ("curl -sf --max-time 120 -X POST -H \"Content-Type: application/json\" -H \"x-api-key: ${API_KEY}\" "
           "-d '{\"force\":false}' http://paperless-ai.paperless-ai.svc.cluster.local/api/rag/index")
ScheduledJob("rag-index-refresh", ScheduledJobArgs(
    namespace=NS,
    labels={"app": "paperless-ai"},
    schedule="30 4 * * *",
    concurrency_policy="Forbid",
    successful_jobs_history_limit=1,
    failed_jobs_history_limit=2,
    job_metadata={}, pod_metadata={},
    backoff_limit=1,
    containers=[{
        "name": "refresh",
        "image": "curlimages/curl:latest",
        "command": ["/bin/sh", "-c", REFRESH],
        "env": secret_env(SECRETS, {"API_KEY": "api_key"}),
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
    }],
), opts=ns_opts)

pulumi.export("host", ingress.host)
