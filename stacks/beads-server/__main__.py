"""beads-server: the Beads task database and the tools around it.

Dolt (MySQL-compatible) holds the beads on a Proxmox claim and answers on the shared MetalLB
address; Dolt Workbench is its web UI, BeadBoard the task dashboard that dispatches agent jobs
to claude-agent-service. Two CronJobs (dispatcher, reaper) automate that dispatch; they are
suspended while `dispatcher_enabled` is false (the default).
"""

import hashlib
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey, reload_on_change
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import OneOffJob, OneOffJobArgs, ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
config = pulumi.Config()
HERE = Path(__file__).parent
NS = "beads-server"
beadboard_tag = config.get("beadboard_image_tag") or "17a38e43"
# The dispatch jobs need only bd, curl and jq, which the agent image ships; it tracks :latest.
agent_image = f"ghcr.io/viktorbarzin/claude-agent-service:{config.get('claude_agent_service_image_tag') or 'latest'}"
dispatcher_enabled = config.get_bool("dispatcher_enabled") or False
WORKBENCH_IMAGE = "dolthub/dolt-workbench:0.3.73"
DOLT_HOST = f"dolt.{NS}.svc.cluster.local"
PROJECT_ID = "a8f8bae7-ce65-4145-a5db-a13d11d297da"
AGENT_TOKEN_SECRET = "beadboard-agent-service"
PULL_SECRET = "registry-credentials"
ADDRESS = settings.shared_lb(legacy_annotation=True)


def http_probes(port: int) -> dict:
    get = {"http_get": {"path": "/", "port": port}}
    return {"startup_probe": {**get, "failure_threshold": 30, "period_seconds": 2},
            "liveness_probe": {**get, "initial_delay_seconds": 10, "period_seconds": 30},
            "readiness_probe": {**get, "initial_delay_seconds": 5, "period_seconds": 10}}


def bd_metadata(user: str) -> dict:
    """What bd reads to reach the Dolt server in server mode."""
    return {"database": "dolt", "backend": "dolt", "dolt_mode": "server", "dolt_server_host": DOLT_HOST,
            "dolt_server_port": 3306, "dolt_server_user": user, "dolt_database": "code", "project_id": PROJECT_ID}


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- Dolt SQL server ----------------------------------------------------------------------
data = ProxmoxVolume("dolt-data", ProxmoxVolumeArgs(namespace=NS, storage="2Gi", storage_limit="10Gi"), opts=ns_opts)
# Init scripts run only on an empty data directory; the schema Job below keeps a live one current.
dolt_init = PayloadConfigMap("dolt-init", PayloadConfigMapArgs(namespace=NS, stack_dir=HERE, files={
    "01-create-beads-user.sql": "create-beads-user.sql",
    "02-create-presence-table.sql": "presence-schema.sql"}), opts=ns_opts)
