"""Poison Fountain: a trap host that drip-feeds cached poisoned text to scrapers (currently scaled to 0)."""

from pathlib import Path

import pulumi

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "poison-fountain"
LABELS = {"app": "poison-fountain"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
cache = NfsVolume("poison-fountain-data-host", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                             nfs_path="/srv/nfs/poison-fountain"), opts=ns_opts)
code = PayloadConfigMap("poison-fountain-code", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"server.py": "server.py"},
    moved_from={"config_map": "poison-fountain-code"}), opts=ns_opts)
fetcher = PayloadConfigMap("poison-fountain-fetcher", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"fetch-poison.sh": "fetch-poison.sh"},
    moved_from={"config_map": "poison-fountain-fetcher"}), opts=ns_opts)

healthz = {"http_get": {"path": "/healthz", "port": 8080}}
WebApp("poison-fountain", WebAppArgs(
    namespace=NS,
    tier=c.TIER_CLUSTER,
    keel=True,
    replicas=0,  # parked: a running trap tripped the ExternalAccessDivergence alert
    strategy="RollingUpdate",
    rolling_update={"max_unavailable": 0, "max_surge": 1},
    pod_spec={"topology_spread_constraints": [{"max_skew": 1, "topology_key": "kubernetes.io/hostname",
                                               "when_unsatisfiable": "DoNotSchedule", "label_selector": {"match_labels": LABELS}}]},
    containers=[{
        "name": "poison-fountain", "image": "python:3.12-slim", "command": ["python", "/app/server.py"],
        "ports": [{"container_port": 8080}],
        "env": env({"CACHE_DIR": "/data/cache", "DRIP_BYTES": 50, "DRIP_DELAY": "0.5", "POISON_DOMAIN": "poison.viktorbarzin.me"}),
        "volume_mounts": [{"name": "code", "mount_path": "/app", "read_only": True}, {"name": "data", "mount_path": "/data"}],
        "liveness_probe": {**healthz, "initial_delay_seconds": 5, "period_seconds": 30},
        "readiness_probe": {**healthz, "initial_delay_seconds": 3, "period_seconds": 10},
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    volumes=[code.volume("code"),
             {"name": "data", "persistent_volume_claim": {"claim_name": cache.claim_name}}],
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=ns_opts)

# Scrapers are the audience: no shared rate limit and no anti-AI middlewares on this host.
ingress = IngressFactory("poison-fountain", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="required", host="poison", dns_type="non-proxied", port=8080,
    skip_default_rate_limit=True, anti_ai_scraping=False,
    external_monitor=False,  # the backend is parked; a monitor would only flap
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Poison Fountain",
                       "gethomepage.dev/description": "AI bot trap", "gethomepage.dev/icon": "mdi-shield-alert",
                       "gethomepage.dev/group": "Other", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

named = {"name": "poison-fountain-fetcher"}
ScheduledJob("poison-fountain-fetcher", ScheduledJobArgs(
    namespace=NS, schedule="0 */6 * * *", successful_jobs_history_limit=1, failed_jobs_history_limit=1,
    job_metadata=named, pod_metadata=named,
    # Root like the server: the NFS cache directory is root-owned (export has no_root_squash).
    pod_spec={"security_context": {"run_as_user": 0}},
    containers=[{"name": "fetcher", "image": "curlimages/curl:latest", "command": ["sh", "/scripts/fetch-poison.sh"],
                 "env": env({"CACHE_DIR": "/data/cache", "POISON_URL": "https://rnsaffn.com/poison2/", "FETCH_COUNT": 50}),
                 "volume_mounts": [{"name": "scripts", "mount_path": "/scripts", "read_only": True},
                                   {"name": "data", "mount_path": "/data"}]}],
    volumes=[fetcher.volume("scripts", default_mode=0o755),
             {"name": "data", "persistent_volume_claim": {"claim_name": cache.claim_name}}],
    moved_from={"cronjob": "poison-fountain-fetcher"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
