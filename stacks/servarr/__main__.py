"""Servarr media tools in `servarr` (Prowlarr, qBittorrent, FlareSolverr, Listenarr, the MAM
farming jobs) and AIOStreams in its own `aiostreams` namespace.

Upstream kept each app in a local module; here each is one section of this program. The
orphan modules lidarr, readarr and soulseek (never instantiated upstream) are not ported.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "servarr"
SECRETS = "servarr-secrets"
# Every servarr NFS share but the AIOStreams backups names the NAS literally upstream.
NAS = "192.168.1.127"
PYTHON = "docker.io/library/python:3.12-alpine"
RELOADER = {"reloader.stakater.com/search": "true"}
DIUN_SEMVER = {"diun.enable": "true", "diun.include_tags": "^\\d+\\.\\d+\\.\\d+$"}
SMALL_JOB = {"requests": {"memory": "64Mi", "cpu": "10m"}, "limits": {"memory": "128Mi"}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["servarr"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Homepage widget credentials (JSON) and AIOStreams' database URL, read back from the Secret
# ESO syncs from Vault secret/servarr, as upstream's data source did.
synced = read_live(SECRETS, LiveReadArgs(
    namespace=NS, keys=["homepage_credentials", "aiostreams_database_connection_string"],
    depends_on=[secrets], source="Vault secret/servarr"))
homepage = synced["homepage_credentials"]


def data_claim(name: str, namespace: str = NS, opts: pulumi.ResourceOptions = ns_opts) -> ProxmoxVolume:
    """An app's config claim: 1Gi on proxmox-lvm, grown by the autoresizer up to 5Gi."""
    return ProxmoxVolume(name, ProxmoxVolumeArgs(namespace=namespace, storage="1Gi", storage_limit="5Gi"), opts=opts)


def nas_share(name: str, path: str, **kwargs) -> NfsVolume:
    return NfsVolume(name, NfsVolumeArgs(namespace=NS, nfs_server=NAS, nfs_path=path, **kwargs), opts=ns_opts)


def claim(volume: str, claim_name) -> dict:
    return {"name": volume, "persistent_volume_claim": {"claim_name": claim_name}}


def homepage_annotations(name: str, description: str, icon: str, **widget) -> dict:
    annotations = {
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": name,
        "gethomepage.dev/description": description,
        "gethomepage.dev/icon": icon,
        "gethomepage.dev/group": "Media & Entertainment",
        "gethomepage.dev/pod-selector": "",
    }
    annotations.update({f"gethomepage.dev/widget.{k}": v for k, v in widget.items()})
    return annotations


def ingress(name: str, namespace: str = NS, *, dns_type: str = "proxied", opts=ns_opts, **kwargs) -> IngressFactory:
    return IngressFactory(name, IngressArgs.on_cluster(settings, namespace=namespace, dns_type=dns_type, **kwargs),
                          opts=opts)


# --- Prowlarr ------------------------------------------------------------------------
prowlarr_data = data_claim("servarr-prowlarr-data-proxmox")
prowlarr_downloads = nas_share("servarr-prowlarr-downloads-host", "/srv/nfs/servarr/downloads")
WebApp("prowlarr", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, strategy="Recreate",
    annotations=RELOADER, pod_annotations=DIUN_SEMVER,
    containers=[{
        "name": "prowlarr",
        "image": "lscr.io/linuxserver/prowlarr:2.3.5",
        "resources": {"requests": {"cpu": "10m", "memory": "192Mi"}, "limits": {"memory": "384Mi"}},
        "ports": [{"container_port": 9696}],
        "env": env({"PUID": 1000, "PGID": 1000, "TZ": "Etc/UTC"}),
        "volume_mounts": [{"name": "data", "mount_path": "/config"},
                          {"name": "data", "mount_path": "/books"},
                          {"name": "downloads", "mount_path": "/downloads"}],
    }],
    volumes=[claim("data", prowlarr_data.claim_name), claim("downloads", prowlarr_downloads.claim_name)],
    service_ports=[{"name": "http", "port": 80, "target_port": 9696}],
), opts=ns_opts)
ingress("prowlarr", extra_annotations=homepage_annotations(
    "Prowlarr", "Indexer manager", "prowlarr.png", type="prowlarr",
    url="http://prowlarr.servarr.svc.cluster.local", key=json_value(homepage, "prowlarr", "api_key")))

