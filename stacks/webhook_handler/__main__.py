"""Webhook handler: public receiver for third-party webhooks; may restart Deployments cluster-wide."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.secret_inputs import secret_config
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "webhook-handler"
SECRETS = "webhook-handler-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["webhook-handler"]), opts=ns_opts)

# The handler redeploys apps: it runs as the namespace's default ServiceAccount. Its only
# API call is a PATCH of apps/v1 deployments/<name> in the namespace a verified webhook
# names (a restartedAt annotation), so that is all it may do (SEC-001). Upstream also let
# it create pods and namespaces anywhere, enough for node root from one stolen token.
k8s.rbac.v1.ClusterRole(
    "deployment-updater", metadata={"name": "deployment-updater"},
    rules=[{"verbs": ["patch"], "api_groups": ["apps"], "resources": ["deployments"]}])
k8s.rbac.v1.ClusterRoleBinding(
    "update-deployment-binding", metadata={"name": "update-deployment-binding"},
    subjects=[{"kind": "ServiceAccount", "name": "default", "namespace": NS}],
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "deployment-updater"},
    opts=ns_opts)

# Deploy key (Vault secret/webhook-handler: ssh_key) as secret stack config; see README.
ssh_key = secret_config(config, "sshKey")
k8s.core.v1.Secret(
    "ssh-key", metadata={"name": "ssh-key", "namespace": NS, "annotations": {"reloader.stakater.com/match": "true"}},
    type="generic", string_data={"id_rsa": ssh_key}, opts=ns_opts)

WebApp("webhook-handler", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    annotations={"reloader.stakater.com/auto": "true"},
    containers=[{
        "name": "webhook-handler", "image": "viktorbarzin/webhook-handler:latest",
        "resources": {"limits": {"memory": "64Mi"}, "requests": {"cpu": "10m", "memory": "64Mi"}},
        "ports": [{"container_port": 80}],
        "volume_mounts": [{"name": "id-rsa", "mount_path": "/opt/id_rsa", "sub_path": "id_rsa"}],
        "env": [
            *secret_env(SECRETS, {"WEBHOOKSECRET": "secret", "FB_APP_SECRET": "fb_app_secret",
                                  "FB_VERIFY_TOKEN": "fb_verify_token", "FB_PAGE_TOKEN": "fb_page_token"}),
            *env({"CONFIG": "./chatbot/config/viktorwebservices.yaml"}),
            *secret_env(SECRETS, {"GIT_USER": "git_user", "GIT_TOKEN": "git_token"}),
            *env({"SSH_KEY": "/opt/id_rsa", "WOODPECKER_API_URL": "https://ci.viktorbarzin.me"}),
            *secret_env(SECRETS, {"WOODPECKER_TOKEN": "woodpecker_token",
                                  "WOODPECKER_INFRA_REPO_ID": "woodpecker_infra_repo_id",
                                  "AUTHENTIK_WEBHOOK_SECRET": "authentik_webhook_secret"}),
        ],
    }],
    volumes=[{"name": "id-rsa", "secret": {"secret_name": "ssh-key"}}],
    service_ports=[{"port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory("webhook-handler", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="none",
    auth_reason="Machine-to-machine webhook endpoint: Forgejo, GitHub, Facebook and Authentik POST events "
                "without a browser session; each request is verified by the handler's shared secrets",
    host="webhook",
    dns_type="non-proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Webhook Handler",
                       "gethomepage.dev/description": "Webhook relay", "gethomepage.dev/icon": "webhook.png",
                       "gethomepage.dev/group": "Automation", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

pulumi.export("host", ingress.host)
