"""nextcloud: the Nextcloud file/calendar/contacts server (Helm chart 8.8.1) and its helpers.

The chart runs the app on the encrypted data claim, with MySQL from the dbaas stack and the
two Proxmox NFS roots mounted for Files External. Around it: the image-tag floor fed from
the live Deployment (Keel moves the tag; a re-render must never go below it), the Files
External bootstrap Job, a half-hourly watchdog (Apache runaway, interrupted upgrade, stuck
maintenance mode), a weekly rsync backup to NFS and the CalDAV/CardDAV discovery redirect.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import yaml

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import LimitRange, Namespace, NamespaceArgs, Quota
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import is_placeholder, load_payload, offline_synth
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import OneOffJob, OneOffJobArgs, ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.tls_secret import cluster_tls_secret
from components.traefik_middleware import TraefikMiddleware, TraefikMiddlewareArgs
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
config = pulumi.Config("nextcloud")
HERE = Path(__file__).parent
NS = APP = "nextcloud"
NFS_SERVER = "192.168.1.127"
# Used only when there is no live Deployment to follow (fresh install / DR, see README).
IMAGE_TAG_FLOOR = config.get("imageTagFloor") or "32.0.9"
# Upstream's bitnami image, kept: the bootstrap Job is immutable and the watchdog is adopted as is.
UPSTREAM_KUBECTL = "bitnami/kubectl:latest"

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_EDGE,
    labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"},
    quota=Quota(name="nextcloud-quota", hard={
        "requests.cpu": "4", "requests.memory": "8Gi", "limits.memory": "16Gi", "pods": "10"}),
    limit_range=LimitRange(name="nextcloud-limits", limits=[{
        "type": "Container", "default": {"memory": "256Mi"},
        "default_request": {"cpu": "25m", "memory": "64Mi"}, "max": {"memory": "8Gi"}}]),
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

secrets = ExternalSecret("nextcloud-secrets", ExternalSecretArgs(namespace=NS, extract=["nextcloud"]), opts=ns_opts)
# The chart reads the rotated MySQL password through externalDatabase.existingSecret.
db_creds = ExternalSecret("nextcloud-db-creds", ExternalSecretArgs(
    namespace=NS, store="vault-database",
    template={"data": {"DB_PASSWORD": "{{ .password }}", "db-username": "nextcloud"}},
    data=[SecretKey(secret_key="password", key="static-creds/mysql-nextcloud", property="password")]), opts=ns_opts)

synced = read_live("nextcloud-secrets", LiveReadArgs(
    namespace=NS, keys=["homepage_credentials"], depends_on=[secrets], source="Vault secret/nextcloud"))
widget_login = {k: json_value(synced["homepage_credentials"], "nextcloud", k) for k in ("username", "password")}


# --- image tag: follow the live Deployment, never below it -------------------------------------------
def image_tag(image: str) -> str:
    """The chart's `image.tag` for live image ``image``: its last `:` segment without the
    `-apache` flavour suffix (the chart adds the flavour back); the floor when there is none."""
    tag = image.rsplit(":", 1)[-1].replace("-apache", "") if image else ""
    return tag or IMAGE_TAG_FLOOR


if config.get_bool("followLiveImage") is False:
    live_image: pulumi.Input[str] = ""
else:
    # The namespace is a literal and the read has no dependency on it, as upstream: the tag is
    # known at preview. Offline (and with no container image) it is empty, i.e. the floor.
    live_image = pulumi.Output.unsecret(read_live(APP, LiveReadArgs(
        namespace=NS, kind="Deployment", keys=["image"], placeholders={"image": ""},
        optional={"image": ""}, resource_name="nextcloud-live"))["image"])
IMAGE_TAG = pulumi.Output.from_input(live_image).apply(image_tag)

# --- storage ------------------------------------------------------------------------------------------
data = ProxmoxVolume("nextcloud-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="20Gi", storage_limit="100Gi", increase="20%",
    storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
backups = NfsVolume("nextcloud-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=NFS_SERVER, nfs_path="/srv/nfs/nextcloud-backup"), opts=ns_opts)
pve_nfs = NfsVolume("nextcloud-pve-nfs-root", NfsVolumeArgs(
    namespace=NS, nfs_server=NFS_SERVER, nfs_path="/srv/nfs", storage="3000Gi"), opts=ns_opts)
pve_nfs_ssd = NfsVolume("nextcloud-pve-nfs-ssd-root", NfsVolumeArgs(
    namespace=NS, nfs_server=NFS_SERVER, nfs_path="/srv/nfs-ssd", storage="100Gi"), opts=ns_opts)

# --- ConfigMaps the chart's pod mounts ----------------------------------------------------------------
apache_tuning = PayloadConfigMap("nextcloud-apache-tuning", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"mpm_prefork.conf": "mpm_prefork.conf"}), opts=ns_opts)
# Runs before Apache starts: Vault rotates the MySQL password, ESO syncs it, Reloader restarts
# the pod, and this hook writes the new password into config.php.
db_password_sync = PayloadConfigMap("nextcloud-db-password-sync", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE,
    files={"sync-db-password.sh": "sync-db-password.sh", "patch-db-pw.php": "patch-db-pw.php"}), opts=ns_opts)

CONFIG_FILES = ("zzz-redis.config.php", "performance.config.php", "zzz-mysql.config.php")


def php_configs() -> dict[str, str]:
    """`nextcloud.configs` of the chart: the PHP snippets, taken from the brought-over values file."""
    text = load_payload(HERE, "chart_values.yaml")
    if is_placeholder(text):
        return {name: text for name in CONFIG_FILES}
    document = yaml.safe_load(text)
    configs = (document.get("nextcloud") or {}).get("configs") if isinstance(document, dict) else None
    missing = [name for name in CONFIG_FILES if not isinstance(configs, dict) or name not in configs]
    if missing:
        problem = f"files/chart_values.yaml has no nextcloud.configs {missing}; bring over upstream's values file"
        if not offline_synth():
            raise ValueError(problem)
        pulumi.log.warn(problem + " (offline: its text stands in)")
        return {name: text for name in CONFIG_FILES}
    return {name: configs[name] for name in CONFIG_FILES}


VALUES = {
    "image": {"flavor": "apache", "tag": IMAGE_TAG},
    "nextcloud": {
        "host": "nextcloud.viktorbarzin.me",
        "trustedDomains": ["nextcloud.viktorbarzin.me"],
        "extraEnv": [
            {"name": "TRUSTED_PROXIES", "value": "10.0.0.0/8"},
            {"name": "PHP_MEMORY_LIMIT", "value": "512M"},
            {"name": "PHP_UPLOAD_LIMIT", "value": "16G"},
        ],
        "configs": php_configs(),
        "phpConfigs": {"zzz-custom.ini": (
            "max_execution_time = 300\nmax_input_time = 300\ndefault_socket_timeout = 300\n"
            "opcache.enable_file_override = 1\napc.shm_size = 128M\n")},
        "extraVolumes": [
            {"name": "apache-tuning", "configMap": {"name": "nextcloud-apache-tuning"}},
            {"name": "db-password-sync", "configMap": {"name": "nextcloud-db-password-sync", "defaultMode": 0o755}},
            {"name": "pve-nfs", "persistentVolumeClaim": {"claimName": "nextcloud-pve-nfs-root"}},
            {"name": "pve-nfs-ssd", "persistentVolumeClaim": {"claimName": "nextcloud-pve-nfs-ssd-root"}},
        ],
        "extraVolumeMounts": [
            {"name": "apache-tuning", "mountPath": "/etc/apache2/mods-available/mpm_prefork.conf",
             "subPath": "mpm_prefork.conf"},
            {"name": "db-password-sync", "mountPath": "/docker-entrypoint-hooks.d/before-starting"},
            {"name": "pve-nfs", "mountPath": "/mnt/pve-nfs"},
            {"name": "pve-nfs-ssd", "mountPath": "/mnt/pve-nfs-ssd"},
        ],
    },
    "internalDatabase": {"enabled": False},
    "externalRedis": {"enabled": False},
    "externalDatabase": {
        "enabled": True, "type": "mysql", "host": settings.mysql_host, "user": "nextcloud", "database": "nextcloud",
        "existingSecret": {"secretName": "nextcloud-db-creds", "usernameKey": "db-username", "passwordKey": "DB_PASSWORD"},
    },
    "persistence": {"enabled": True, "existingClaim": "nextcloud-data-encrypted", "accessMode": "ReadWriteOnce", "size": "20Gi"},
    "startupProbe": {"enabled": True, "initialDelaySeconds": 30, "periodSeconds": 10, "timeoutSeconds": 30,
                     "failureThreshold": 60, "successThreshold": 1},
    "livenessProbe": {"enabled": True, "initialDelaySeconds": 30, "periodSeconds": 60, "timeoutSeconds": 30,
                      "failureThreshold": 10, "successThreshold": 1},
    "readinessProbe": {"enabled": True, "initialDelaySeconds": 30, "periodSeconds": 60, "timeoutSeconds": 30,
                       "failureThreshold": 5, "successThreshold": 1},
    "podAnnotations": {
        "diun.enable": "true",
        "diun.include_tags": "^[0-9]+(?:.[0-9]+)?(?:.[0-9]+)?.*",
        "dependency.kyverno.io/wait-for": "mysql.dbaas:3306,redis-master.redis:6379",
        "secret.reloader.stakater.com/reload": "nextcloud-db-creds",
    },
    # OnRootMismatch: without it every restart re-chowns the NFS roots (600k+ files).
    "securityContext": {"fsGroup": 33, "fsGroupChangePolicy": "OnRootMismatch"},
    "collabora": {"enabled": False},
    "resources": {"limits": {"memory": "8Gi"}, "requests": {"cpu": "50m", "memory": "256Mi"}},
    "cronjob": {"enabled": True, "resources": {"limits": {"memory": "384Mi"}, "requests": {"cpu": "25m", "memory": "384Mi"}}},
}

release = HelmRelease("nextcloud", HelmReleaseArgs(
    namespace=NS, chart="nextcloud", version="8.8.1", repository="https://nextcloud.github.io/helm/",
    values=VALUES, atomic=True, cleanup_on_fail=False, timeout=6000,
), opts=pulumi.ResourceOptions(depends_on=[namespace, db_creds, data, pve_nfs, pve_nfs_ssd, apache_tuning, db_password_sync]))

# --- ingress: the app's own auth (WebDAV/CalDAV/CardDAV clients), discovery redirect --------------------
# Apple's CalDAV/CardDAV discovery refuses the http:// redirect Nextcloud's .htaccess builds
# behind TLS termination; Traefik answers /.well-known/{caldav,carddav} with an https one.
wellknown = TraefikMiddleware("wellknown-dav", TraefikMiddlewareArgs(namespace=NS, spec={"redirectRegex": {
    "regex": "^https?://([^/]+)/\\.well-known/(caldav|carddav)/?$",
    "replacement": "https://${1}/remote.php/dav/",
    "permanent": True,
}}), opts=ns_opts)

IngressFactory("nextcloud", IngressArgs.on_cluster(
    settings, namespace=NS, auth="app",
    auth_reason="WebDAV, CalDAV and CardDAV clients (desktop, mobile, calendar sync) use HTTP Basic auth with "
                "Nextcloud app passwords; Nextcloud enforces its own authentication",
    dns_type="proxied", port=8080,
    extra_middlewares=["nextcloud-wellknown-dav@kubernetescrd"],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Nextcloud",
        "gethomepage.dev/description": "Cloud productivity suite",
        "gethomepage.dev/icon": "nextcloud.png",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "nextcloud",
        "gethomepage.dev/widget.url": "https://nextcloud.viktorbarzin.me",
        "gethomepage.dev/widget.username": widget_login["username"],
        "gethomepage.dev/widget.password": widget_login["password"],
    },
), opts=ns_opts)

# --- Files External bootstrap (admin pool browsers + per-user archive mounts) ----------------------------
MOUNTS = {
    "rootMounts": [
        {"mountPoint": "/PVE NFS Pool", "dataDir": "/mnt/pve-nfs", "applicableGroup": "admin", "enableSharing": True},
        {"mountPoint": "/PVE NFS-SSD Pool", "dataDir": "/mnt/pve-nfs-ssd", "applicableGroup": "admin", "enableSharing": True},
    ],
    "archiveMounts": [
        # Nextcloud user names: admin (Viktor) and anca.
        {"mountPoint": "/anca-elements", "dataDir": "/mnt/pve-nfs/anca-elements",
         "applicableUsers": ["anca", "admin"], "applicableGroups": [], "enableSharing": False},
    ],
}
manifest = k8s.core.v1.ConfigMap(
    "nextcloud-external-storage-manifest",
    metadata={"name": "nextcloud-external-storage-manifest", "namespace": NS},
    data={"manifest.json": jsonencode(MOUNTS)},
    opts=ns_opts,
)

bootstrap_rbac = WorkloadRbac("nextcloud-external-storage-bootstrap", WorkloadRbacArgs(namespace=NS, rules=[
    Rule(api_groups=[""], resources=["pods"], verbs=["list", "get", "watch"]),
    Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"]),
]), opts=ns_opts)

# Immutable: only a byte-identical template is adopted without a re-run (the script is idempotent).
OneOffJob("nextcloud-external-storage-bootstrap", OneOffJobArgs(
    namespace=NS, backoff_limit=5, ttl_seconds_after_finished=600, restart_policy="OnFailure",
    service_account_name=bootstrap_rbac.service_account_name, pod_metadata={},
    containers=[{
        "name": "bootstrap", "image": UPSTREAM_KUBECTL,
        "command": ["/bin/bash", "-c", load_payload(HERE, "external-storage-bootstrap.sh")],
        "volume_mounts": [{"name": "manifest", "mount_path": "/manifest"}],
    }],
    volumes=[{"name": "manifest", "config_map": {"name": manifest.metadata["name"]}}],
), opts=pulumi.ResourceOptions(depends_on=[release], custom_timeouts=pulumi.CustomTimeouts(create="12m")))

# --- watchdog --------------------------------------------------------------------------------------------
watchdog_rbac = WorkloadRbac("nextcloud-watchdog", WorkloadRbacArgs(namespace=NS, rules=[
    Rule(api_groups=["apps"], resources=["deployments"], verbs=["get", "patch"]),
    Rule(api_groups=[""], resources=["pods"], verbs=["list", "get"]),
    Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"]),
]), opts=ns_opts)

# Every 30 minutes (its self-heal for a stuck maintenance flag waits out a 30-minute grace).
ScheduledJob("nextcloud-watchdog", ScheduledJobArgs(
    namespace=NS, schedule="*/30 * * * *", concurrency_policy="Forbid",
    successful_jobs_history_limit=1, failed_jobs_history_limit=3,
    active_deadline_seconds=600, restart_policy="Never",
    service_account_name=watchdog_rbac.service_account_name, job_metadata={}, pod_metadata={},
    containers=[{"name": "watchdog", "image": UPSTREAM_KUBECTL,
                 "command": ["/bin/bash", "-c", load_payload(HERE, "watchdog.sh")]}],
), opts=ns_opts)

# --- weekly rsync backup of the data claim (beside the app: the claim is ReadWriteOnce) ----------------
backup_scripts = PayloadConfigMap("nextcloud-backup-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"backup.sh": "backup.sh", "restore.sh": "restore.sh"}), opts=ns_opts)

# The rsync script pushes no metrics; the CronJob was a ScheduledJob of the same name before.
AppBackup("nextcloud-backup", AppBackupArgs(
    namespace=NS, schedule="0 3 * * 0", image="alpine:latest", container_name="backup",
    script="apk add --no-cache rsync bash && /scripts/backup.sh",
    concurrency_policy="Forbid", starting_deadline_seconds=None, restart_policy="OnFailure",
    backoff_limit=None, ttl_seconds_after_finished=None,
    # Read-write, as upstream mounts it.
    sources=[BackupSource(volume_name="nextcloud-data", claim_name=data.claim_name,
                          mount_path="/nextcloud-data", read_only=False)],
    claim_name=backups.claim_name,
    owner_labels={"app.kubernetes.io/name": APP, "app.kubernetes.io/instance": APP}, owner_namespaces=[NS],
    extra_volumes=[backup_scripts.volume("scripts", default_mode=0o755)],
    extra_mounts=[{"name": "scripts", "mount_path": "/scripts"}],
    moved_from_component="ScheduledJob",
), opts=ns_opts)

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
pulumi.export("image_tag", IMAGE_TAG)
