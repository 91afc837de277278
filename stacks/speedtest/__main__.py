"""Speedtest Tracker: hourly speed tests stored in the shared MySQL, config dir on NFS."""

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs
from components.external_secret import reload_on_change
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "speedtest"
SECRETS = "speedtest-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

DatabaseCredentials(SECRETS, DatabaseCredentialsArgs(namespace=NS, role="mysql-speedtest", password_key="db_password"),
                    opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
# Laravel's APP_KEY: 32 random bytes, base64 with the `base64:` prefix Laravel expects.
app_key = random.RandomId("secret-key", byte_length=32)
# The key sits in a Secret the pod references, not as a literal in the pod spec (SEC-026).
APP_KEY_SECRET = "speedtest-app-key"
app_key_secret = k8s.core.v1.Secret(
    "speedtest-app-key", metadata={"name": APP_KEY_SECRET, "namespace": NS}, type="Opaque",
    string_data={"app_key": pulumi.Output.secret(app_key.b64_std.apply(lambda k: f"base64:{k}"))},
    opts=ns_opts)
config = NfsVolume("speedtest-config-nfs", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                         nfs_path="/srv/nfs/speedtest", storage="5Gi"), opts=ns_opts)

WebApp("speedtest", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",
    annotations=reload_on_change(),
    pod_annotations={
        "diun.enable": "true",
        "diun.include_tags": r"^\d+\.\d+\.\d+$",
        "dependency.kyverno.io/wait-for": "mysql.dbaas:3306",
    },
    containers=[{
        "name": "speedtest",
        "image": "lscr.io/linuxserver/speedtest-tracker:0.24.1",
        "ports": [{"container_port": 80}],
        "env": [
            *env({"PUID": 1000, "PGID": 1000}),
            *secret_env(APP_KEY_SECRET, {"APP_KEY": "app_key"}),
            *env({"SPEEDTEST_SCHEDULE": "0 * * * *", "APP_URL": f"https://speedtest.{settings.root_domain}",
                  "DB_CONNECTION": "mysql", "DB_HOST": settings.mysql_host, "DB_DATABASE": "speedtest",
                  "DB_USERNAME": "speedtest"}),
            *secret_env(SECRETS, {"DB_PASSWORD": "db_password"}),
            *env({"DB_PORT": "3306", "APP_TIMEZONE": "Europe/Sofia"}),
        ],
        "resources": {"requests": {"cpu": "25m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "volume_mounts": [{"name": "config", "mount_path": "/config"}],
    }],
    volumes=[{"name": "config", "persistent_volume_claim": {"claim_name": config.claim_name}}],
    service_annotations={"prometheus.io/scrape": "false"},
    service_ports=[{"name": "http", "port": 80, "target_port": 80}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_key_secret]))

ingress = IngressFactory("speedtest", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Speedtest",
        "gethomepage.dev/description": "Internet speed tracker",
        "gethomepage.dev/icon": "speedtest-tracker.png",
        "gethomepage.dev/group": "Infrastructure",
        "gethomepage.dev/widget.type": "speedtest",
        "gethomepage.dev/widget.url": "http://speedtest.speedtest.svc.cluster.local",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
