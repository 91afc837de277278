"""nextcloud-todos: task automation for Nextcloud.

Nextcloud calls the app's webhook when a calendar object is created; the app triages it
(local LLM through llama-swap, or the Claude agent) and answers through `/cb` callbacks,
the only path exposed publicly. A migration init container runs Alembic first.
"""

import hashlib
from pathlib import Path

import pulumi
import pulumi_command as command

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
config = pulumi.Config()
HERE = Path(__file__).parent
NS = APP = "nextcloud-todos"
IMAGE = f"ghcr.io/viktorbarzin/nextcloud-todos:{config.get('imageTag') or 'latest'}"
SECRETS, DB_CREDS = "nextcloud-todos-secrets", "nextcloud-todos-db-creds"
RELOAD = {"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, template=RELOAD, data=[
    SecretKey(secret_key=name, key=APP, property=prop) for name, prop in (
        ("WEBHOOK_BEARER_TOKEN", "webhook_bearer_token"), ("HMAC_SECRET", "hmac_secret"),
        ("CALDAV_APP_PASSWORD", "caldav_app_password"), ("CLAUDE_AGENT_TOKEN", "claude_agent_token"))]), opts=ns_opts)
db_creds = ExternalSecret(DB_CREDS, ExternalSecretArgs(
    namespace=NS, store="vault-database",
    template={**RELOAD, "data": {
        "DB_CONNECTION_STRING": f"postgresql+asyncpg://nextcloud_todos:{{{{ .password }}}}@{settings.postgresql_host}:5432/nextcloud_todos",
        "DB_PASSWORD": "{{ .password }}"}},
    data=[SecretKey(secret_key="password", key="static-creds/pg-nextcloud-todos", property="password")]), opts=ns_opts)

ENV_FROM = [{"secret_ref": {"name": SECRETS}}, {"secret_ref": {"name": DB_CREDS}}]
healthz = {"http_get": {"path": "/healthz", "port": 8080}}
WebApp(APP, WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, selector={"app": APP}, strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true"},
    keel=True, ignore_changes=["spec.template.spec.initContainers[0].image"],
    pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}]},
    init_containers=[{"name": "alembic-migrate", "image": IMAGE, "command": ["python", "-m", "nextcloud_todos", "migrate"],
                      "env_from": ENV_FROM,
                      "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}],
    containers=[{
        "name": APP, "image": IMAGE, "ports": [{"container_port": 8080}], "env_from": ENV_FROM,
        "env": env({"NEXTCLOUD_BASE_URL": "https://nextcloud.viktorbarzin.me", "NEXTCLOUD_USER": "admin",
                    "LIST_ALLOWLIST": "Personal", "IDEATION_ALLOWLIST": "Noticing File",
                    "LLAMA_SWAP_URL": "http://llama-swap.llama-cpp.svc.cluster.local:8080", "LLAMA_SWAP_MODEL": "qwen3-8b",
                    "CLAUDE_AGENT_URL": "http://claude-agent-service.claude-agent.svc.cluster.local:8080",
                    "CALLBACK_BASE_URL": "https://nextcloud-todos.viktorbarzin.me"}),
        "readiness_probe": {**healthz, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**healthz, "initial_delay_seconds": 30, "period_seconds": 30},
        "resources": {"requests": {"cpu": "100m", "memory": "384Mi"}, "limits": {"memory": "768Mi"}},
    }],
    service_type="ClusterIP", service_spec={"type": "ClusterIP"},
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, secrets, db_creds]))

ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings, namespace=NS, port=8080, ingress_path=["/cb"], auth="none",
    auth_reason="only /cb is exposed: signed callbacks the app verifies with its HMAC secret",
    anti_ai_scraping=False, dns_type="proxied", external_monitor=False,
    extra_annotations={"gethomepage.dev/description": "Nextcloud task automation", "gethomepage.dev/icon": "nextcloud.png"},
), opts=ns_opts)

# Nextcloud's webhook for new calendar objects. Imperative (Nextcloud's OCS API), safe to
# re-run: the script skips events already registered; it re-runs when the token changes.
bearer = vault_field(APP, "webhook_bearer_token")
command.local.Command(
    "register-webhooks",
    create=load_payload(HERE, "register-webhooks.sh"),
    interpreter=["/bin/sh", "-c"],
    environment={"NC_ADMIN_APP_PW": vault_field(APP, "nextcloud_admin_app_password"), "WEBHOOK_BEARER_TOKEN": bearer},
    triggers=["http://nextcloud-todos.nextcloud-todos.svc.cluster.local:8080/nextcloud/hook",
              bearer.apply(lambda token: hashlib.sha256(token.encode()).hexdigest())],
    opts=pulumi.ResourceOptions(depends_on=[ingress]),
)
