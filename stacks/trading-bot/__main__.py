"""trading-bot: paper-trading bot on Alpaca — dashboard + API gateway, six worker services, Postgres and Redis."""

from pathlib import Path

import pulumi

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.postgres_init_job import PostgresInitJob, PostgresInitJobArgs
from components.scheduled_job import OneOffJob, OneOffJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "trading-bot"
SECRETS = "trading-bot-secrets"
DB_CREDS = "trading-bot-db-creds"
SERVICE_IMAGE = "ghcr.io/viktorbarzin/trading-bot-service:latest"
PULL_SECRETS = [{"name": "ghcr-credentials"}]  # private ghcr images; the kyverno stack clones the Secret here
REDIS_URL = f"redis://{settings.redis_host}:6379/4"
WAIT_FOR = {"dependency.kyverno.io/wait-for": "postgresql.dbaas:5432,redis-master.redis:6379"}
ENV_FROM = [{"secret_ref": {"name": SECRETS}}, {"secret_ref": {"name": DB_CREDS}}]

# Settings every service container shares. Terraform emitted them from a map, i.e. in key
# order; the live env lists have that order, so it is kept (sorted below).
COMMON_ENV = {
    "TRADING_REDIS_URL": REDIS_URL,
    "TRADING_LOG_LEVEL": "INFO",
    "TRADING_ALPACA_BASE_URL": "https://paper-api.alpaca.markets",
    "TRADING_PAPER_TRADING": "true",
    "TRADING_REDDIT_USER_AGENT": "trading-bot/0.1",
    "TRADING_WATCHLIST": '["AAPL","TSLA","NVDA","MSFT","GOOGL"]',
    "TRADING_BAR_TIMEFRAME": "5Min",
    "TRADING_POLL_INTERVAL_SECONDS": "60",
    "TRADING_HISTORICAL_BARS": "100",
    "TRADING_SNAPSHOT_INTERVAL_SECONDS": "60",
    "TRADING_FUNDAMENTALS_CACHE_TTL_HOURS": "24",
    "TRADING_RP_ID": "trading.viktorbarzin.me",
    "TRADING_RP_NAME": "Trading Bot",
    "TRADING_RP_ORIGIN": "https://trading.viktorbarzin.me",
    "TRADING_CORS_ORIGINS": '["https://trading.viktorbarzin.me"]',
    "TRADING_MEET_KEVIN_POLL_INTERVAL_SECONDS": "10800",
    "TRADING_MEET_KEVIN_DAILY_COST_CAP_USD": "5",
    # Haiku rather than Sonnet: the OAuth quota rate-limits Sonnet after a few bursts.
    "TRADING_MEET_KEVIN_LLM_MODEL": "claude-haiku-4-5-20251001",
    "TRADING_MEET_KEVIN_PROMPT_VERSION": "v2",
}
COMMON = env(dict(sorted(COMMON_ENV.items())))

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Vault secret/trading-bot (the Slack bot token is the shared one in secret/viktor).
APP_KEYS = {
    "TRADING_ALPACA_API_KEY": "alpaca_api_key",
    "TRADING_ALPACA_SECRET_KEY": "alpaca_secret_key",
    "TRADING_JWT_SECRET_KEY": "jwt_secret",
    "TRADING_REDDIT_CLIENT_ID": "reddit_client_id",
    "TRADING_REDDIT_CLIENT_SECRET": "reddit_client_secret",
    "TRADING_ALPHA_VANTAGE_API_KEY": "alpha_vantage_api_key",
    "TRADING_FMP_API_KEY": "fmp_api_key",
    "DBAAS_ROOT_PASSWORD": "dbaas_root_password",
    "TRADING_ANTHROPIC_OAUTH_TOKEN": "anthropic_oauth_token",
    "TRADING_MEET_KEVIN_CHANNEL_ID": "meet_kevin_channel_id",
    "TRADING_SLACK_WEBHOOK_URL": "slack_webhook_url",
    "TRADING_SLACK_BOT_TOKEN": "slack_bot_token",
    "TRADING_KEVIN_IMAP_USER": "imap_user",  # the newsletter mailbox
    "TRADING_KEVIN_IMAP_PASSWORD": "imap_password",
}
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(
    namespace=NS,
    template={"data": {k: f"{{{{ .{p} }}}}" for k, p in APP_KEYS.items()}},
    data=[SecretKey(secret_key=p, key="viktor" if p == "slack_bot_token" else "trading-bot", property=p)
          for p in APP_KEYS.values()]), opts=ns_opts)
db_creds = DatabaseCredentials(DB_CREDS, DatabaseCredentialsArgs(
    namespace=NS, role="pg-trading",
    template={"TRADING_DATABASE_URL": database_url("postgresql+asyncpg", user="trading", host=settings.postgresql_host,
                                                   port=5432, database="trading"),
              "DB_PASSWORD": PASSWORD}), opts=ns_opts)