# --- qBittorrent -----------------------------------------------------------------------
qbt_data = data_claim("servarr-qbittorrent-data-proxmox")
qbt_downloads = nas_share("servarr-qbittorrent-downloads-host", "/srv/nfs/servarr/downloads")
qbt_audiobooks = nas_share("servarr-qbittorrent-audiobooks-host", "/srv/nfs/audiobookshelf/audiobooks")
qbt_ingest = nas_share("servarr-qbittorrent-calibre-ingest-host", "/srv/nfs/calibre-web-automated/cwa-book-ingest")
qbittorrent = WebApp("qbittorrent", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, strategy="Recreate",
    annotations=RELOADER, pod_annotations=DIUN_SEMVER,
    containers=[{
        "name": "qbittorrent",
        "image": "lscr.io/linuxserver/qbittorrent:5.1.4",
        "ports": [{"container_port": 8080}],
        "env": env({"PUID": 1000, "PGID": 1000, "WEBUI_PORT": 8080, "TORRENTING_PORT": 50000}),
        "volume_mounts": [{"name": "data", "mount_path": "/config"},
                          {"name": "downloads", "mount_path": "/downloads"},
                          {"name": "audiobooks", "mount_path": "/audiobooks"},
                          {"name": "calibre-ingest", "mount_path": "/cwa-book-ingest"}],
        "resources": {"requests": {"memory": "512Mi", "cpu": "50m"}, "limits": {"memory": "1Gi"}},
    }],
    volumes=[claim("data", qbt_data.claim_name), claim("downloads", qbt_downloads.claim_name),
             claim("audiobooks", qbt_audiobooks.claim_name), claim("calibre-ingest", qbt_ingest.claim_name)],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

# The peer port (TCP and UDP 50000) on the shared MetalLB address.
shared_lb = settings.shared_lb()
k8s.core.v1.Service(
    "qbittorrent-torrenting",
    metadata={"name": "qbittorrent-torrenting", "namespace": NS, "labels": {"app": "qbittorrent-torrenting"},
              "annotations": shared_lb.annotations},
    spec={"type": "LoadBalancer", "external_traffic_policy": "Cluster", "selector": {"app": "qbittorrent"},
          "ports": [{"name": "torrenting", "port": 50000, "target_port": 50000, "protocol": "TCP"},
                    {"name": "torrenting-udp", "port": 50000, "target_port": 50000, "protocol": "UDP"}]},
    opts=pulumi.ResourceOptions.merge(ns_opts, pulumi.ResourceOptions(ignore_changes=shared_lb.ignore_changes)))

ratio_script = PayloadConfigMap("qbt-ratio-monitor-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"monitor.py": "qbt-ratio-monitor.py"}), opts=ns_opts)
ScheduledJob("qbittorrent-ratio-monitor", ScheduledJobArgs(
    namespace=NS, schedule="*/30 * * * *", concurrency_policy="Replace",
    successful_jobs_history_limit=3, failed_jobs_history_limit=3,
    backoff_limit=2, ttl_seconds_after_finished=300,
    containers=[{
        "name": "ratio-monitor",
        "image": PYTHON,
        "command": ["/bin/sh", "-c",
                    "set -euo pipefail; pip install -q requests > /dev/null 2>&1; python3 /tmp/monitor.py"],
        "volume_mounts": [{"name": "script", "mount_path": "/tmp/monitor.py", "sub_path": "monitor.py"}],
        "resources": SMALL_JOB,
    }],
    volumes=[ratio_script.volume("script")],
    pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
), opts=ns_opts)

ingress("qbittorrent", dns_type="non-proxied", extra_annotations=homepage_annotations(
    "qBittorrent", "BitTorrent client", "qbittorrent.png", type="qbittorrent",
    url="http://qbittorrent.servarr.svc.cluster.local",
    username=json_value(homepage, "qbittorrent", "username"),
    password=json_value(homepage, "qbittorrent", "password")))

# --- MAM farming: grabber and BP spender (both suspended upstream), janitor -------------------
mam_opts = pulumi.ResourceOptions(depends_on=[namespace, secrets, qbittorrent])
mam_data = NfsVolume("servarr-mam-farming-data", NfsVolumeArgs(
    namespace=NS, nfs_server=NAS, nfs_path="/srv/nfs/servarr/mam-farming", storage="1Gi"), opts=mam_opts)
MAM_RUN = "pip install -q requests > /dev/null 2>&1; python3 /tmp/script.py"
MAM_ID = {"name": "MAM_ID", "value_from": {"secret_key_ref": {"name": SECRETS, "key": "mam_id"}}}
SCRIPT_MOUNT = {"name": "script", "mount_path": "/tmp/script.py", "sub_path": "script.py"}


def mam_job(name: str, config_map: str, script: str, container: str, schedule: str, *,
            suspend: bool | None, env_vars: list, with_data: bool) -> None:
    cm = PayloadConfigMap(config_map, PayloadConfigMapArgs(namespace=NS, stack_dir=HERE,
                                                           files={"script.py": script}), opts=mam_opts)
    mounts = [SCRIPT_MOUNT] + ([{"name": "data", "mount_path": "/data"}] if with_data else [])
    volumes = [cm.volume("script")] + ([claim("data", mam_data.claim_name)] if with_data else [])
    ScheduledJob(name, ScheduledJobArgs(
        namespace=NS, schedule=schedule, suspend=suspend, concurrency_policy="Forbid",
        successful_jobs_history_limit=3, failed_jobs_history_limit=3,
        backoff_limit=2, ttl_seconds_after_finished=300,
        containers=[{"name": container, "image": PYTHON, "command": ["/bin/sh", "-c", MAM_RUN],
                     "env": env_vars, "resources": SMALL_JOB, "volume_mounts": mounts}],
        volumes=volumes,
    ), opts=mam_opts)


# Grabber and spender stay suspended while the MAM account is disabled (see README).
mam_job("mam-freeleech-grabber", "mam-freeleech-grabber-script", "freeleech-grabber.py", "freeleech-grabber",
        "*/30 * * * *", suspend=True, env_vars=[MAM_ID], with_data=True)
# :15 past every sixth hour, off the grabber's minutes: both rotate the same cookie file.
mam_job("mam-bp-spender", "mam-bp-spender-script", "bp-spender.py", "bp-spender",
        "15 */6 * * *", suspend=True, env_vars=[MAM_ID], with_data=True)
mam_job("mam-farming-janitor", "mam-farming-janitor-script", "mam-farming-janitor.py", "farming-janitor",
        "*/15 * * * *", suspend=None, env_vars=[{"name": "DRY_RUN", "value": "0"}], with_data=False)

# --- FlareSolverr ------------------------------------------------------------------------
WebApp("flaresolverr", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, annotations=RELOADER,
    containers=[{
        "name": "flaresolverr",
        "image": "ghcr.io/flaresolverr/flaresolverr:latest",
        "resources": {"requests": {"cpu": "10m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
        "ports": [{"container_port": 8191}],
    }],
    service_ports=[{"name": "http", "target_port": 8191, "port": 80}],
), opts=ns_opts)
ingress("flaresolverr", extra_annotations=homepage_annotations(
    "FlareSolverr", "Captcha solver proxy", "flaresolverr.png"))

# --- Listenarr -----------------------------------------------------------------------------
listenarr_data = data_claim("servarr-listenarr-data-proxmox")
listenarr_downloads = nas_share("servarr-listenarr-downloads-host", "/srv/nfs/servarr/downloads")
WebApp("listenarr", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, keel=True, strategy="Recreate", annotations=RELOADER,
    containers=[{
        "name": "listenarr",
        "image": "ghcr.io/therobbiedavis/listenarr:canary",
        "ports": [{"container_port": 5000}],
        "volume_mounts": [{"name": "data", "mount_path": "/app/config"}],
        "resources": {"requests": {"cpu": "25m", "memory": "896Mi"}, "limits": {"memory": "896Mi"}},
    }],
    # `downloads` is declared but not mounted, as upstream.
    volumes=[claim("data", listenarr_data.claim_name), claim("downloads", listenarr_downloads.claim_name)],
    service_ports=[{"name": "http", "port": 80, "target_port": 5000}],
), opts=ns_opts)
ingress("listenarr", extra_annotations=homepage_annotations("Listenarr", "Podcast manager", "mdi-podcast"))

# --- AIOStreams (namespace aiostreams) -------------------------------------------------------
AIO = "aiostreams"
aio_namespace = Namespace(AIO, NamespaceArgs(
    tier=None, no_tier_reason="upstream never labelled the aiostreams namespace with a tier; adding one now "
                              "would let Kyverno generate a quota and LimitRange under the running pods",
    labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
aio_opts = pulumi.ResourceOptions(depends_on=[aio_namespace])

# 32 random bytes; the app gets them as 64 hex characters.
secret_key = random.RandomId("secret_key", byte_length=32)
aio_data = data_claim("aiostreams-data-proxmox", AIO, aio_opts)
REGEX_URLS = ["https://raw.githubusercontent.com/Vidhin05/Releases-Regex/main/English/regexes.json"]
SEL_URLS = [
    "https://raw.githubusercontent.com/Vidhin05/Releases-Regex/main/English/expressions.json",
    "https://raw.githubusercontent.com/Tam-Taro/SEL-Filtering-and-Sorting/main/AIOStreams-SyncedURLs/Tamtaro-synced-ISEs.json",
    "https://raw.githubusercontent.com/Tam-Taro/SEL-Filtering-and-Sorting/main/AIOStreams-SyncedURLs/Tamtaro-synced-PSEs.json",
    "https://raw.githubusercontent.com/Tam-Taro/SEL-Filtering-and-Sorting/main/AIOStreams-SyncedURLs/Tamtaro-synced-ESEs-standard.json",
]
aiostreams = WebApp(AIO, WebAppArgs(
    namespace=AIO, tier=c.TIER_AUX, keel=True, strategy="Recreate",
    containers=[{
        "name": AIO,
        "image": "viren070/aiostreams:2026.05.14.1326-nightly",
        "ports": [{"container_port": 3000}],
        "env": [
            {"name": "BASE_URL", "value": "https://aiostreams.viktorbarzin.me"},
            {"name": "SECRET_KEY", "value": pulumi.Output.secret(secret_key.hex)},
            {"name": "DATABASE_URI", "value": synced["aiostreams_database_connection_string"]},
            # Stream responses cached for an hour (the app's default is no cache).
            {"name": "STREAM_CACHE_TTL", "value": "3600"},
            {"name": "WHITELISTED_REGEX_PATTERNS_URLS", "value": jsonencode(REGEX_URLS)},
            {"name": "WHITELISTED_SEL_URLS", "value": jsonencode(SEL_URLS)},
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/app/data"}],
        "resources": {"requests": {"cpu": "25m", "memory": "768Mi"}, "limits": {"memory": "768Mi"}},
    }],
    volumes=[claim("data", aio_data.claim_name)],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000}],
), opts=aio_opts)

PROBE_SECRETS = "aiostreams-probe-secrets"
probe_secrets = ExternalSecret(PROBE_SECRETS, ExternalSecretArgs(namespace=AIO, data=[
    SecretKey(secret_key="AIOSTREAMS_UUID", key="viktor", property="aiostreams_uuid"),
    SecretKey(secret_key="AIOSTREAMS_PASSWORD", key="viktor", property="aiostreams_password"),
    SecretKey(secret_key="STREMIO_EMAIL", key="viktor", property="stremio_email"),
    SecretKey(secret_key="STREMIO_PASSWORD", key="viktor", property="stremio_password"),
]), opts=aio_opts)
aio_backup = NfsVolume("aiostreams-backup", NfsVolumeArgs(
    namespace=AIO, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/aiostreams-backup", storage="1Gi"),
    opts=aio_opts)


def aio_job(name: str, script: str, schedule: str, *, suspend: bool | None, concurrency: str, backoff: int,
            ttl: int, container: str, backup: bool, after: list) -> None:
    mounts = [{"name": "backup", "mount_path": "/backup"}] if backup else []
    ScheduledJob(name, ScheduledJobArgs(
        namespace=AIO, schedule=schedule, suspend=suspend, concurrency_policy=concurrency,
        successful_jobs_history_limit=3, failed_jobs_history_limit=3,
        backoff_limit=backoff, ttl_seconds_after_finished=ttl,
        containers=[{"name": container, "image": PYTHON,
                     "command": ["/bin/sh", "-c", load_payload(HERE, script)],
                     "env_from": [{"secret_ref": {"name": PROBE_SECRETS}}],
                     **({"volume_mounts": mounts} if mounts else {}),
                     "resources": SMALL_JOB}],
        volumes=[claim("backup", aio_backup.claim_name)] if backup else [],
    ), opts=pulumi.ResourceOptions(depends_on=[aio_namespace, probe_secrets, *after]))


# Suspended upstream: the pip install on every 5-minute run cost more than the check was worth.
aio_job("aiostreams-stream-probe", "aiostreams-stream-probe.sh", "*/5 * * * *", suspend=True,
        concurrency="Replace", backoff=1, ttl=300, container="probe", backup=False, after=[aiostreams])
aio_job("aiostreams-config-backup", "aiostreams-config-backup.sh", "0 3 * * 0", suspend=None,
        concurrency="Forbid", backoff=2, ttl=600, container="backup", backup=True, after=[aiostreams, aio_backup])
aio_job("stremio-account-backup", "stremio-account-backup.sh", "0 4 * * 0", suspend=None,
        concurrency="Forbid", backoff=2, ttl=600, container="backup", backup=True, after=[aio_backup])

ingress(AIO, AIO, opts=aio_opts, auth="app",
        auth_reason="AIOStreams checks its own UUID + password on /configure and /api, and Stremio addon URLs "
                    "carry the encrypted password as a bearer path segment; Stremio clients cannot follow "
                    "a forward-auth redirect",
        extra_annotations=homepage_annotations("AIOStreams", "Streaming addon manager", "stremio.png"))
