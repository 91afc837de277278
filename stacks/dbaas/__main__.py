"""dbaas (Tier 0): the shared MySQL and PostgreSQL servers, their nightly dumps and admin UIs.

MySQL is one standalone StatefulSet behind the `mysql` Service; PostgreSQL is the
CloudNativePG cluster `pg-cluster` (operator from the cnpg stack) behind `postgresql` and a
LoadBalancer. App databases and static users are bootstrapped by idempotent SQL
(components.db_bootstrap). Four CronJobs dump both servers to NFS every night.
phpMyAdmin (pma) and pgAdmin sit behind Authentik.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.backup_cronjob import BackupCronJob, BackupCronJobArgs
from components.constants import IMAGE_POLICY_ANNOTATION, IMAGE_POLICY_KEEL
from components.db_bootstrap import MysqlUser, MysqlUserArgs, PostgresDatabase, PostgresDatabaseArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs, Quota
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import deployment_ignore_changes, env, sablier_labels, secret_env
from dbaas_mysql import ROOT_SECRET, SERVICE as MYSQL_SERVICE, mysql_server
from dbaas_postgres import APP_DATABASES, CLUSTER, PRIMARY_SELECTOR, SUPERUSER_SECRET, cluster_spec

STACK_DIR = Path(__file__).resolve().parent
NS = "dbaas"

settings = ClusterSettings.load()
TIER = settings.tier("cluster")

# Own quota; the LimitRange of this namespace belongs to Kyverno (generate-limitrange-by-tier).
namespace = Namespace(NS, NamespaceArgs(tier=TIER, quota=Quota(hard={
    "requests.cpu": "8", "requests.memory": "40Gi", "limits.memory": "40Gi", "pods": "30"})))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- MySQL ------------------------------------------------------------------------------------
root_secret = k8s.core.v1.Secret(
    ROOT_SECRET,
    metadata={"name": ROOT_SECRET, "namespace": NS, "annotations": {"reloader.stakater.com/match": "true"}},
    type="Opaque",
    string_data={"ROOT_PASSWORD": vault_field("platform", "dbaas_root_password")},
    opts=ns_opts,
)

mysql_statefulset, _ = mysql_server(NS, TIER, root_secret.metadata["name"],
                                    load_payload(STACK_DIR, "standalone.cnf"), ns_opts)

# Static users that apps keep in their own config (not rotated by Vault); passwords in secret/viktor.
for user in ("forgejo", "roundcubemail"):
    MysqlUser(f"mysql-user-{user}", MysqlUserArgs(
        user=user, database=user, password=vault_field("viktor", f"mysql_{user}_password"), namespace=NS,
    ), opts=pulumi.ResourceOptions(depends_on=[mysql_statefulset]))

# --- PostgreSQL (CloudNativePG) -----------------------------------------------------------------
pg_cluster = k8s.apiextensions.CustomResource(
    CLUSTER,
    api_version="postgresql.cnpg.io/v1",
    kind="Cluster",
    metadata={"name": CLUSTER, "namespace": NS},
    spec=cluster_spec(),
    opts=pulumi.ResourceOptions(depends_on=[namespace], protect=True),
)

postgres_port = [{"name": "postgresql", "port": 5432, "target_port": 5432}]
# The pre-CloudNativePG address `postgresql.dbaas`, now the current primary.
k8s.core.v1.Service(
    "postgresql",
    metadata={"name": "postgresql", "namespace": NS},
    spec={"selector": PRIMARY_SELECTOR, "ports": postgres_port},
    opts=ns_opts,
)
# The shared MetalLB address (reachable from the DevVM); the live Service spells the
# annotation the pre-0.13 way.
shared_lb = settings.shared_lb(legacy_annotation=True)
k8s.core.v1.Service(
    "postgresql-lb",
    metadata={"name": "postgresql-lb", "namespace": NS, "annotations": shared_lb.annotations},
    spec={"type": "LoadBalancer", "selector": PRIMARY_SELECTOR, "ports": postgres_port},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=shared_lb.ignore_changes),
)

for logical_name, (owner, databases, schema) in APP_DATABASES.items():
    PostgresDatabase(logical_name, PostgresDatabaseArgs(
        owner=owner, databases=databases, schema=schema, namespace=NS, cluster=CLUSTER,
    ), opts=pulumi.ResourceOptions(depends_on=[pg_cluster]))

# --- nightly dumps to NFS (00:00-00:45, one server at a time) ------------------------------------
mysql_backups = NfsVolume("dbaas-mysql-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/mysql-backup"), opts=ns_opts)
postgres_backups = NfsVolume("dbaas-postgresql-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/postgresql-backup"), opts=ns_opts)

MYSQL_CLIENT = "docker.io/library/mysql:8.0"
POSTGRES_CLIENT = "docker.io/library/postgres:16.4-bullseye"
mysql_env = [*secret_env(ROOT_SECRET, {"MYSQL_PWD": "ROOT_PASSWORD"}), *env({"MYSQL_HOST": settings.mysql_host})]
postgres_env = [*secret_env(SUPERUSER_SECRET, {"PGPASSWORD": "password"}),
                *env({"PGHOST": settings.postgresql_host, "PGUSER": "postgres"})]
FULL_DUMP_METRICS = ["backup_duration_seconds", "backup_read_bytes", "backup_written_bytes",
                     "backup_output_bytes", "backup_last_success_timestamp"]
PER_DB_METRICS = ["backup_duration_seconds", "backup_databases_total", "backup_databases_ok",
                  "backup_databases_failed", "backup_last_success_timestamp"]

# name -> (schedule, client image, env, backup claim, volume name, history kept, metrics, resources)
BACKUPS = {
    "postgresql-backup": ("0 0 * * *", POSTGRES_CLIENT, postgres_env, postgres_backups, "postgresql-backup",
                          (10, 5), FULL_DUMP_METRICS, None),
    "postgresql-backup-per-db": ("15 0 * * *", POSTGRES_CLIENT, postgres_env, postgres_backups,
                                 "postgresql-backup", (3, 3), PER_DB_METRICS,
                                 {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}),
    "mysql-backup": ("30 0 * * *", MYSQL_CLIENT, mysql_env, mysql_backups, "mysql-backup",
                     (10, 5), FULL_DUMP_METRICS, None),
    "mysql-backup-per-db": ("45 0 * * *", MYSQL_CLIENT, mysql_env, mysql_backups, "mysql-backup",
                            (3, 3), PER_DB_METRICS, None),
}
for name, (schedule, image, job_env, claim, volume, (kept_ok, kept_failed), metrics, resources) in BACKUPS.items():
    BackupCronJob(name, BackupCronJobArgs(
        namespace=NS, schedule=schedule, image=image, env=job_env,
        script=load_payload(STACK_DIR, f"{name}.sh"), metrics=metrics,
        claim_name=claim.claim_name, volume_name=volume, resources=resources,
        successful_jobs_history_limit=kept_ok, failed_jobs_history_limit=kept_failed,
    ), opts=ns_opts)

# --- phpMyAdmin (pma) ------------------------------------------------------------------------------
# Service identity (Goldmane flow attribution in a multi-Service namespace) is the Service name.
WebApp("phpmyadmin", WebAppArgs(
    namespace=NS,
    tier=TIER,
    labels={"service-identity": "pma"},
    pod_labels={"service-identity": "pma"},
    keel=True,
    annotations={"reloader.stakater.com/search": "true", IMAGE_POLICY_ANNOTATION: IMAGE_POLICY_KEEL},
    containers=[{
        "name": "phpmyadmin",
        "image": "phpmyadmin/phpmyadmin:5.2.3",
        "ports": [{"container_port": 80}],
        "env": [
            *env({"PMA_HOST": MYSQL_SERVICE, "PMA_PORT": 3306}),
            *secret_env(ROOT_SECRET, {"MYSQL_ROOT_PASSWORD": "ROOT_PASSWORD"}),
            *env({"UPLOAD_LIMIT": "300M"}),
        ],
        "resources": {"requests": {"cpu": "15m", "memory": "100Mi"}, "limits": {"memory": "100Mi"}},
    }],
    pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    service_name="pma",
    service_labels={},
    service_ports=[{"name": "web", "port": 80}],
), opts=ns_opts)
IngressFactory("pma", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/description": "MySQL admin UI (phpMyAdmin)",
        "gethomepage.dev/icon": "phpmyadmin.png",
        "gethomepage.dev/name": "phpMyAdmin",
    },
), opts=ns_opts)

# --- pgAdmin (scale-to-zero: parked when idle, woken through its ingress) -----------------------------
pgadmin_data = ProxmoxVolume("dbaas-pgadmin-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

# The initial admin password sits in a Secret the pod references, not as a literal in the
# pod spec (SEC-019).
PGADMIN_SECRET = "pgadmin-default-password"
pgadmin_secret = k8s.core.v1.Secret(
    "pgadmin-default-password", metadata={"name": PGADMIN_SECRET, "namespace": NS}, type="Opaque",
    string_data={"password": vault_field("platform", "dbaas_pgadmin_password")}, opts=ns_opts)

# Not a WebApp: the live Deployment has no `app` label and no replica count, both of which WebApp writes.
k8s.apps.v1.Deployment(
    "pgadmin",
    metadata={
        "name": "pgadmin",
        "namespace": NS,
        "labels": {"tier": TIER, "service-identity": "pgadmin", **sablier_labels("pgadmin")},
        "annotations": {"reloader.stakater.com/search": "true", IMAGE_POLICY_ANNOTATION: IMAGE_POLICY_KEEL},
    },
    spec={
        "strategy": {"type": "Recreate"},
        "selector": {"match_labels": {"app": "pgadmin"}},
        "template": {
            "metadata": {"labels": {"app": "pgadmin", "service-identity": "pgadmin"}},
            "spec": {
                "containers": [{
                    "name": "pgadmin",
                    # Untagged on purpose: Keel rolls the live tag forward and the program ignores it.
                    "image": "dpage/pgadmin4",
                    "env": [
                        *env({"PGADMIN_DEFAULT_EMAIL": "me@viktorbarzin.me"}),
                        # Only the first start reads it; the password is changed in the UI afterwards.
                        *secret_env(PGADMIN_SECRET, {"PGADMIN_DEFAULT_PASSWORD": "password"}),
                    ],
                    "ports": [{"container_port": 80, "name": "web"}],
                    "volume_mounts": [{"name": "pgadmin", "mount_path": "/var/lib/pgadmin/"}],
                    "resources": {"requests": {"cpu": "25m", "memory": "450Mi"}, "limits": {"memory": "450Mi"}},
                }],
                "volumes": [{"name": "pgadmin", "persistent_volume_claim": {"claim_name": pgadmin_data.claim_name}}],
                "dns_config": {"options": [{"name": "ndots", "value": "2"}]},
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace, pgadmin_secret],
                                ignore_changes=deployment_ignore_changes(keel=True, sablier=True)),
)
k8s.core.v1.Service(
    "pgadmin",
    metadata={"name": "pgadmin", "namespace": NS},
    spec={"selector": {"app": "pgadmin"}, "ports": [{"name": "pgadmin", "port": 80}]},
    opts=ns_opts,
)
IngressFactory("pgadmin", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    sablier=Sablier(group="pgadmin"),
    extra_annotations={"gethomepage.dev/description": "PostgreSQL admin UI"},
), opts=ns_opts)