TCP = {"tcp_socket": {"port": 3306}}
dolt = WebApp("dolt", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, strategy="Recreate",
    # Opted out of Keel (dolt-sql-server:latest is another version line); Keel may still have
    # moved the tag in-cluster, so the image is not reverted.
    annotations={"keel.sh/policy": "never", "keel.sh/match-tag": "true", "keel.sh/trigger": "poll",
                 "keel.sh/pollSchedule": "@every 1h"},
    ignore_changes=["spec.template.spec.containers[0].image"],
    containers=[{
        "name": "dolt", "image": "dolthub/dolt-sql-server:2.0.3",
        "ports": [{"name": "mysql", "container_port": 3306}],
        "env": env({"DOLT_ROOT_HOST": "%"}),
        "volume_mounts": [{"name": "dolt-data", "mount_path": "/var/lib/dolt"},
                          {"name": "init-scripts", "mount_path": "/docker-entrypoint-initdb.d", "read_only": True}],
        "startup_probe": {**TCP, "failure_threshold": 30, "period_seconds": 2},
        "liveness_probe": {**TCP, "initial_delay_seconds": 10, "period_seconds": 30},
        "readiness_probe": {**TCP, "initial_delay_seconds": 5, "period_seconds": 10},
        "resources": {"requests": {"memory": "256Mi", "cpu": "50m"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[{"name": "dolt-data", "persistent_volume_claim": {"claim_name": data.claim_name}},
             {"name": "init-scripts", "config_map": {"name": dolt_init.config_map_name}}],
    service_type="LoadBalancer", service_annotations=ADDRESS.annotations,
    service_spec={"external_traffic_policy": "Cluster"}, service_ignore_changes=ADDRESS.ignore_changes,
    service_ports=[{"name": "mysql", "port": 3306, "target_port": 3306}],
), opts=ns_opts)

# The Job's name follows the schema text, so a changed schema runs a new (idempotent) Job.
schema = load_payload(HERE, "presence-schema.sql")
OneOffJob(f"presence-schema-{hashlib.sha256(schema.encode()).hexdigest()[:8]}", OneOffJobArgs(
    namespace=NS, restart_policy="OnFailure", backoff_limit=3, pod_metadata={},
    containers=[{
        "name": "migrate", "image": "mysql:8.4", "command": ["sh", "-c"],
        "args": [f"mysql -h {DOLT_HOST} -P 3306 -u root < /sql/02-create-presence-table.sql"],
        "volume_mounts": [{"name": "sql", "mount_path": "/sql"}],
    }],
    volumes=[{"name": "sql", "config_map": {"name": dolt_init.config_map_name}}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, dolt],
                               custom_timeouts=pulumi.CustomTimeouts(create="5m")))

# --- Dolt Workbench -------------------------------------------------------------------------
store = k8s.core.v1.ConfigMap("workbench-store", metadata={"name": "workbench-store", "namespace": NS}, data={
    "store.json": jsonencode([{"name": "beads", "connectionUrl": f"mysql://beads@{DOLT_HOST}:3306/code",
                               "hideDoltFeatures": False, "useSSL": False, "type": "Mysql"}])}, opts=ns_opts)
WebApp("dolt-workbench", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True,
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    init_containers=[{
        "name": "seed-config", "image": WORKBENCH_IMAGE,
        "command": ["sh", "-c", load_payload(HERE, "workbench-seed.sh")],
        "volume_mounts": [{"name": "store-config", "mount_path": "/config", "read_only": True},
                          {"name": "store", "mount_path": "/store"},
                          {"name": "static-patched", "mount_path": "/static"}],
    }],
    containers=[{
        "name": "workbench", "image": WORKBENCH_IMAGE,
        "command": ["sh", "-c", load_payload(HERE, "workbench-start.sh")],
        "ports": [{"name": "http", "container_port": 3000}, {"name": "graphql", "container_port": 9002}],
        "env": env({"NODE_OPTIONS": "--dns-result-order=ipv4first", "GRAPHQLAPI_URL": "http://localhost:9002/graphql"}),
        "volume_mounts": [{"name": "store", "mount_path": "/app/graphql-server/store"},
                          {"name": "static-patched", "mount_path": "/app/web/.next/static"}],
        **http_probes(3000),
        "resources": {"requests": {"memory": "128Mi", "cpu": "10m"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[{"name": "store-config", "config_map": {"name": store.metadata["name"]}},
             {"name": "store", "empty_dir": {}}, {"name": "static-patched", "empty_dir": {}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000},
                   {"name": "graphql", "port": 9002, "target_port": 9002}],
), opts=ns_opts)

workbench = IngressFactory("dolt-workbench", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none", dns_type="proxied",
    auth_reason="Dolt Workbench holds only the beads task list; no login in front of it, as upstream",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Dolt Workbench",
                       "gethomepage.dev/description": "Beads task database UI", "gethomepage.dev/icon": "mdi-database",
                       "gethomepage.dev/group": "Core Platform", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

# The UI's browser calls go to /graphql on its own host (the seed script rewrites them there).
# Upstream declared no posture for this Ingress; it is stated here (README, docs/security.md).
WORKBENCH_HOST = f"dolt-workbench.{settings.root_domain}"
k8s.networking.v1.Ingress("dolt-workbench-graphql", metadata={
    "name": "dolt-workbench-graphql", "namespace": NS, "annotations": {
        c.AUTH_ANNOTATION: "none",
        c.AUTH_REASON_ANNOTATION: "the Workbench UI's in-browser GraphQL POSTs cannot follow a login "
                                  "redirect; the UI host itself is not behind a login either",
    }}, spec={
    "ingress_class_name": c.INGRESS_CLASS,
    "tls": [{"hosts": [WORKBENCH_HOST], "secret_name": settings.tls_secret_name}],
    "rules": [{"host": WORKBENCH_HOST, "http": {"paths": [{
        "path": "/graphql", "path_type": "Exact",
        "backend": {"service": {"name": "dolt-workbench", "port": {"number": 9002}}}}]}}],
}, opts=ns_opts)

# --- BeadBoard --------------------------------------------------------------------------------
beadboard_config = k8s.core.v1.ConfigMap("beadboard-beads-config", metadata={
    "name": "beadboard-beads-config", "namespace": NS}, data={
    "metadata.json": jsonencode(bd_metadata("root")), "dolt-server.port": "3306"}, opts=ns_opts)
# The claude-agent-service bearer token, for BeadBoard's dispatch calls and the dispatcher.
ExternalSecret(AGENT_TOKEN_SECRET, ExternalSecretArgs(namespace=NS, data=[
    SecretKey(secret_key="api_bearer_token", key="claude-agent-service", property="api_bearer_token")]), opts=ns_opts)
WebApp("beadboard", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, annotations=reload_on_change(),
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    pod_spec={"image_pull_secrets": [{"name": PULL_SECRET}]},
    init_containers=[{
        "name": "seed-beads-config", "image": "busybox:1.36",
        "command": ["sh", "-c", "cp /config/* /beads/ && mkdir -p /beads/templates /beads/archetypes"],
        "volume_mounts": [{"name": "beads-config", "mount_path": "/config", "read_only": True},
                          {"name": "beads-writable", "mount_path": "/beads"}],
    }],
    containers=[{
        "name": "beadboard", "image": f"ghcr.io/viktorbarzin/beadboard:{beadboard_tag}",
        "ports": [{"name": "http", "container_port": 3000}],
        "env": [*env({"CLAUDE_AGENT_SERVICE_URL": "http://claude-agent-service.claude-agent.svc.cluster.local:8080"}),
                *secret_env(AGENT_TOKEN_SECRET, {"CLAUDE_AGENT_BEARER_TOKEN": "api_bearer_token"})],
        "volume_mounts": [{"name": "beads-writable", "mount_path": "/app/.beads"}],
        **http_probes(3000),
        "resources": {"requests": {"memory": "256Mi", "cpu": "50m"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[{"name": "beads-config", "config_map": {"name": beadboard_config.metadata["name"]}},
             {"name": "beads-writable", "empty_dir": {}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000}],
), opts=ns_opts)
board = IngressFactory("beadboard", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "BeadBoard",
                       "gethomepage.dev/description": "Agent task visualization dashboard",
                       "gethomepage.dev/icon": "mdi-chart-gantt", "gethomepage.dev/group": "Core Platform",
                       "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

# --- auto-dispatch ------------------------------------------------------------------------------
beads_metadata = k8s.core.v1.ConfigMap("beads-metadata", metadata={"name": "beads-metadata", "namespace": NS},
                                       data={"metadata.json": jsonencode(bd_metadata("beads"))}, opts=ns_opts)
prelude = load_payload(HERE, "prelude.sh").rstrip("\n")


def dispatch_job(name: str, container: str, schedule: str, script: str, extra_env: list[dict]) -> None:
    """The dispatcher and the reaper: same pod, history and suspend switch; the script differs."""
    ScheduledJob(name, ScheduledJobArgs(
        namespace=NS, schedule=schedule, concurrency_policy="Forbid",
        successful_jobs_history_limit=3, failed_jobs_history_limit=3, starting_deadline_seconds=60,
        suspend=not dispatcher_enabled, backoff_limit=0, ttl_seconds_after_finished=600,
        job_metadata={}, pod_metadata={"labels": {"app": name}}, image_pull_secrets=[PULL_SECRET],
        containers=[{
            "name": container, "image": agent_image,
            "command": ["/bin/sh", "-c", load_payload(HERE, script).replace("@PRELUDE@", prelude)],
            "env": [*extra_env, *env({"BEADS_ACTOR": name, "HOME": "/tmp"})],
            "volume_mounts": [{"name": "beads-metadata", "mount_path": "/etc/beads-metadata", "read_only": True}],
            "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        }],
        volumes=[{"name": "beads-metadata", "config_map": {"name": beads_metadata.metadata["name"]}}],
    ), opts=ns_opts)


dispatch_job("beads-dispatcher", "dispatcher", "*/2 * * * *", "dispatcher.sh", [
    *env({"BEADBOARD_URL": f"http://beadboard.{NS}.svc.cluster.local"}),
    *secret_env(AGENT_TOKEN_SECRET, {"API_BEARER_TOKEN": "api_bearer_token"})])
dispatch_job("beads-reaper", "reaper", "*/10 * * * *", "reaper.sh", [])

pulumi.export("workbench_host", workbench.host)
pulumi.export("beadboard_host", board.host)
