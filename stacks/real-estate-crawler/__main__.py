"""Wrongmove property search: Anubis-fronted UI, the API on /api, Celery worker + beat, shared NFS data."""

import pulumi

from components import constants as c
from components.anubis import SERVICE_PORT as ANUBIS_PORT, AnubisArgs, AnubisInstance
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import terraform_json
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import deployment_ignore_changes, env, secret_env

settings = ClusterSettings.load()
NS = "realestate-crawler"
SECRETS = "real-estate-crawler-secrets"
DB_CREDS = "realestate-crawler-db-creds"
SLACK = "realestate-crawler-slack"
PULL_SECRET = "dockerhub-pull-secret"
APP_IMAGE = "viktorbarzin/realestatecrawler:latest"
HOST = "wrongmove.viktorbarzin.me"

# CI deploys every workload by an immutable :<sha> tag, so the declared image only matters on
# (re)create and the running one is ignored. Keel is told to keep out (`keel.sh/policy: never`,
# and the namespace is not enrolled): its default policy rewrote floating tags to old versions.
CI_OWNED = deployment_ignore_changes(keel=True, dns_config=False)
KEEL_OFF = {"keel.sh/policy": "never"}
PULL = {"image_pull_secrets": [{"name": PULL_SECRET}]}
WAIT_FOR_DATA = {"dependency.kyverno.io/wait-for": "mysql.dbaas:3306,redis-master.redis:6379"}
# Periodic scrapes that celery-beat runs (cron fields in UTC): rent daily at 03:00, buy on Sundays at 04:00.
SCRAPE_SCHEDULES = [
    {"name": "london-rent-daily", "listing_type": "RENT", "minute": "0", "hour": "3", "day_of_week": "*",
     "min_bedrooms": 1, "max_bedrooms": 2, "min_price": 1900, "max_price": 4000, "district_names": ["London"]},
    {"name": "london-buy-weekly", "listing_type": "BUY", "minute": "0", "hour": "4", "day_of_week": "0",
     "min_bedrooms": 1, "max_bedrooms": 2, "min_price": 400000, "max_price": 1200000, "district_names": ["London"]},
]

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["real-estate-crawler"]), opts=ns_opts)
DatabaseCredentials(DB_CREDS, DatabaseCredentialsArgs(
    namespace=NS, role="mysql-wrongmove",
    template={"DB_CONNECTION_STRING": database_url("mysql", user="wrongmove", host=settings.mysql_host, port=3306,
                                                   database="wrongmove")}), opts=ns_opts)
# New-signup alerts go to the shared #alerts webhook the monitoring digest uses.
slack = ExternalSecret(SLACK, ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    data=[SecretKey(secret_key="SLACK_WEBHOOK_URL", key="viktor", property="alertmanager_slack_api_url")]), opts=ns_opts)
# The images are private on Docker Hub; ESO renders the dockerconfigjson so the token stays in Vault.
ExternalSecret(PULL_SECRET, ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    data=[SecretKey(secret_key="pat", key="viktor", property="dockerhub_registry_password")],
    template={"type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": (
        '{"auths":{"https://index.docker.io/v1/":{"username":"viktorbarzin","password":"{{ .pat }}",'
        '"auth":"{{ printf "viktorbarzin:%s" .pat | b64enc }}"}}}')}}), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = NfsVolume("real-estate-crawler-data-host", NfsVolumeArgs(
    namespace=NS, nfs_server="192.168.1.127", nfs_path="/srv/nfs/real-estate-crawler"), opts=ns_opts)
data_volume = [{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}]
data_mount = [{"name": "data", "mount_path": "/app/data"}]

redis = f"redis://{settings.redis_host}:6379"
backend_env = [
    *env({"ENV": "prod"}),
    *secret_env(DB_CREDS, {"DB_CONNECTION_STRING": "DB_CONNECTION_STRING"}),
    *env({"CELERY_BROKER_URL": f"{redis}/0", "CELERY_RESULT_BACKEND": f"{redis}/1"}),
]
routing_env = env({"OSRM_FOOT_URL": "http://osrm-foot.osm-routing.svc.cluster.local:5000",
                   "OSRM_BICYCLE_URL": "http://osrm-bicycle.osm-routing.svc.cluster.local:5000",
                   "OTP_URL": "http://otp.osm-routing.svc.cluster.local:8080"})

WebApp("realestate-crawler-ui", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, annotations=KEEL_OFF, ignore_changes=CI_OWNED,
    replicas=2, strategy="RollingUpdate", rolling_update={"max_unavailable": 0, "max_surge": 1},
    pod_spec=PULL,
    containers=[{
        "name": "realestate-crawler-ui", "image": "viktorbarzin/immoweb:latest",
        "ports": [{"name": "http", "container_port": 8080, "protocol": "TCP"}],
        "env": env({"ENV": "prod"}),
    }],
    service_ports=[{"port": 80, "target_port": 8080}],
), opts=ns_opts)

