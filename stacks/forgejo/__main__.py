"""forgejo: the git host and package registry (CI and repowise build from it).

One replica on an encrypted claim; sign-up behind a Cloudflare Turnstile captcha whose
widget this stack owns; mail through the cluster's SMTP relay; a nightly job prunes old
package versions.
"""

from pathlib import Path

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs, Quota
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import MissingSecretError, vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "forgejo"
HOST = "forgejo.viktorbarzin.me"
EMAIL_SECRET = "forgejo-email"
TURNSTILE_SECRET = "forgejo-turnstile"
CLEANUP_DRY_RUN = True

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"},
    quota=Quota(hard={"requests.cpu": "4", "requests.memory": "8Gi", "limits.memory": "32Gi", "pods": "30"})))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

data = ProxmoxVolume("forgejo-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="30Gi", storage_limit="50Gi", increase="50%", storage_class="proxmox-lvm-encrypted"),
    opts=ns_opts)

# The SMTP password is Authentik's relay account; Reloader restarts Forgejo when it rotates.
email = ExternalSecret(EMAIL_SECRET, ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    template={"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}},
    data=[SecretKey(secret_key="PASSWD", key="authentik", property="smtp_password")]), opts=ns_opts)


# --- Turnstile captcha on sign-up ------------------------------------------------------------------
def _first_account(results: list) -> str:
    """The API token's (only) account; offline previews have none and get a placeholder."""
    if results:
        return results[0].id
    if pulumi.runtime.is_dry_run():
        return "PLACEHOLDER: Cloudflare account (read from the API at deploy time)"
    raise MissingSecretError("the Cloudflare API token sees no account; the Turnstile widget needs one")


account_id = cloudflare.get_accounts_output().results.apply(_first_account)
widget = cloudflare.TurnstileWidget("forgejo_signup", account_id=account_id, name="forgejo-signup",
                                    domains=[HOST], mode="managed")
turnstile = k8s.core.v1.Secret(TURNSTILE_SECRET, metadata={"name": TURNSTILE_SECRET, "namespace": NS},
                               string_data={"cf-turnstile-secret": widget.secret}, opts=ns_opts)

WebApp("forgejo", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, selector={"app": "forgejo"}, strategy="Recreate",
    # Pinned and never bumped by Keel (the program asserts `never`).
    annotations={"keel.sh/policy": "never", "reloader.stakater.com/auto": "true"},
    keel=True, keel_enforced_annotations=["keel.sh/policy"],
    pod_spec={"security_context": {"fs_group": 1000}},
    containers=[{
        "name": "forgejo", "image": "codeberg.org/forgejo/forgejo:11.0.14",
        "env": [
            *env({
                "USER_UID": "1000", "USER_GID": "1000",
                "FORGEJO__server__ROOT_URL": f"https://{HOST}",
                "FORGEJO__service__DISABLE_REGISTRATION": "false",
                "FORGEJO__service__ALLOW_ONLY_EXTERNAL_REGISTRATION": "false",
                "FORGEJO__openid__ENABLE_OPENID_SIGNIN": "false",
                "FORGEJO__webhook__ALLOWED_HOST_LIST": "*.svc.cluster.local,ci.viktorbarzin.me,*.viktorbarzin.me",
                "FORGEJO__webhook__DELIVER_TIMEOUT": "30",
                "FORGEJO__packages__ENABLED": "true",
                "FORGEJO__repository__DISABLE_DOWNLOAD_SOURCE_ARCHIVES": "true",
                "FORGEJO__git_0X2E_timeout__DEFAULT": "3600",
                "FORGEJO__git_0X2E_timeout__MIRROR": "3600",
                "FORGEJO__git_0X2E_timeout__GC": "1800",
                "FORGEJO__git_0X2E_config__gc_0X2E_auto": "1000",
                "FORGEJO__service__ENABLE_CAPTCHA": "true",
                "FORGEJO__service__CAPTCHA_TYPE": "cfturnstile",
            }),
            {"name": "FORGEJO__service__CF_TURNSTILE_SITEKEY", "value": widget.sitekey},
            *secret_env(TURNSTILE_SECRET, {"FORGEJO__service__CF_TURNSTILE_SECRET": "cf-turnstile-secret"}),
            *env({
                "FORGEJO__service__REGISTER_EMAIL_CONFIRM": "true",
                "FORGEJO__mailer__ENABLED": "true",
                "FORGEJO__mailer__PROTOCOL": "smtp+starttls",
                "FORGEJO__mailer__SMTP_ADDR": "mail.viktorbarzin.me",
                "FORGEJO__mailer__SMTP_PORT": "587",
                "FORGEJO__mailer__FROM": "Forgejo <noreply@viktorbarzin.me>",
                "FORGEJO__mailer__USER": "noreply@viktorbarzin.me",
            }),
            *secret_env(EMAIL_SECRET, {"FORGEJO__mailer__PASSWD": "PASSWD"}),
            *env({"FORGEJO__oauth2_client__ENABLE_AUTO_REGISTRATION": "true"}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "resources": {"requests": {"cpu": "15m", "memory": "1.5Gi"}, "limits": {"memory": "2Gi"}},
        "ports": [{"name": "http", "container_port": 3000, "protocol": "TCP"}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"port": 80, "target_port": 3000}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, email, turnstile]))

IngressFactory("forgejo", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none",
    auth_reason="git over HTTPS, the package registry and CI webhooks authenticate against Forgejo itself",
    dns_type="non-proxied", max_body_size="5g",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Forgejo",
                       "gethomepage.dev/description": "Git hosting", "gethomepage.dev/icon": "forgejo.png",
                       "gethomepage.dev/group": "Development & CI", "gethomepage.dev/pod-selector": "",
                       "uptime.viktorbarzin.me/external-monitor-path": "/api/healthz"},
), opts=ns_opts)

# --- nightly package cleanup ------------------------------------------------------------------------
script = PayloadConfigMap("forgejo-cleanup-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"cleanup.sh": "cleanup.sh"}), opts=ns_opts)
token = k8s.core.v1.Secret("forgejo-cleanup-token", metadata={"name": "forgejo-cleanup-token", "namespace": NS},
                           type="Opaque",
                           string_data={"FORGEJO_TOKEN": vault_field("viktor", "forgejo_cleanup_token", default="")},
                           opts=ns_opts)
ScheduledJob("forgejo-cleanup", ScheduledJobArgs(
    namespace=NS, schedule="0 4 * * *", concurrency_policy="Forbid",
    successful_jobs_history_limit=3, failed_jobs_history_limit=3, backoff_limit=1, ttl_seconds_after_finished=3600,
    restart_policy="OnFailure",
    containers=[{
        "name": "cleanup", "image": "docker.io/library/alpine:3.20", "command": ["/bin/sh", "/scripts/cleanup.sh"],
        "env": [*secret_env("forgejo-cleanup-token", {"FORGEJO_TOKEN": "FORGEJO_TOKEN"}),
                *env({"FORGEJO_HOST": "http://forgejo.forgejo.svc.cluster.local", "FORGEJO_OWNER": "viktor",
                      "KEEP_LAST_N": "10", "DRY_RUN": "true" if CLEANUP_DRY_RUN else "false"})],
        "volume_mounts": [{"name": "scripts", "mount_path": "/scripts"}],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "96Mi"}},
    }],
    volumes=[{"name": "scripts", "config_map": {"name": "forgejo-cleanup-script", "default_mode": 0o755}}],
    job_metadata={}, pod_metadata={},
), opts=pulumi.ResourceOptions(depends_on=[namespace, token]))
