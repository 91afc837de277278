"""uptime-kuma: the status and monitoring UI, and two CronJobs that keep its monitors in sync.

The external sync lists every Ingress in the cluster (a ClusterRole reading ingresses) and
turns their uptime annotations into `[External]` monitors; the internal sync declares the
database, port and HTTP monitors below. Both run every ten minutes and are idempotent.
"""

import re
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
settings = ClusterSettings.load()
config = pulumi.Config()
NS = APP = "uptime-kuma"
NDOTS = {"dns_config": {"options": [{"name": "ndots", "value": "2"}]}}
SYNC_IMAGE = "docker.io/library/python:3.12-alpine"

# Hosts with no HTTP endpoint to probe.
NON_HTTP = {"xray-vless", "xray-ws", "xray-grpc"}


def external_target(name: str) -> dict:
    host = "viktorbarzin.me" if name == "viktorbarzin.me" else f"{name}.viktorbarzin.me"
    return {"name": name, "hostname": host, "url": f"https://{host}"}


proxied_names = config.get_object("cloudflareProxiedNames") or []
external_targets = [external_target(n) for n in proxied_names if n not in NON_HTTP]

# Monitors the internal sync owns; a field left out is null in targets.json.
INTERNAL_MONITORS = [
    {"name": "MySQL Standalone (dbaas)", "type": "mysql",
     "database_connection_string": "mysql://uptimekuma@mysql.dbaas.svc.cluster.local:3306",
     "database_password_vault_key": "uptimekuma_db_password", "interval": 60, "retry_interval": 60, "max_retries": 2},
    # The redis-master HAProxy follows the Sentinel-elected master; no auth on the chart.
    {"name": "Redis", "type": "redis", "database_connection_string": "redis://redis-master.redis.svc.cluster.local:6379",
     "interval": 60, "retry_interval": 30, "max_retries": 3},
    # The router itself, to tell a tunnel outage from an unreachable gateway.
    {"name": "TP-Link Gateway (192.168.1.1)", "type": "port", "hostname": "192.168.1.1", "port": 443,
     "interval": 60, "retry_interval": 30, "max_retries": 3},
    # By IP: a .lan name can resolve stale through pod DNS caches. Self-signed; redirects and
    # the login prompt count as up.
    {"name": "Proxmox UI", "type": "http", "url": "https://192.168.1.127:8006/",
     "accepted_statuscodes": ["200-299", "300-399", "400-499"], "ignore_tls": True,
     "interval": 300, "retry_interval": 60, "max_retries": 2},
    # Traefik's dedicated MetalLB address, below the Cloudflare path the external monitor covers.
    {"name": "Traefik LoadBalancer (10.0.20.203)", "type": "port", "hostname": "10.0.20.203", "port": 443,
     "interval": 60, "retry_interval": 30, "max_retries": 3},
]


def password_env(monitor_name: str) -> str:
    """The env name a monitor's DB password is handed over in (upstream's naming)."""
    return "DB_PASSWORD_" + re.sub(r"[^A-Za-z0-9]", "_", monitor_name).upper()


def internal_target(m: dict) -> dict:
    fields = ("name", "type", "database_connection_string", "hostname", "port", "url", "accepted_statuscodes",
              "ignore_tls", "interval", "retry_interval", "max_retries")
    target = {f: m.get(f) for f in fields}
    target["password_env"] = password_env(m["name"]) if m.get("database_password_vault_key") else None
    return target


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

data = ProxmoxVolume("uptime-kuma-data-proxmox", ProxmoxVolumeArgs(
    namespace=NS, storage="5Gi", storage_limit="20Gi", increase="50%"), opts=ns_opts)

http_probe = {"http_get": {"path": "/", "port": 3001}, "period_seconds": 30, "timeout_seconds": 5}
WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=c.TIER_CLUSTER,
    keel=True,
    # `never` is owned here, not ignored: an automatic roll once moved the image back a major
    # version onto a store it could not read (README).
    keel_enforced_annotations=["keel.sh/policy"],
    annotations={"reloader.stakater.com/search": "true", "keel.sh/policy": "never"},
    strategy="Recreate",
    pod_annotations={"diun.enable": "true", "diun.include_tags": "latest"},
    containers=[{
        "name": APP,
        "image": "louislam/uptime-kuma:2.3.2",
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "ports": [{"container_port": 3001}],
        "liveness_probe": {**http_probe, "initial_delay_seconds": 15, "failure_threshold": 5},
        "readiness_probe": {**http_probe, "initial_delay_seconds": 5, "failure_threshold": 3},
        "volume_mounts": [{"name": "data", "mount_path": "/app/data"}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    pod_spec=NDOTS,
    service_ports=[{"port": 80, "target_port": 3001}],
), opts=ns_opts)

IngressFactory("uptime", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name=APP,
    auth="required",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/description": "Uptime monitor",
        "gethomepage.dev/group": "Core Platform",
        "gethomepage.dev/icon": "uptime-kuma.png",
        "gethomepage.dev/name": "Uptime Kuma",
        "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "uptimekuma",
        "gethomepage.dev/widget.url": "http://uptime-kuma.uptime-kuma.svc.cluster.local",
        "gethomepage.dev/widget.slug": "infra",
    },
), opts=ns_opts)

