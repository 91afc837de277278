"""NetBox on the shared Postgres and Redis, parked by Sablier until an authenticated visit."""

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "netbox"
SECRETS = "netbox-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["netbox"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
# Django SECRET_KEY and the API token pepper: generated once, kept in state.
secret_key = random.RandomString("secret-key", length=50, lower=True)
token_pepper = random.RandomString("api-token-pepper", length=50, lower=True)
# Both live in a Secret the pod references, not as literals in the pod spec (SEC-023).
KEYS_SECRET = "netbox-generated-keys"
keys_secret = k8s.core.v1.Secret(
    "netbox-generated-keys", metadata={"name": KEYS_SECRET, "namespace": NS}, type="Opaque",
    string_data={"secret_key": pulumi.Output.secret(secret_key.result),
                 "api_token_peppers": pulumi.Output.secret(token_pepper.result)},
    opts=ns_opts)

WebApp("netbox", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"diun.enable": "true"},
    keel=True,
    sablier_group="netbox",
    replicas=0,  # Sablier scales 0 <-> 1; it starts parked.
    strategy="Recreate",
    containers=[{
        "name": "netbox",
        "image": "netboxcommunity/netbox:v4.5.0-beta1",
        "env": [
            *env({"DB_USER": "netbox"}),
            *secret_env(SECRETS, {"DB_PASSWORD": "db_password"}),
            *env({"DB_HOST": settings.postgresql_host, "DB_NAME": "netbox", "DB_WAIT_DEBUG": "1"}),
            *secret_env(KEYS_SECRET, {"SECRET_KEY": "secret_key", "API_TOKEN_PEPPERS": "api_token_peppers"}),
            *env({"REDIS_HOST": settings.redis_host, "ALLOWED_HOST": f"netbox.{settings.root_domain}",
                  "SUPERUSER_EMAIL": "me@viktorbarzin.me"}),
            *secret_env(SECRETS, {"SUPERUSER_PASSWORD": "superuser_password"}),
            *env({"REMOTE_AUTH_ENABLED": "True", "REMOTE_AUTH_AUTO_CREATE_USER": "True",
                  "PUID": 1000, "PGID": 1000, "TZ": "Europe/Sofia"}),
        ],
        "resources": {"requests": {"cpu": "25m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
        "ports": [{"container_port": 8080}],
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080, "protocol": "TCP"}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, keys_secret]))

ingress = IngressFactory("netbox", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    sablier=Sablier(group="netbox"),
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Netbox",
        "gethomepage.dev/description": "Network documentation",
        "gethomepage.dev/icon": "netbox.png",
        "gethomepage.dev/group": "Infrastructure",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
