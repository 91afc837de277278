"""immich: the photo library.

Three API replicas (spread over nodes, PDB) and a GPU worker share six NFS shares; the ML
service runs on the GPU too; Immich's own PostgreSQL (vectorchord image) lives on an
encrypted claim and is dumped nightly to NFS. A 5-minute probe measures smart-search
latency and keeps the CLIP text model warm. Three ImmichFrame kiosks show highlights.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs, Quota
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field, vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import Pdb, WebApp, WebAppArgs
from components.workload import Gpu, env, secret_env

settings = ClusterSettings.load()
config = pulumi.Config()
HERE = Path(__file__).parent
NS = "immich"
TIER = c.TIER_GPU
SECRETS = "immich-secrets"
VERSION = config.get("immichVersion") or "v3.1.0"
DB_HOST = "immich-postgresql.immich.svc.cluster.local"
UPLOAD = "/usr/src/app/upload"
PUSHGATEWAY = "http://prometheus-prometheus-pushgateway.monitoring:9091"
KEEL_DEPLOYMENT = ["keel.sh/policy"]

namespace = Namespace(NS, NamespaceArgs(
    tier=TIER, labels={"keel.sh/enrolled": "true"},
    quota=Quota(name="tier-quota", hard={"requests.cpu": "8", "requests.memory": "24Gi",
                                         "limits.memory": "40Gi", "pods": "40"})))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["immich"]), opts=ns_opts)


# --- storage: six library shares on the NFS host, the ML model cache, the dump target ------------
def share(name: str, path: str) -> NfsVolume:
    # Upstream's `proxmox_host` variable; the Proxmox host is the NFS server (README).
    return NfsVolume(name, NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server, nfs_path=path), opts=ns_opts)


LIBRARY = {
    "backups": share("immich-backups-host", "/srv/nfs/immich/backups"),
    "encoded-video": share("immich-encoded-video-host", "/srv/nfs/immich/encoded-video"),
    "library": share("immich-library-host", "/srv/nfs/immich/library"),
    "profile": share("immich-profile-host", "/srv/nfs/immich/profile"),
    "thumbs": share("immich-thumbs-host", "/srv/nfs-ssd/immich/thumbs"),
    "upload": share("immich-upload-host", "/srv/nfs/immich/upload"),
}
dumps = share("immich-postgresql-data-host", "/srv/nfs/immich/postgresql")
ml_cache = share("immich-ml-cache-host", "/srv/nfs-ssd/immich/machine-learning")
pg_data = ProxmoxVolume("immich-postgresql-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="10Gi", storage_limit="20Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

library_mounts = [{"name": n, "mount_path": f"{UPLOAD}/{n}"} for n in LIBRARY]
library_volumes = [{"name": n, "persistent_volume_claim": {"claim_name": v.claim_name}} for n, v in LIBRARY.items()]


def server_env(role: dict) -> list:
    return [*env(role), *env({"DB_DATABASE_NAME": "immich", "DB_HOSTNAME": DB_HOST, "DB_USERNAME": "immich"}),
            *secret_env(SECRETS, {"DB_PASSWORD": "db_password"}),
            *env({"IMMICH_MACHINE_LEARNING_URL": "http://immich-machine-learning:3003",
                  "REDIS_HOSTNAME": settings.redis_host})]


SERVER_POD_ANNOTATIONS = {"diun.enable": "true", "diun.include_tags": "^\\d+\\.\\d+\\.\\d+$",
                          "reloader.stakater.com/auto": "true"}
SERVER_IMAGE = f"ghcr.io/immich-app/immich-server:{VERSION}"

# --- server: the API (3 replicas) and the GPU worker (everything but the API) ---------------------
WebApp("immich-worker", WebAppArgs(
    namespace=NS, tier=TIER, selector={"app": "immich-worker"}, strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true", "keel.sh/policy": "minor"},
    keel=True, keel_enforced_annotations=KEEL_DEPLOYMENT,
    pod_annotations=SERVER_POD_ANNOTATIONS,
    gpu=Gpu(devices=1, memory_mib=3000),
    pod_spec={"priority_class_name": "gpu-workload"},
    containers=[{"name": "immich-worker", "image": SERVER_IMAGE, "env": server_env({"IMMICH_WORKERS_EXCLUDE": "api"}),
                 "volume_mounts": library_mounts,
                 "resources": {"requests": {"cpu": "100m", "memory": "3584Mi"}, "limits": {"memory": "10Gi"}}}],
    volumes=library_volumes,
), opts=ns_opts)

WebApp("immich-api", WebAppArgs(
    namespace=NS, tier=TIER, selector={"app": "immich-api"}, replicas=3,
    strategy="RollingUpdate", rolling_update={"max_surge": 0, "max_unavailable": 1},
    # trigger/pollSchedule are set at creation and then left to Kyverno/Keel (ignored).
    annotations={"reloader.stakater.com/search": "true", "keel.sh/policy": "minor",
                 "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 1h"},
    keel=True, keel_enforced_annotations=KEEL_DEPLOYMENT,
    pod_annotations=SERVER_POD_ANNOTATIONS,
    pod_spec={"topology_spread_constraints": [{
        "max_skew": 1, "topology_key": "kubernetes.io/hostname", "when_unsatisfiable": "DoNotSchedule",
        "label_selector": {"match_labels": {"app": "immich-api"}}}]},
    containers=[{
        "name": "immich-api", "image": SERVER_IMAGE,
        "ports": [{"name": "http", "container_port": 2283, "protocol": "TCP"}],
        "env": server_env({"IMMICH_WORKERS_INCLUDE": "api"}),
        "liveness_probe": {"http_get": {"path": "/api/server/ping", "port": "http"}, "initial_delay_seconds": 0,
                           "period_seconds": 10, "timeout_seconds": 1, "failure_threshold": 3, "success_threshold": 1},
        "readiness_probe": {"http_get": {"path": "/api/server/ping", "port": "http"}, "period_seconds": 10,
                            "timeout_seconds": 1, "failure_threshold": 3, "success_threshold": 1},
        # Up to an hour for first-start migrations.
        "startup_probe": {"http_get": {"path": "/api/server/ping", "port": "http"}, "period_seconds": 10,
                          "timeout_seconds": 1, "failure_threshold": 360, "success_threshold": 1},
        "volume_mounts": library_mounts,
        "resources": {"requests": {"cpu": "100m", "memory": "1536Mi"}, "limits": {"memory": "4Gi"}},
    }],
    volumes=library_volumes,
    service_name="immich-server", service_labels={"app": "immich-server"}, service_ports=[{"port": 2283}],
    pdb=Pdb(min_available=2),
), opts=ns_opts)

# --- Immich's own PostgreSQL (vector extensions; not the shared CNPG cluster) ---------------------
PG_DATA = "postgresql-persistent-storage"
WebApp("immich-postgresql", WebAppArgs(
    namespace=NS, tier=TIER, selector={"app": "immich-postgresql"}, labels_include_selector=False,
    strategy="Recreate", annotations={"reloader.stakater.com/search": "true"},
    ignore_changes=['metadata.annotations["keel.sh/policy"]', 'metadata.annotations["keel.sh/trigger"]',
                    'metadata.annotations["keel.sh/pollSchedule"]', "spec.template.spec.containers[0].image",
                    'spec.template.metadata.annotations["keel.sh/update-time"]'],
    containers=[{
        "image": "ghcr.io/immich-app/postgres:15-vectorchord0.4.3-pgvectors0.2.0", "name": "immich-postgresql",
        "ports": [{"container_port": 5432, "protocol": "TCP", "name": "postgresql"}],
        "env": [*secret_env(SECRETS, {"POSTGRES_PASSWORD": "db_password"}),
                *env({"POSTGRES_USER": "immich", "POSTGRES_DB": "immich", "DB_STORAGE_TYPE": "SSD"})],
        "volume_mounts": [{"name": PG_DATA, "mount_path": "/var/lib/postgresql/data"}],
        "lifecycle": {"post_start": {"exec": {"command": ["/bin/sh", "-c", load_payload(HERE, "postgres-prewarm.sh")]}}},
        "resources": {"requests": {"cpu": "100m", "memory": "3Gi"}, "limits": {"memory": "4Gi"}},
    }],
    init_containers=[{
        "name": "write-pg-override-conf", "image": "busybox:1.36",
        "command": ["sh", "-c", load_payload(HERE, "write-pg-override-conf.sh")],
        "volume_mounts": [{"name": PG_DATA, "mount_path": "/data"}],
    }],
    volumes=[{"name": PG_DATA, "persistent_volume_claim": {"claim_name": pg_data.claim_name}}],
    service_labels={"app": "immich-postgresql"}, service_ports=[{"port": 5432}],
), opts=ns_opts)

# --- machine learning (CLIP, faces, OCR) on the GPU ------------------------------------------------
WebApp("immich-machine-learning", WebAppArgs(
    namespace=NS, tier=TIER, selector={"app": "immich-machine-learning"}, labels_include_selector=False,
    strategy="Recreate", annotations={"keel.sh/policy": "minor"},
    keel=True, keel_enforced_annotations=KEEL_DEPLOYMENT,
    gpu=Gpu(devices=1, memory_mib=1800),
    pod_spec={"priority_class_name": "gpu-workload"},
    containers=[{
        "image": f"ghcr.io/immich-app/immich-machine-learning:{VERSION}-cuda", "name": "immich-machine-learning",
        "ports": [{"container_port": 3003, "protocol": "TCP", "name": "immich-ml"}],
        "env": env({
            "MACHINE_LEARNING_MODEL_TTL": "600", "TRANSFORMERS_CACHE": "/cache",
            "HF_XET_CACHE": "/cache/huggingface-xet", "MPLCONFIGDIR": "/cache/matplotlib-config",
            # The search probe's warm-up request names the same textual model.
            "MACHINE_LEARNING_PRELOAD__CLIP__TEXTUAL": "ViT-B-16-SigLIP2__webli",
            "MACHINE_LEARNING_PRELOAD__CLIP__VISUAL": "ViT-B-16-SigLIP2__webli",
            "MACHINE_LEARNING_PRELOAD__FACIAL_RECOGNITION__DETECTION": "buffalo_l",
            "MACHINE_LEARNING_PRELOAD__FACIAL_RECOGNITION__RECOGNITION": "buffalo_l",
        }),
        "volume_mounts": [{"name": "cache", "mount_path": "/cache"}],
        "resources": {"requests": {"cpu": "100m", "memory": "3584Mi"}, "limits": {"memory": "4608Mi"}},
        "liveness_probe": {"http_get": {"path": "/ping", "port": 3003}, "initial_delay_seconds": 30,
                           "period_seconds": 30, "timeout_seconds": 5, "failure_threshold": 5},
        "readiness_probe": {"http_get": {"path": "/ping", "port": 3003}, "initial_delay_seconds": 15,
                            "period_seconds": 30, "timeout_seconds": 5, "failure_threshold": 3},
    }],
    volumes=[{"name": "cache", "persistent_volume_claim": {"claim_name": ml_cache.claim_name}}],
    service_labels={"app": "immich-machine-learning"}, service_ports=[{"port": 3003}],
), opts=ns_opts)

# --- smart-search probe: ANN latency + index residency, pushed; keeps CLIP textual warm ------------
SMALL = {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}}
CURL = "docker.io/curlimages/curl:8.11.1"
ScheduledJob("immich-search-probe", ScheduledJobArgs(
    namespace=NS, schedule="*/5 * * * *", concurrency_policy="Forbid", starting_deadline_seconds=60,
    successful_jobs_history_limit=1, failed_jobs_history_limit=3,
    backoff_limit=1, active_deadline_seconds=180, ttl_seconds_after_finished=120,
    volumes=[{"name": "shared", "empty_dir": {}}],
    init_containers=[{
        "name": "measure", "image": "ghcr.io/immich-app/postgres:15-vectorchord0.4.3-pgvectors0.2.0",
        "command": ["/bin/bash", "-c", load_payload(HERE, "search-probe.sh")],
        "env": [*env({"PGHOST": DB_HOST, "PGUSER": "immich", "PGDATABASE": "immich", "PGCONNECT_TIMEOUT": "10"}),
                *secret_env(SECRETS, {"PGPASSWORD": "db_password"})],
        "volume_mounts": [{"name": "shared", "mount_path": "/shared"}],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
    }],
    containers=[
        {"name": "push", "image": CURL,
         "command": ["curl", "-sf", "-m", "20", "--data-binary", "@/shared/metrics.prom",
                     f"{PUSHGATEWAY}/metrics/job/immich-search-probe"],
         "volume_mounts": [{"name": "shared", "mount_path": "/shared"}], "resources": SMALL},
        # Exec form (no shell) so the JSON reaches curl as written.
        {"name": "warmup", "image": CURL,
         "command": ["curl", "-sf", "-m", "30",
                     "-F", 'entries={"clip":{"textual":{"modelName":"ViT-B-16-SigLIP2__webli"}}}',
                     "-F", "text=keepalive", "http://immich-machine-learning:3003/predict"],
         "resources": SMALL},
    ],
    job_metadata={}, pod_metadata={},
), opts=ns_opts)

# --- nightly pg_dumpall to NFS --------------------------------------------------------------------
AppBackup("postgresql-backup", AppBackupArgs(
    namespace=NS, schedule="0 0 * * *", image="postgres:16.4-bullseye",
    script=load_payload(HERE, "postgresql-backup.sh"), retention_days=14,
    metrics=["backup_duration_seconds", "backup_read_bytes", "backup_written_bytes",
             "backup_output_bytes", "backup_last_success_timestamp"],
    env=secret_env(SECRETS, {"PGPASSWORD": "db_password"}),
    volume_name="postgresql-backup", claim_name=dumps.claim_name,
    starting_deadline_seconds=10, successful_jobs_history_limit=10, failed_jobs_history_limit=5,
), opts=ns_opts)

# --- ingress --------------------------------------------------------------------------------------
homepage = vault_json_field("immich", "homepage_credentials", placeholder={"immich": {"token": "PLACEHOLDER"}})
IngressFactory("immich", IngressArgs.on_cluster(
    settings, namespace=NS, auth="app",
    auth_reason="Immich's own login and bearer-token API; forward-auth broke the mobile apps and API clients",
    dns_type="non-proxied", service_name="immich-server", port=2283,
    skip_default_rate_limit=True, extra_middlewares=[c.MW_IMMICH_RATE_LIMIT], anti_ai_scraping=False,
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/description": "Photos library",
        "gethomepage.dev/icon": "immich.png", "gethomepage.dev/name": "Immich",
        "gethomepage.dev/group": "Media & Entertainment", "gethomepage.dev/widget.type": "immich",
        "gethomepage.dev/widget.url": "http://immich-server.immich.svc.cluster.local:2283",
        "gethomepage.dev/widget.version": "2", "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.key": homepage.apply(lambda creds: creds["immich"]["token"]),
    },
), opts=ns_opts)

# --- photo frames (ImmichFrame kiosks, home LANs only) ---------------------------------------------
WEATHER_KEY = vault_field("immich", "frame_weather_api_key")


def frame(suffix: str, *, image: str, api_key: pulumi.Input[str], description: str, title: str,
          pull_policy: str | None = None, keel_image: bool = True) -> None:
    """One kiosk: its Settings.yml ConfigMap, Deployment, Service and LAN-only ingress."""
    name = f"immich-frame{suffix}"
    config_name = f"config{suffix}"
    template = load_payload(HERE, f"frame-settings{suffix}.yml")
    settings_yml = pulumi.Output.all(WEATHER_KEY, api_key).apply(
        lambda keys: template.replace("@WEATHER_API_KEY@", keys[0]).replace("@IMMICH_API_KEY@", keys[1]))
    k8s.core.v1.ConfigMap(f"{config_name}-configmap", metadata={
        "name": config_name, "namespace": NS, "labels": {"app": f"frame-config{suffix}"},
        "annotations": {"reloader.stakater.com/match": "true"}},
        data={"Settings.yml": pulumi.Output.secret(settings_yml)}, opts=ns_opts)
    container = {"image": image, "name": name,
                 "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                 "ports": [{"container_port": 8080, "protocol": "TCP", "name": "http"}],
                 "volume_mounts": [{"name": "config", "mount_path": "/app/Config", "read_only": True}]}
    if pull_policy:
        container["image_pull_policy"] = pull_policy
    ignore = [] if keel_image else [f'metadata.annotations["{a}"]' for a in (
        "keel.sh/policy", "keel.sh/trigger", "keel.sh/pollSchedule", "keel.sh/match-tag",
        "kubernetes.io/change-cause", "deployment.kubernetes.io/revision")] + [
        'spec.template.metadata.annotations["keel.sh/update-time"]']
    WebApp(name, WebAppArgs(
        namespace=NS, tier=TIER, selector={"app": name}, labels_include_selector=False,
        strategy="RollingUpdate", annotations={"reloader.stakater.com/search": "true"},
        keel=keel_image, ignore_changes=ignore,
        pod_annotations={"dependency.kyverno.io/wait-for": "immich-server.immich:2283"},
        containers=[container],
        volumes=[{"name": "config", "config_map": {"name": config_name}}],
        service_labels={"app": name}, service_ports=[{"port": 80, "target_port": 8080}],
    ), opts=ns_opts)
    IngressFactory(f"highlights-immich{suffix}", IngressArgs.on_cluster(
        settings, namespace=NS, auth="none",
        auth_reason="read-only photo feed for the kiosks, reachable from the home LANs only (home-lans-only middleware)",
        dns_type="internal", external_monitor=False, service_name=name,
        extra_middlewares=[c.MW_ERROR_PAGES_403, "traefik-home-lans-only@kubernetescrd"],
        extra_annotations={"gethomepage.dev/description": description, "gethomepage.dev/icon": "immich.png",
                           "gethomepage.dev/name": title},
    ), opts=ns_opts)


frame("", image="ghcr.io/immichframe/immichframe:immich_v3", api_key=vault_field("immich", "frame_api_key"),
      description="Immich photo frame feed for the kiosks", title="Immich Highlights")
frame("-emo", image="ghcr.io/immichframe/immichframe:v1.0.35.0", api_key=vault_field("immich", "frame_api_key_emo"),
      description="Immich photo frame feed for Emo's kiosk", title="Immich Highlights (Emo)")
# Milka's frame keeps its image under the program's control (no Keel image ignore upstream).
frame("-milka", image="ghcr.io/immichframe/immichframe:v1.0.35.0", pull_policy="IfNotPresent",
      api_key=vault_field("emo/immich_api_key_milka", "key"), keel_image=False,
      description="Immich photo frame feed for Milka's kiosk in Valchedrym", title="Immich Highlights (Milka)")

# --- weekly album sync of Emo's frame ---------------------------------------------------------------
k8s.core.v1.Secret("frame-sync-emo", metadata={"name": "frame-sync-emo", "namespace": NS},
                   string_data={"immich_api_key": vault_field("immich", "frame_api_key_emo")}, opts=ns_opts)
sync_script = k8s.core.v1.ConfigMap("frame-sync-emo-script", metadata={"name": "frame-sync-emo-script", "namespace": NS},
                                    data={"frame_sync.py": load_payload(HERE, "frame_sync.py")}, opts=ns_opts)
ScheduledJob("frame-sync-emo", ScheduledJobArgs(
    namespace=NS, schedule="0 2 * * 0", concurrency_policy="Forbid", starting_deadline_seconds=300,
    successful_jobs_history_limit=1, failed_jobs_history_limit=3,
    backoff_limit=1, active_deadline_seconds=600, ttl_seconds_after_finished=86400,
    containers=[{
        "name": "sync", "image": "docker.io/library/python:3.12-alpine", "command": ["python3", "/app/frame_sync.py"],
        "env": [*env({"IMMICH_URL": "http://immich-server.immich.svc.cluster.local:2283"}),
                *secret_env("frame-sync-emo", {"IMMICH_API_KEY": "immich_api_key"}),
                *env({"KEEP_ALBUM": "c64addd4-79f5-490e-bf4b-6af1e1ef610f",
                      "DROP_ALBUM": "b703c7e1-943f-44c4-9ebb-ae3ee41473dd", "DAYS": "365", "DRY_RUN": "false"})],
        "volume_mounts": [{"name": "script", "mount_path": "/app", "read_only": True}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[{"name": "script", "config_map": {"name": sync_script.metadata["name"]}}],
    job_metadata={}, pod_metadata={},
), opts=ns_opts)