# Public paths of the same host, without forward-auth (longer path rules win in Traefik).
IngressFactory("uptime-public", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name=APP,
    auth="none",
    auth_reason="Uptime Kuma public status pages, push-monitor ingest and badges: fetched logged-out and by "
                "machines, which cannot complete Authentik SSO; the dashboard stays behind the `uptime` ingress",
    ingress_path=["/status", "/api/status-page", "/api/push", "/api/badge", "/assets", "/icon.svg", "/upload"],
    full_host="uptime.viktorbarzin.me",
    dns_type="none",  # the `uptime` ingress owns the record
    anti_ai_scraping=False,
    homepage_enabled=False,
    external_monitor=False,
), opts=ns_opts)

# --- external monitor sync: ingress annotations -> `[External]` monitors ---------------------
sync_rbac = WorkloadRbac("external-monitor-sync", WorkloadRbacArgs(
    namespace=NS,
    role_kind="ClusterRole",
    rules=[Rule(api_groups=["networking.k8s.io"], resources=["ingresses"], verbs=["list", "get"])],
), opts=ns_opts)

external_targets_cm = k8s.core.v1.ConfigMap(
    "external-monitor-targets",
    metadata={"name": "external-monitor-targets", "namespace": NS},
    data={"targets.json": jsonencode(external_targets)},
    opts=ns_opts,
)

admin_password = vault_field("viktor", "uptime_kuma_admin_password")
sync_resources = {"requests": {"memory": "128Mi", "cpu": "10m"}, "limits": {"memory": "256Mi"}}


def sync_job(name: str, targets: k8s.core.v1.ConfigMap, **container) -> dict:
    return dict(
        namespace=NS,
        schedule="*/10 * * * *",
        concurrency_policy="Forbid",
        successful_jobs_history_limit=3,
        failed_jobs_history_limit=3,
        job_metadata={},
        pod_metadata={},
        backoff_limit=1,
        ttl_seconds_after_finished=300,
        containers=[{
            "name": "sync",
            "image": SYNC_IMAGE,
            "command": ["/bin/sh", "-c", load_payload(HERE, f"{name}.sh")],
            **container,
            "volume_mounts": [{"name": "config", "mount_path": "/config", "read_only": True}],
            "resources": sync_resources,
        }],
        volumes=[{"name": "config", "config_map": {"name": targets.metadata["name"]}}],
        pod_spec=NDOTS,
    )


ScheduledJob("external-monitor-sync", ScheduledJobArgs(
    **sync_job("external-monitor-sync", external_targets_cm,
               env=[{"name": "UPTIME_KUMA_PASSWORD", "value": admin_password}]),  # literal, as upstream (SEC-062)
    service_account_name=sync_rbac.service_account_name,
), opts=ns_opts)

# --- internal monitor sync: the monitors declared above ---------------------------------------
internal_secret = k8s.core.v1.Secret(
    "internal-monitor-sync",
    metadata={"name": "internal-monitor-sync", "namespace": NS},
    string_data={
        "UPTIME_KUMA_PASSWORD": admin_password,
        **{password_env(m["name"]): vault_field("viktor", m["database_password_vault_key"])
           for m in INTERNAL_MONITORS if m.get("database_password_vault_key")},
    },
    opts=ns_opts,
)

internal_targets_cm = k8s.core.v1.ConfigMap(
    "internal-monitor-targets",
    metadata={"name": "internal-monitor-targets", "namespace": NS},
    data={"targets.json": jsonencode([internal_target(m) for m in INTERNAL_MONITORS])},
    opts=ns_opts,
)

ScheduledJob("internal-monitor-sync", ScheduledJobArgs(
    **sync_job("internal-monitor-sync", internal_targets_cm,
               env_from=[{"secret_ref": {"name": internal_secret.metadata["name"]}}]),
), opts=ns_opts)