# Role, database and grants as root (password from the app Secret); the script is the live Job's.
db_init = PostgresInitJob("trading-bot-db-init", PostgresInitJobArgs(
    namespace=NS, env_from=ENV_FROM,
    script=load_payload(HERE, "db-init.sh").replace("@POSTGRESQL_HOST@", settings.postgresql_host)),
    opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets, db_creds]))
migrations = OneOffJob("trading-bot-migrations", OneOffJobArgs(
    namespace=NS, backoff_limit=3, pod_metadata={}, image_pull_secrets=["ghcr-credentials"],
    containers=[{"name": "migrations", "image": SERVICE_IMAGE, "image_pull_policy": "Always",
                 "command": ["python", "-m", "alembic", "upgrade", "head"],
                 "env": env({"TRADING_REDIS_URL": REDIS_URL}), "env_from": ENV_FROM}]),
    opts=pulumi.ResourceOptions(depends_on=[db_init], custom_timeouts=pulumi.CustomTimeouts(create="5m")))
apps_opts = pulumi.ResourceOptions(depends_on=[migrations])


def service(name: str, module: str, port: int, extra: dict | None = None) -> dict:
    """One worker container of the service image: shared env, its metrics port, then its own settings."""
    return {"name": name, "image": SERVICE_IMAGE, "command": ["python", "-m", f"services.{module}.main"],
            "env": [*COMMON, *env({"TRADING_OTEL_METRICS_PORT": str(port), **(extra or {})})],
            "env_from": ENV_FROM,
            "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}}


# CI owns the image tags (all :latest); Keel rolls them.
frontend = WebApp("trading-bot-frontend", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, keel=True, keel_containers=(0, 1),
    annotations={"reloader.stakater.com/auto": "true"}, pod_annotations=WAIT_FOR,
    strategy="RollingUpdate", rolling_update={"max_unavailable": 0, "max_surge": 1},
    pod_spec={"image_pull_secrets": PULL_SECRETS},
    containers=[
        {"name": "dashboard", "image": "ghcr.io/viktorbarzin/trading-bot-dashboard:latest",
         "ports": [{"container_port": 80, "protocol": "TCP"}],
         "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}}},
        {"name": "api-gateway", "image": SERVICE_IMAGE, "command": ["python", "-m", "services.api_gateway.main"],
         "ports": [{"container_port": 8000, "protocol": "TCP"}], "env": COMMON, "env_from": ENV_FROM,
         "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "384Mi"}}},
    ],
    service_ports=[{"port": 80, "target_port": 80}],
), opts=apps_opts)

WebApp("trading-bot-workers", WebAppArgs(
    namespace=NS, tier=c.TIER_EDGE, keel=True, keel_containers=tuple(range(6)),
    annotations={"reloader.stakater.com/auto": "true"}, pod_annotations=WAIT_FOR,
    strategy="Recreate", pod_spec={"image_pull_secrets": PULL_SECRETS},
    containers=[
        service("signal-generator", "signal_generator", 9093),
        service("learning-engine", "learning_engine", 9095),
        service("market-data", "market_data", 9096),
        service("meet-kevin-watcher", "meet_kevin_watcher", 9097, {
            # Second loop: the emailed newsletter, read over IMAP from the in-cluster mailserver.
            "TRADING_KEVIN_NEWSLETTER_ENABLED": "true",
            "TRADING_KEVIN_NEWSLETTER_ADDRESS": "dailywealth-meetkevin@viktorbarzin.me",
            "TRADING_KEVIN_IMAP_HOST": "mailserver.mailserver.svc.cluster.local",
            "TRADING_KEVIN_NEWSLETTER_POLL_INTERVAL_SECONDS": "7200",  # fallback until the send time is known
        }),
        service("kevin-signal-bridge", "kevin_signal_bridge", 9098, {"TRADING_KEVIN_ENABLE_TRADING": "true"}),
        # TRADING_PAPER_TRADING comes from the shared env only (a second copy would shift the list).
        service("trade-executor", "trade_executor", 9099, {
            "TRADING_KEVIN_DAILY_TRADE_CAP": "10",
            "TRADING_KEVIN_DAILY_ALLOC_CAP_USD": "20000",
            "TRADING_KEVIN_EQUITY_DRAWDOWN_HALT_PCT": "0.20",
            "TRADING_KEVIN_DAILY_LOSS_CIRCUIT_PCT": "0.05",
            "TRADING_SLACK_CHANNEL": "trading-bot",
        }),
    ],
), opts=apps_opts)

ingress = IngressFactory("trading", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="trading-bot-frontend", port=80, dns_type="proxied",
    auth="app", auth_reason="WebAuthn passkeys + JWT in the app; forward-auth redirects would break the WebAuthn XHR and /ws",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Trading Bot",
                       "gethomepage.dev/description": "Automated trading", "gethomepage.dev/icon": "mdi-chart-line",
                       "gethomepage.dev/group": "Finance & Personal", "gethomepage.dev/pod-selector": ""}),
    opts=ns_opts)

pulumi.export("host", ingress.host)
