"""mailserver: docker-mailserver for viktorbarzin.me, Roundcube webmail, and their safety nets.

External mail reaches the pod through pfSense HAProxy on the `mailserver-proxy` NodePorts
(PROXY-v2 listeners); in-cluster clients use the plain listeners on the `mailserver`
ClusterIP. A mistake here stops mail delivery: the stack test asserts every port, every
mount and both backups.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

import mail_config
from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import PLACEHOLDER_MARKER, load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field, vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "mailserver"
TIER = c.TIER_EDGE
NDOTS = {"dns_config": {"options": [{"name": "ndots", "value": "2"}]}}
RELOAD_ON_CHANGE = {"reloader.stakater.com/match": "true"}
# The backup-MX relay's WireGuard address: no PTR, so Postfix needs an explicit pass.
BACKUP_MX_PERMIT = "10.3.2.10/32 OK\n"


def payload(name: str) -> str:
    return load_payload(HERE, name)


def secret_placeholder(what: str) -> str:
    return f"{PLACEHOLDER_MARKER}: Vault secret/platform {what}"


# --- Vault inputs (secret/platform) --------------------------------------------------------
accounts = vault_json_field("platform", "mailserver_accounts", placeholder={})
vault_aliases = vault_json_field("platform", "mailserver_aliases", placeholder="")
opendkim_key = vault_json_field("platform", "mailserver_opendkim_key",
                                placeholder=secret_placeholder("mailserver_opendkim_key"))
sasl_passwd = vault_json_field("platform", "mailserver_sasl_passwd",
                               placeholder=secret_placeholder("mailserver_sasl_passwd"))
roundcube_db_password = vault_field("platform", "mailserver_roundcubemail_db_password")

namespace = Namespace(NS, NamespaceArgs(tier=TIER, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- docker-mailserver configuration ---------------------------------------------------------
k8s.core.v1.ConfigMap(
    "mailserver-env-config",
    metadata={"name": "mailserver.env.config", "namespace": NS, "labels": {"app": "mailserver"},
              "annotations": RELOAD_ON_CHANGE},
    data={
        "DMS_DEBUG": "0",
        "ENABLE_CLAMAV": "0",
        "ENABLE_AMAVIS": "0",
        "ENABLE_FAIL2BAN": "0",  # CrowdSec owns brute-force bans
        "ENABLE_FETCHMAIL": "0",
        "ENABLE_POSTGREY": "0",
        "ENABLE_SASLAUTHD": "0",
        "ENABLE_SPAMASSASSIN": "0",
        "ENABLE_RSPAMD": "1",
        "ENABLE_OPENDKIM": "0",
        "ENABLE_OPENDMARC": "0",
        "ENABLE_RSPAMD_REDIS": "0",
        "RSPAMD_LEARN": "1",
        # Off on purpose: postsrsd 1.10 spins without listening after a restart and Postfix
        # then defers all mail; the owner chose to live without SRS (README).
        "ENABLE_SRS": "0",
        "FETCHMAIL_POLL": "120",
        "ONE_DIR": "1",
        "OVERRIDE_HOSTNAME": "mail.viktorbarzin.me",
        "POSTFIX_MESSAGE_SIZE_LIMIT": str(200 * 1024 * 1024),
        "POSTFIX_REJECT_UNKNOWN_CLIENT_HOSTNAME": "1",
        "DEFAULT_RELAY_HOST": "[smtp-relay.brevo.com]:587",
        "SPOOF_PROTECTION": "1",
        "SSL_TYPE": "manual",
        "SSL_CERT_PATH": "/tmp/ssl/tls.crt",
        "SSL_KEY_PATH": "/tmp/ssl/tls.key",
    },
    opts=ns_opts,
)

file_aliases = payload("aliases.txt")
# Mail routing, not a credential: plain in the ConfigMap, as upstream (the Vault field is secret
# only because it shares secret/platform).
postfix_virtual = pulumi.Output.unsecret(pulumi.Output.all(vault_aliases, accounts).apply(
    lambda values: mail_config.postfix_virtual(values[0], file_aliases, values[1])))

k8s.core.v1.ConfigMap(
    "mailserver-config",
    metadata={"name": "mailserver.config", "namespace": NS, "labels": {"app": "mailserver"},
              "annotations": RELOAD_ON_CHANGE},
    data={
        "postfix-accounts.cf": accounts.apply(mail_config.postfix_accounts),  # SEC-060
        "postfix-main.cf": payload("postfix-main.cf"),
        "postfix-virtual.cf": postfix_virtual,
        "backup-mx-permit.cidr": BACKUP_MX_PERMIT,
        # ConfigMap keys cannot hold '@'; the mount restores the real file name.
        "docs-at-viktorbarzin.me.dovecot.sieve": payload("docs-at-viktorbarzin.me.dovecot.sieve"),
        "KeyTable": "mail._domainkey.viktorbarzin.me viktorbarzin.me:mail:/etc/opendkim/keys/viktorbarzin.me-mail.key\n",
        "SigningTable": "*@viktorbarzin.me mail._domainkey.viktorbarzin.me\n",
        "TrustedHosts": "127.0.0.1\nlocalhost\n",
        "sasl_passwd": sasl_passwd,  # the Brevo relay login in a ConfigMap, as upstream (SEC-060)
        "dkim_signing.conf": payload("rspamd/dkim_signing.conf"),
        "external_relay.conf": payload("rspamd/external_relay.conf"),
        "force_actions.conf": payload("rspamd/force_actions.conf"),
        "dovecot.cf": payload("dovecot.cf"),
        "fail2ban_conf": payload("fail2ban.local"),
    },
    # bcrypt salts differ on every run; a changed password in Vault needs an explicit
    # `pulumi up --replace` of this ConfigMap (README).
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=['data["postfix-accounts.cf"]']),
)

user_patches = k8s.core.v1.ConfigMap(
    "mailserver-user-patches",
    metadata={"name": "mailserver-user-patches", "namespace": NS, "labels": {"app": "mailserver"},
              "annotations": RELOAD_ON_CHANGE},
    data={"user-patches.sh": payload("user-patches.sh")},
    opts=ns_opts,
)

k8s.core.v1.Secret(
    "mailserver-opendkim-key",
    metadata={"name": "mailserver.opendkim.key", "namespace": NS, "labels": {"app": "mailserver"}},
    type="Opaque",
    string_data={"viktorbarzin.me-mail.key": opendkim_key},
    opts=ns_opts,
)

mail_data = ProxmoxVolume("mailserver-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="5Gi", storage_limit="10Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

# --- the mail server -------------------------------------------------------------------------
def mount(volume: str, path: str, sub_path: str | None = None, read_only: bool = True) -> dict:
    entry: dict = {"name": volume, "mount_path": path}
    if sub_path is not None:
        entry["sub_path"] = sub_path
    if read_only:
        entry["read_only"] = True
    return entry


DMS = "/tmp/docker-mailserver"
MAIL_MOUNTS = [
    mount("config-tls", "/tmp/ssl/tls.key", "tls.key"),
    mount("config-tls", "/tmp/ssl/tls.crt", "tls.crt"),
    mount("config", f"{DMS}/postfix-accounts.cf", "postfix-accounts.cf"),
    mount("config", f"{DMS}/postfix-main.cf", "postfix-main.cf"),
    mount("config", f"{DMS}/backup-mx-permit.cidr", "backup-mx-permit.cidr"),
    mount("config", f"{DMS}/postfix-virtual.cf", "postfix-virtual.cf"),
    mount("config", f"{DMS}/docs@viktorbarzin.me.dovecot.sieve", "docs-at-viktorbarzin.me.dovecot.sieve"),
    # No such key in the ConfigMap (fetchmail is off); kept as upstream mounts it.
    mount("config", f"{DMS}/fetchmail.cf", "fetchmail.cf"),
    mount("config", f"{DMS}/dovecot.cf", "dovecot.cf"),
    mount("config", f"{DMS}/opendkim/SigningTable", "SigningTable"),
    mount("config", f"{DMS}/opendkim/KeyTable", "KeyTable"),
    mount("config", f"{DMS}/opendkim/TrustedHosts", "TrustedHosts"),
    mount("opendkim-key", f"{DMS}/opendkim/keys"),
    mount("opendkim-key", f"{DMS}/rspamd/dkim/viktorbarzin.me/mail.private", "viktorbarzin.me-mail.key"),
    mount("config", f"{DMS}/rspamd/override.d/dkim_signing.conf", "dkim_signing.conf"),
    mount("config", f"{DMS}/rspamd/override.d/external_relay.conf", "external_relay.conf"),
    mount("config", f"{DMS}/rspamd/override.d/force_actions.conf", "force_actions.conf"),
    mount("data", "/var/mail", "data", read_only=False),
    mount("data", "/var/mail-state", "state", read_only=False),
    mount("data", "/var/log/mail", "log", read_only=False),
    mount("var-run-dovecot", "/var/run/dovecot", read_only=False),
    mount("config", "/etc/postfix/sasl/passwd", "sasl_passwd"),
    mount("config", "/etc/fail2ban/fail2ban.local", "fail2ban_conf"),
    mount("user-patches", f"{DMS}/user-patches.sh", "user-patches.sh"),
]
# Stock listeners for in-cluster clients, then the PROXY-v2 ones pfSense HAProxy feeds.
MAIL_PORTS = [
    ("smtp", 25), ("smtp-secure", 465), ("smtp-auth", 587), ("imap-secure", 993),
    ("smtp-proxy", 2525), ("smtps-proxy", 4465), ("sub-proxy", 5587), ("imaps-proxy", 10993),
]

WebApp("mailserver", WebAppArgs(
    namespace=NS,
    tier=TIER,
    keel=True,
    strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true"},
    pod_labels={"role": "mail"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": "^latest$"},
    containers=[{
        "name": "docker-mailserver",
        "image": "docker.io/mailserver/docker-mailserver:15.0.0",
        "image_pull_policy": "IfNotPresent",
        # No NET_ADMIN: it served fail2ban's iptables bans, and fail2ban is off.
        "security_context": {},
        "lifecycle": {"post_start": {"exec": {"command": ["postmap", "/etc/postfix/sasl/passwd"]}}},
        "volume_mounts": MAIL_MOUNTS,
        "ports": [{"name": n, "container_port": p, "protocol": "TCP"} for n, p in MAIL_PORTS],
        "env_from": [{"config_map_ref": {"name": "mailserver.env.config"}}],
        "resources": {"requests": {"cpu": "25m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        "readiness_probe": {"tcp_socket": {"port": 25}, "initial_delay_seconds": 30, "period_seconds": 10},
        "liveness_probe": {"tcp_socket": {"port": 993}, "initial_delay_seconds": 60, "period_seconds": 60,
                           "timeout_seconds": 15},
    }],
    volumes=[
        {"name": "config", "config_map": {"name": "mailserver.config"}},
        {"name": "config-tls", "secret": {"secret_name": settings.tls_secret_name}},
        {"name": "opendkim-key", "secret": {"secret_name": "mailserver.opendkim.key"}},
        {"name": "data", "persistent_volume_claim": {"claim_name": mail_data.claim_name}},
        {"name": "user-patches", "config_map": {"name": user_patches.metadata["name"], "default_mode": 0o755}},
        {"name": "var-run-dovecot", "empty_dir": {}},
    ],
    pod_spec=NDOTS,
    # In-cluster only (Roundcube, the round-trip probe): external mail uses mailserver-proxy.
    service_ports=[{"name": n, "protocol": "TCP", "port": p, "target_port": n} for n, p in MAIL_PORTS[:4]],
), opts=ns_opts)

# pfSense HAProxy's backends: PROXY-v2 data ports, then plain ports for its health checks
# (a PROXY health probe trips a Postfix fatal). (name, port, container port, node port)
PROXY_PORTS = [
    ("smtp-proxy", 25, 2525, 30125), ("smtps-proxy", 465, 4465, 30126),
    ("sub-proxy", 587, 5587, 30127), ("imaps-proxy", 993, 10993, 30128),
    ("smtp-check", 2500, 25, 30145), ("smtps-check", 4650, 465, 30146), ("sub-check", 5870, 587, 30147),
]
k8s.core.v1.Service(
    "mailserver-proxy",
    metadata={
        "name": "mailserver-proxy", "namespace": NS, "labels": {"app": "mailserver"},
        "annotations": {
            c.AUTH_ANNOTATION: "app",
            c.AUTH_REASON_ANNOTATION: "public mail entry through pfSense HAProxy: port 25 is the MX (accepts mail for "
                                      "local domains only), submission and IMAPS require SASL/IMAP login",
        },
    },
    spec={
        "type": "NodePort",
        "external_traffic_policy": "Cluster",
        "selector": {"app": "mailserver"},
        "ports": [{"name": n, "protocol": "TCP", "port": p, "target_port": t, "node_port": np}
                  for n, p, t, np in PROXY_PORTS],
    },
    opts=ns_opts,
)

# --- Roundcube webmail -----------------------------------------------------------------------
roundcube_config = k8s.core.v1.ConfigMap(
    "roundcubemail-config",
    metadata={"name": "roundcubemail.config", "namespace": NS, "labels": {"app": "roundcubemail"},
              "annotations": RELOAD_ON_CHANGE},
    data={"custom.php": payload("roundcube-custom.php")},
    opts=ns_opts,
)
roundcube_html = ProxmoxVolume("roundcubemail-html-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
roundcube_enigma = ProxmoxVolume("roundcubemail-enigma-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)


def env(name: str, value: pulumi.Input[str]) -> dict:
    return {"name": name, "value": value}


WebApp("roundcubemail", WebAppArgs(
    namespace=NS,
    tier=TIER,
    keel=True,
    strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true"},
    containers=[{
        "name": "roundcube",
        "image": "roundcube/roundcubemail:1.6.13-apache",
        "volume_mounts": [
            {"name": "roundcube-config", "mount_path": "/var/roundcube/config/custom.php", "sub_path": "custom.php"},
            {"name": "html", "mount_path": "/var/www/html"},
            {"name": "enigma", "mount_path": "/var/roundcube/enigma"},
        ],
        "env": [
            env("ROUNDCUBEMAIL_DEFAULT_HOST", "ssl://mailserver"),
            env("ROUNDCUBEMAIL_DEFAULT_PORT", "993"),
            env("ROUNDCUBEMAIL_SMTP_SERVER", "tls://mailserver"),
            env("ROUNDCUBEMAIL_SMTP_PORT", "587"),
            env("ROUNDCUBEMAIL_DB_TYPE", "mysql"),
            env("ROUNDCUBEMAIL_DB_HOST", settings.mysql_host),
            env("ROUNDCUBEMAIL_DB_USER", "roundcubemail"),
            env("ROUNDCUBEMAIL_DB_PASSWORD", roundcube_db_password),  # literal, as upstream (SEC-059)
            env("ROUNDCUBEMAIL_COMPOSER_PLUGINS", "mmvi/twofactor_webauthn,texxasrulez/persistent_login,dsoares/rcguard"),
            env("ROUNDCUBEMAIL_PLUGINS",
                "attachment_reminder,database_attachments,enigma,twofactor_webauthn,persistent_login,rcguard"),
            env("ROUNDCUBEMAIL_SMTP_DEBUG", "false"),
            env("ROUNDCUBEMAIL_DEBUG_LEVEL", "1"),
            env("ROUNDCUBEMAIL_LOG_DRIVER", "syslog"),
        ],
        "ports": [{"name": "web", "container_port": 80, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "25m", "memory": "192Mi"}, "limits": {"memory": "192Mi"}},
    }],
    volumes=[
        {"name": "roundcube-config", "config_map": {"name": roundcube_config.metadata["name"]}},
        {"name": "html", "persistent_volume_claim": {"claim_name": roundcube_html.claim_name}},
        {"name": "enigma", "persistent_volume_claim": {"claim_name": roundcube_enigma.claim_name}},
    ],
    pod_spec=NDOTS,
    service_ports=[{"name": "roundcube", "protocol": "TCP", "port": 80}],
), opts=ns_opts)

IngressFactory("mail", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="roundcubemail",
    auth="required",
    dns_type="non-proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Roundcube Mail",
        "gethomepage.dev/description": "Webmail client",
        "gethomepage.dev/icon": "roundcube.png",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# --- end-to-end probe: send through Brevo every 20 minutes, find it over IMAP -----------------
PROBE_SECRETS = "mailserver-probe-secrets"
probe_secrets = ExternalSecret(PROBE_SECRETS, ExternalSecretArgs(
    namespace=NS,
    refresh_interval="15m",
    # Only the two values the probe needs, unwrapped from their Vault JSON by ESO's template.
    template={"engineVersion": "v2", "data": {
        "BREVO_API_KEY": '{{ .brevo_api_key_wrapped | b64dec | fromJson | dig "api_key" "" }}',
        "EMAIL_MONITOR_IMAP_PASSWORD": '{{ .mailserver_accounts | fromJson | dig "spam@viktorbarzin.me" "" }}',
    }},
    data=[SecretKey(secret_key="brevo_api_key_wrapped", key="viktor", property="brevo_api_key"),
          SecretKey(secret_key="mailserver_accounts", key="platform", property="mailserver_accounts")],
), opts=ns_opts)

ScheduledJob("email-roundtrip-monitor", ScheduledJobArgs(
    namespace=NS,
    schedule="*/20 * * * *",
    concurrency_policy="Replace",
    successful_jobs_history_limit=3,
    failed_jobs_history_limit=3,
    job_metadata={},
    pod_metadata={},
    backoff_limit=1,
    ttl_seconds_after_finished=300,
    containers=[{
        "name": "email-roundtrip",
        "image": "docker.io/library/python:3.12-alpine",
        "command": ["/bin/sh", "-c", payload("email-roundtrip-monitor.sh")],
        "env_from": [{"secret_ref": {"name": PROBE_SECRETS}}],
        "resources": {"requests": {"memory": "64Mi", "cpu": "10m"}, "limits": {"memory": "128Mi"}},
    }],
    pod_spec=NDOTS,
), opts=pulumi.ResourceOptions(depends_on=[namespace, probe_secrets]))


# --- nightly backups to NFS (weekly hard-linked snapshots, eight kept) ------------------------
# Both run beside the app's pod (AppBackup's owner affinity): their claims are ReadWriteOnce.
BACKUP_METRICS = ["backup_duration_seconds", "backup_read_bytes", "backup_written_bytes",
                  "backup_output_bytes", "backup_last_success_timestamp"]


def backup_args(*, schedule: str, script: str, owner: str, share: NfsVolume, **extra) -> AppBackupArgs:
    return AppBackupArgs(
        namespace=NS,
        schedule=schedule,
        image="docker.io/library/alpine",
        script=payload(script),
        metrics=BACKUP_METRICS,
        claim_name=share.claim_name,
        owner_labels={"app": owner},
        concurrency_policy="Replace",
        starting_deadline_seconds=10,
        successful_jobs_history_limit=10,
        failed_jobs_history_limit=5,
        backoff_limit=3,
        ttl_seconds_after_finished=10,
        pod_spec=NDOTS,
        **extra,
    )


mail_backup_share = NfsVolume("mailserver-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/mailserver-backup"), opts=ns_opts)
# One claim read through three sub_paths, so it is an extra volume rather than a source.
AppBackup("mailserver-backup", backup_args(
    schedule="0 3 * * *", script="mailserver-backup.sh", owner="mailserver", share=mail_backup_share,
    extra_volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": mail_data.claim_name, "read_only": True}}],
    extra_mounts=[mount("data", "/var/mail", "data"), mount("data", "/var/mail-state", "state"),
                  mount("data", "/var/log/mail", "log")],
), opts=ns_opts)

roundcube_backup_share = NfsVolume("roundcube-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/roundcube-backup"), opts=ns_opts)
AppBackup("roundcube-backup", backup_args(
    # Ten minutes after the mail backup, so the two NFS writers do not overlap.
    schedule="10 3 * * *", script="roundcube-backup.sh", owner="roundcubemail", share=roundcube_backup_share,
    sources=[BackupSource(volume_name="html", claim_name=roundcube_html.claim_name, mount_path="/src/html"),
             BackupSource(volume_name="enigma", claim_name=roundcube_enigma.claim_name, mount_path="/src/enigma")],
), opts=ns_opts)

# --- spam mailbox retention: run inside the mail pod (its claim is ReadWriteOnce) --------------
retention = WorkloadRbac("spam-retention", WorkloadRbacArgs(
    namespace=NS,
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["list", "get"]),
           Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"])],
), opts=ns_opts)

ScheduledJob("spam-retention", ScheduledJobArgs(
    namespace=NS,
    schedule="17 */4 * * *",
    concurrency_policy="Forbid",
    successful_jobs_history_limit=2,
    failed_jobs_history_limit=3,
    starting_deadline_seconds=300,
    job_metadata={},
    pod_metadata={},
    active_deadline_seconds=600,
    backoff_limit=1,
    ttl_seconds_after_finished=600,
    service_account_name=retention.service_account_name,
    restart_policy="Never",
    containers=[{
        "name": "spam-retention",
        "image": "bitnami/kubectl:latest",
        "command": ["/bin/bash", "-c", payload("spam-retention.sh")],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "128Mi"}},
    }],
    pod_spec=NDOTS,
), opts=ns_opts)
