"""recruiter-responder: triages recruiter mail and answers through Telegram buttons. Switched off (replicas 0)."""

import pulumi

from components import constants as c
from components.database_credentials import (
    PASSWORD, RELOADER_MATCH_ANNOTATION, DatabaseCredentials, DatabaseCredentialsArgs, database_url,
)
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "recruiter-responder"
SECRETS = "recruiter-responder-secrets"
DB_CREDS = "recruiter-responder-db-creds"
# Built by GitHub Actions into a private GHCR package; CI moves the tag.
IMAGE = f"ghcr.io/viktorbarzin/recruiter-responder:{config.get('imageTag') or 'latest'}"
MAILSERVER = "mailserver.mailserver.svc.cluster.local"
SECRET_ENV = [{"secret_ref": {"name": SECRETS}}, {"secret_ref": {"name": DB_CREDS}}]

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Vault secret/recruiter-responder, one Secret key per property.
APP_KEYS = {
    "WEBHOOK_BEARER_TOKEN": "webhook_bearer_token",
    "IMAP_ME_USER": "imap_me_user", "IMAP_ME_PASS": "imap_me_pass",
    "IMAP_SPAM_USER": "imap_spam_user", "IMAP_SPAM_PASS": "imap_spam_pass",
    "SMTP_PASSWORD": "smtp_password",
    "CLAUDE_AGENT_TOKEN": "claude_agent_token",
    "TELEGRAM_BOT_TOKEN": "telegram_bot_token", "TELEGRAM_CHAT_ID": "telegram_chat_id",
    "GMAIL_IMAP_USER": "gmail_imap_user", "GMAIL_IMAP_PASS": "gmail_imap_pass",
    "GPT_MINI_ENDPOINT": "gpt_mini_endpoint", "GPT_MINI_API_KEY": "gpt_mini_api_key", "GPT_MINI_MODEL": "gpt_mini_model",
}
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(
    namespace=NS,
    data=[SecretKey(secret_key=k, key="recruiter-responder", property=p) for k, p in APP_KEYS.items()],
    template={"metadata": {"annotations": {RELOADER_MATCH_ANNOTATION: "true"}}},
), opts=ns_opts)
db_creds = DatabaseCredentials(DB_CREDS, DatabaseCredentialsArgs(
    namespace=NS, role="pg-recruiter-responder", reload_match=True,
    template={"DB_CONNECTION_STRING": database_url("postgresql+asyncpg", user="recruiter_responder",
                                                   host=settings.postgresql_host, port=5432,
                                                   database="recruiter_responder"),
              "DB_PASSWORD": PASSWORD},
), opts=ns_opts)

WebApp("recruiter-responder", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    annotations={"reloader.stakater.com/search": "true"},
    # Off by the owner's decision: everything else stays so turning it back on is this one
    # number. One replica at most: the IMAP IDLE watcher and the scheduler want one leader.
    replicas=0,
    strategy="Recreate",
    pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]},
    init_containers=[{
        "name": "alembic-migrate",
        "image": IMAGE,
        "command": ["alembic", "upgrade", "head"],
        "env_from": SECRET_ENV,
        "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    }],
    containers=[{
        "name": "recruiter-responder",
        "image": IMAGE,
        "ports": [{"container_port": 8080}],
        "env_from": SECRET_ENV,
        "env": env({
            "IMAP_MAILBOXES": "me,spam",
            "IMAP_ME_HOST": MAILSERVER,
            "IMAP_SPAM_HOST": MAILSERVER,
            "SMTP_HOST": MAILSERVER,
            "SMTP_PORT": "587",
            "SMTP_USER": "me@viktorbarzin.me",
            "SMTP_FROM_ADDR": "me@viktorbarzin.me",
            "SMTP_FROM_NAME": "Viktor Barzin",
            "LLAMA_SWAP_URL": "http://llama-swap.llama-cpp.svc.cluster.local:8080",
            "LLAMA_SWAP_MODEL": "qwen3-8b",
            "CLAUDE_AGENT_URL": "http://claude-agent-service.claude-agent.svc.cluster.local:8080",
            # Base of the Telegram button links: the ingress host below.
            "CALLBACK_BASE_URL": "https://recruiter-responder.viktorbarzin.me",
        }),
        "readiness_probe": {"http_get": {"path": "/healthz", "port": 8080}, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {"http_get": {"path": "/healthz", "port": 8080}, "initial_delay_seconds": 30, "period_seconds": 30},
        "resources": {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"memory": "256Mi"}},
    }],
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds]))

# Only the Telegram callbacks are public; /api/* is reached in-cluster. No TLS Secret here:
# Kyverno's sync-tls-secret policy clones the wildcard certificate into every namespace.
ingress = IngressFactory("recruiter-responder", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="the /cb callbacks carry an HMAC signature and an expiry derived from the webhook token; "
                "a login step would break Telegram's one-tap buttons",
    anti_ai_scraping=False,
    dns_type="proxied",
    port=8080,
    ingress_path=["/cb"],
    extra_annotations={"gethomepage.dev/description": "Automated recruiter email triage",
                       "gethomepage.dev/icon": "mdi-email-fast"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
