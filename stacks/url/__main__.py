"""Shlink URL shortener: public short links and API at url.<domain>, the admin web client behind Authentik."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, read_live
from components.namespace import Namespace, NamespaceArgs
from components.payload import terraform_json
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "url"
SECRETS = "url-secrets"
DB_CREDS = "url-db-creds"
DB_USER = "shlink"
DOMAIN = "url.viktorbarzin.me"
RELOADER_MATCH = {"reloader.stakater.com/match": "true"}

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["url"]), opts=ns_opts)
# Rotated MySQL password of the `shlink` user; the Deployment reads its env from this Secret.
DatabaseCredentials(DB_CREDS, DatabaseCredentialsArgs(
    namespace=NS, role="mysql-shlink", template={"DB_USER": DB_USER, "DB_PASSWORD": PASSWORD}), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Vault secret/url: the static DB password (for mysql-config) and the Shlink API key (for
# the web client's server list and the Homepage widget), read from the Secret ESO syncs.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["db_password", "api_key"], depends_on=[secrets],
                                         source="Vault secret/url"))

# The static-password copy: no workload here reads it (shlink uses url-db-creds); kept because it is live.
k8s.core.v1.Secret(
    "mysql-config",
    metadata={"name": "mysql-config", "namespace": NS, "annotations": RELOADER_MATCH},
    string_data={"DB_USER": DB_USER, "DB_PASSWORD": synced["db_password"]},
    opts=ns_opts,
)

health = {"http_get": {"path": "/rest/v3/health", "port": 8080}, "period_seconds": 30, "timeout_seconds": 5}
WebApp("shlink", WebAppArgs(
    namespace=NS,
    selector={"run": "shlink"},
    tier=c.TIER_AUX,
    annotations={"reloader.stakater.com/auto": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^\d+\.\d+\.\d+$",
                     "dependency.kyverno.io/wait-for": "mysql.dbaas:3306"},
    keel=True,
    containers=[{
        "name": "shlink", "image": "shlinkio/shlink:5.0.2",
        "env": [
            *env({"DEFAULT_DOMAIN": DOMAIN, "SHORT_DOMAIN_SCHEMA": "https"}),
            *secret_env(SECRETS, {"GEOLITE_LICENSE_KEY": "geolite_license_key"}),
            *env({"DB_DRIVER": "mysql", "DB_HOST": settings.mysql_host}),
        ],
        "env_from": [{"secret_ref": {"name": DB_CREDS}}],
        "resources": {"limits": {"memory": "704Mi"}, "requests": {"cpu": "25m", "memory": "512Mi"}},
        "ports": [{"container_port": 8080}],
        "liveness_probe": {**health, "initial_delay_seconds": 15, "failure_threshold": 5},
        "readiness_probe": {**health, "initial_delay_seconds": 5, "failure_threshold": 3},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

ingress = IngressFactory("url", IngressArgs.on_cluster(
    settings,
    namespace=NS, service_name="shlink", auth="none",
    auth_reason="Public short-link redirects, and the Shlink REST API checks its own X-Api-Key; a forward-auth "
                "redirect would break every short link and the web client's cross-origin API calls",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Shlink",
        "gethomepage.dev/description": "URL shortener", "gethomepage.dev/icon": "shlink.png",
        "gethomepage.dev/group": "Productivity", "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "shlink",
        "gethomepage.dev/widget.url": "http://shlink.shlink.svc.cluster.local:8080",
        "gethomepage.dev/widget.key": synced["api_key"],
    },
), opts=ns_opts)

# --- admin web client ---------------------------------------------------------------------

# The web client's server list, encoded as upstream's jsonencode wrote it so the live bytes stay.
servers = synced["api_key"].apply(
    lambda key: terraform_json([{"name": "Main", "url": f"https://{DOMAIN}", "apiKey": key}]))
k8s.core.v1.ConfigMap(
    "shlink-web",
    metadata={"name": "shlink-web-servers", "namespace": NS, "annotations": RELOADER_MATCH},
    data={"servers.json": servers},
    opts=ns_opts,
)

root = {"http_get": {"path": "/", "port": 8080}, "period_seconds": 30, "timeout_seconds": 5}
WebApp("shlink-web", WebAppArgs(
    namespace=NS,
    selector={"run": "shlink-web"},
    tier=c.TIER_AUX,
    annotations={"reloader.stakater.com/search": "true"},
    keel=True,
    containers=[{
        "name": "shlink-web", "image": "shlinkio/shlink-web-client:4.7.1",
        "volume_mounts": [{"mount_path": "/usr/share/nginx/html/servers.json", "sub_path": "servers.json",
                           "name": "config"}],
        "resources": {"limits": {"memory": "64Mi"}, "requests": {"cpu": "10m", "memory": "64Mi"}},
        # 4.x images serve from a non-root nginx on 8080 (the long-gone 0.x used 80).
        "ports": [{"container_port": 8080}],
        "liveness_probe": {**root, "initial_delay_seconds": 15, "failure_threshold": 5},
        "readiness_probe": {**root, "initial_delay_seconds": 5, "failure_threshold": 3},
    }],
    volumes=[{"name": "config", "config_map": {"name": "shlink-web-servers"}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

IngressFactory("shlink", IngressArgs.on_cluster(
    settings,
    namespace=NS, service_name="shlink-web", auth="required", dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "false", "gethomepage.dev/name": "Shlink Web",
        "gethomepage.dev/description": "URL shortener web client", "gethomepage.dev/icon": "shlink.png",
        "gethomepage.dev/group": "Productivity", "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
