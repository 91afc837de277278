"""phpipam: phpIPAM address management for the home networks.

Three CronJobs keep it current: an hourly import of pfSense's Kea leases and ARP table, an
hourly import from the two remote sites, and a 15-minute two-way sync with Technitium DNS
(which writes records into the technitium stack's zones; see the README).
"""

from collections.abc import Sequence
from pathlib import Path

import pulumi

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey, reload_on_change
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "phpipam"
DB_SECRET = "phpipam-secrets"
SSH_SECRET = "phpipam-pfsense-ssh"
DB_NAME = "phpipam"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Vault's database engine rotates the static `phpipam` MySQL password.
DatabaseCredentials(DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="mysql-phpipam", password_key="db_password"), opts=ns_opts)
# The key the import jobs use to SSH into pfSense, and the web admin's password (kept in
# the cluster for the operator; nothing here mounts it).
ExternalSecret(SSH_SECRET, ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    data=[SecretKey(secret_key="ssh_key", key="viktor", property="phpipam_pfsense_ssh_key")]), opts=ns_opts)
ExternalSecret("phpipam-admin-password", ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    data=[SecretKey(secret_key="password", key="viktor", property="phpipam_admin_password")]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

db_env = [*env({"DB_HOST": settings.mysql_host, "DB_USER": "phpipam"}),
          *secret_env(DB_SECRET, {"DB_PASS": "db_password"}), *env({"DB_NAME": DB_NAME})]

WebApp("phpipam-web", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, selector={"app": "phpipam"},
    annotations=reload_on_change(), keel=True, strategy="Recreate",
    pod_annotations={"diun.enable": "true", "dependency.kyverno.io/wait-for": "mysql.dbaas:3306"},
    containers=[{
        "name": "phpipam-web", "image": "phpipam/phpipam-www:v1.7.4",
        "ports": [{"container_port": 80}],
        "env": [*env({"TZ": "Europe/Sofia", "IPAM_DATABASE_HOST": settings.mysql_host,
                      "IPAM_DATABASE_USER": "phpipam"}),
                *secret_env(DB_SECRET, {"IPAM_DATABASE_PASS": "db_password"}),
                *env({"IPAM_DATABASE_NAME": DB_NAME, "IPAM_TRUST_X_FORWARDED": "true"})],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    }],
    service_name="phpipam",
    service_ports=[{"name": "http", "port": 80, "target_port": 80}],
), opts=ns_opts)

ingress = IngressFactory("phpipam", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "phpIPAM",
                       "gethomepage.dev/description": "IP Address Management", "gethomepage.dev/icon": "phpipam.png",
                       "gethomepage.dev/group": "Infrastructure", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)


def import_job(name: str, schedule: str, script: str, container: str, image: str, shell: str, *,
               requests_memory: str, extra_env: Sequence[dict] = (), ssh: bool = False,
               active_deadline_seconds: int | None = None) -> None:
    """One of the three CronJobs: the same history, backoff and Forbid, the script inline."""
    mounts = [{"name": "ssh-key", "mount_path": "/ssh", "read_only": True}] if ssh else []
    ScheduledJob(name, ScheduledJobArgs(
        namespace=NS, schedule=schedule, concurrency_policy="Forbid",
        successful_jobs_history_limit=1, failed_jobs_history_limit=3,
        backoff_limit=1, active_deadline_seconds=active_deadline_seconds,
        job_metadata={}, pod_metadata={},
        containers=[{
            "name": container, "image": image,
            "command": [shell, "-c", load_payload(HERE, script)],
            "env": [*extra_env, *db_env],
            **({"volume_mounts": mounts} if mounts else {}),
            "resources": {"requests": {"cpu": "10m", "memory": requests_memory}, "limits": {"memory": "128Mi"}},
        }],
        volumes=[{"name": "ssh-key", "secret": {"secret_name": SSH_SECRET, "default_mode": 0o400}}] if ssh else [],
    ), opts=ns_opts)


# The Technitium admin password goes in as a literal env value, as upstream set it.
import_job("phpipam-dns-sync", "*/15 * * * *", "dns-sync.sh", "sync", "mysql:8.0", "/bin/bash", requests_memory="32Mi",
           extra_env=[{"name": "TECH_PASS", "value": vault_field("platform", "technitium_password")}])
# The 600 s deadline bounds a hung `apk add` (a normal run takes seconds) so the next hourly
# import is not blocked behind it.
import_job("phpipam-pfsense-import", "0 * * * *", "pfsense-import.sh", "import", "alpine:3.21", "/bin/sh",
           requests_memory="64Mi", ssh=True, active_deadline_seconds=600)
import_job("phpipam-remote-import", "0 * * * *", "remote-import.sh", "import", "alpine:3.21", "/bin/sh",
           requests_memory="64Mi", ssh=True)

pulumi.export("host", ingress.host)