version = {"http_get": {"path": "/api/version", "port": 5001}}
WebApp("realestate-crawler-api", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, annotations={"reloader.stakater.com/auto": "true", **KEEL_OFF},
    ignore_changes=CI_OWNED,
    # Two pods, replaced one at a time: the namespace quota has no room for a surge pod.
    replicas=2, strategy="RollingUpdate", rolling_update={"max_unavailable": 1, "max_surge": 0},
    pod_labels={"kubernetes.io/cluster-service": "true"}, pod_annotations=WAIT_FOR_DATA,
    pod_spec=PULL,
    containers=[{
        "name": "realestate-crawler-api", "image": APP_IMAGE,
        "env": [
            *backend_env,
            *env({"UVICORN_LOG_LEVEL": "debug"}),
            *routing_env,
            *secret_env(SLACK, {"SLACK_WEBHOOK_URL": "SLACK_WEBHOOK_URL"}),
            *env({"SLACK_CHANNEL": "#alerts", "WEBAUTHN_RP_ID": HOST, "WEBAUTHN_ORIGIN": f"https://{HOST}",
                  # APP_ENV arms the app's production guards, which need OIDC_CLIENT_ID and JWT_SECRET.
                  # The client id is public (a PKCE client, shipped in the frontend too).
                  "APP_ENV": "production", "OIDC_CLIENT_ID": "5AJKRgcdgVm1OyApBzFkadDFfStW9a555zwv2MOe"}),
            *secret_env(SECRETS, {"JWT_SECRET": "jwt_secret"}),
        ],
        "ports": [{"name": "http", "container_port": 5001, "protocol": "TCP"}],
        # No liveness probe on purpose: a slow blocking query would look like a hung process.
        # The startup budget (~150 s) covers the migrations the container runs first.
        "startup_probe": {**version, "period_seconds": 5, "failure_threshold": 30},
        "readiness_probe": {**version, "period_seconds": 10, "timeout_seconds": 5, "failure_threshold": 3},
        "resources": {"requests": {"cpu": "15m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        "volume_mounts": data_mount,
    }],
    volumes=data_volume,
    service_ports=[{"port": 80, "target_port": 5001}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, slack]))  # the Slack env must exist before the pod

WebApp("realestate-crawler-celery", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, annotations={"reloader.stakater.com/auto": "true", **KEEL_OFF},
    ignore_changes=CI_OWNED,
    strategy="Recreate",  # no quota room for a second 1Gi worker; Redis holds the queue meanwhile
    pod_annotations=WAIT_FOR_DATA, pod_spec=PULL,
    containers=[{
        "name": "celery-worker", "image": APP_IMAGE,
        "command": ["python", "-m", "celery", "-A", "celery_app", "worker", "--loglevel=info", "--pool=threads"],
        "resources": {"requests": {"cpu": "15m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
        "ports": [{"name": "metrics", "container_port": 9090, "protocol": "TCP"}],
        "env": [*backend_env, *routing_env],
        "volume_mounts": data_mount,
    }],
    volumes=data_volume,
    service_name="realestate-crawler-celery-metrics",
    service_ports=[{"port": 9090, "target_port": 9090}],
), opts=ns_opts)

WebApp("realestate-crawler-celery-beat", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, annotations={"reloader.stakater.com/auto": "true", **KEEL_OFF},
    ignore_changes=CI_OWNED,
    strategy="Recreate",  # exactly one scheduler
    pod_annotations=WAIT_FOR_DATA, pod_spec=PULL,
    containers=[{
        "name": "celery-beat", "image": APP_IMAGE,
        "command": ["python", "-m", "celery", "-A", "celery_app", "beat", "--loglevel=info"],
        "resources": {"requests": {"cpu": "10m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
        # Encoded as upstream's jsonencode wrote it, so the pod template is unchanged at adoption.
        "env": [*backend_env, *env({"SCRAPE_SCHEDULES": terraform_json(SCRAPE_SCHEDULES)})],
        "volume_mounts": data_mount,
    }],
    volumes=data_volume,
), opts=ns_opts)

# Anubis fronts the UI only; the UI's XHRs to /api go straight to the API.
AnubisInstance("wrongmove", AnubisArgs(
    namespace=NS, target_url=f"http://realestate-crawler-ui.{NS}.svc.cluster.local",
    shared_store_url="redis://redis-master.redis.svc.cluster.local:6379/12"), opts=ns_opts)

ingress = IngressFactory("wrongmove", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none",
    auth_reason="Public property search; Anubis' proof-of-work wall gates bots, and the app has its own "
                "passkey/OIDC accounts",
    dns_type="proxied", service_name="anubis-wrongmove", port=ANUBIS_PORT,
    extra_middlewares=[c.MW_X402], anti_ai_scraping=False,
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Wrongmove",
        "gethomepage.dev/description": "Property search", "gethomepage.dev/icon": "home-assistant.png",
        "gethomepage.dev/group": "Other", "gethomepage.dev/pod-selector": "",
    }), opts=ns_opts)
IngressFactory("wrongmove-api", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none",
    auth_reason="The public UI's XHR endpoint; the API checks its own JWTs, and a forward-auth redirect "
                "would break the cross-origin calls",
    dns_type="proxied", host="wrongmove", service_name="realestate-crawler-api", ingress_path=["/api"],
    extra_annotations={"gethomepage.dev/enabled": "false"}), opts=ns_opts)

pulumi.export("host", ingress.host)
