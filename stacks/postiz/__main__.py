"""postiz: the social-media post scheduler (Helm chart), its Temporal backend and Elasticsearch, its OIDC client."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.authentik_oidc import AccessGroup, AuthentikOidcApp, AuthentikOidcAppArgs, RedirectUri
from components.authentik_sdk import authentik
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.kube_patch import workload_patch
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, sablier_labels, secret_env

settings = ClusterSettings.load()
NS = "postiz"
SITE = "https://postiz.viktorbarzin.me"
AUTHENTIK_URL = "https://authentik.viktorbarzin.me"
GROUP = "postiz"  # Sablier group: one UI visit wakes Elasticsearch, Temporal and Postiz together
KYVERNO_TIER = 'metadata.labels["tier"]'  # Kyverno copies the namespace tier onto the Deployments

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
tls = cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- OIDC client: "Login with Authentik", only for the Postiz Users group ------------------------
ak = authentik.Provider("authentik", url=AUTHENTIK_URL, token=vault_field("authentik", "tf_api_token"))
oidc = AuthentikOidcApp("postiz", AuthentikOidcAppArgs(
    provider=ak, provider_name="postiz", client_id="postiz", client_type="confidential",
    # The email as subject keeps each user's Postiz account stable across logins.
    sub_mode="user_email",
    # Postiz always sends the user back to ${FRONTEND_URL}/settings.
    redirect_uris=[RedirectUri(url=f"{SITE}/settings")],
    access_token_validity="hours=1", refresh_token_validity="days=30",
    app_name="Postiz", app_slug="postiz", meta_launch_url=SITE,
    access_group=AccessGroup(name="Postiz Users", usernames=("vbarzin@gmail.com", "ancaelena98@gmail.com")),
))

# --- storage (data-bearing: protected and retained by ProxmoxVolume) -----------------------------
uploads = ProxmoxVolume("postiz-uploads", ProxmoxVolumeArgs(
    namespace=NS, storage="20Gi", storage_limit="50Gi", storage_class="proxmox-lvm"), opts=ns_opts)
es_data = ProxmoxVolume("postiz-es-data", ProxmoxVolumeArgs(
    namespace=NS, storage="8Gi", storage_limit="20Gi", storage_class="proxmox-lvm"), opts=ns_opts)

# --- Postiz (chart postiz-app) -----------------------------------------------------------------
# Only Instagram and Facebook have an OAuth app (the Meta one shared with instagram-poster).
DISABLED_PROVIDERS = ("x,linkedin,reddit,threads,youtube,tiktok,pinterest,dribbble,slack,discord,mastodon,"
                      "bluesky,lemmy,warpcast,vk,beehiiv,telegram,wordpress,nostr,farcaster")
VALUES = {
    # Keeps the Service at postiz.postiz.svc, the address instagram-poster calls.
    "fullnameOverride": "postiz",
    # Parked by default; Sablier owns the live count (an `up` while awake parks it again).
    "replicaCount": 0,
    "image": {"repository": "ghcr.io/gitroomhq/postiz-app", "tag": "v2.21.7", "pullPolicy": "IfNotPresent"},
    "service": {"type": "ClusterIP", "port": 80},
    # The app runs on the shared CNPG cluster and the shared Redis, not the bundled subcharts.
    "postgresql": {"enabled": False},
    "redis": {"enabled": False},
    # 1Gi request so postiz, temporal and elasticsearch fit the 4-aux memory quota.
    "resources": {"requests": {"cpu": "100m", "memory": "1Gi"}, "limits": {"memory": "3Gi"}},
    "env": {
        "MAIN_URL": SITE,
        "FRONTEND_URL": SITE,
        "NEXT_PUBLIC_BACKEND_URL": f"{SITE}/api",
        "BACKEND_INTERNAL_URL": "http://localhost:3000",
        "TEMPORAL_ADDRESS": "temporal:7233",
        "STORAGE_PROVIDER": "local",
        "UPLOAD_DIRECTORY": "/uploads",
        "NEXT_PUBLIC_UPLOAD_DIRECTORY": "/uploads",
        "IS_GENERAL": "true",
        "NX_ADD_PLUGINS": "false",
        "DISABLE_REGISTRATION": "true",
        "DISABLED_PROVIDERS": DISABLED_PROVIDERS,
        "POSTIZ_GENERIC_OAUTH": "true",
        "POSTIZ_OAUTH_AUTH_URL": f"{AUTHENTIK_URL}/application/o/authorize/",
        "POSTIZ_OAUTH_TOKEN_URL": f"{AUTHENTIK_URL}/application/o/token/",
        "POSTIZ_OAUTH_USERINFO_URL": f"{AUTHENTIK_URL}/application/o/userinfo/",
        "POSTIZ_OAUTH_CLIENT_ID": "postiz",
        "NEXT_PUBLIC_POSTIZ_OAUTH_DISPLAY_NAME": "Authentik",
    },
    # Rendered by the chart into its Secret (envFrom). The values are static in Vault, so they
    # go straight into the release: no ExternalSecret racing Helm over the same Secret.
    "secrets": {
        "DATABASE_URL": vault_field("postiz", "database_url"),
        "REDIS_URL": f"redis://{settings.redis_host}:6379/11",
        "JWT_SECRET": vault_field("instagram-poster", "postiz_jwt_secret"),
        "FACEBOOK_APP_ID": vault_field("instagram-poster", "facebook_app_id"),
        "FACEBOOK_APP_SECRET": vault_field("instagram-poster", "facebook_app_secret"),
        "INSTAGRAM_APP_ID": vault_field("instagram-poster", "instagram_app_id"),
        "INSTAGRAM_APP_SECRET": vault_field("instagram-poster", "instagram_app_secret"),
        "POSTIZ_OAUTH_CLIENT_SECRET": oidc.client_secret,
    },
    "extraVolumes": [{"name": "uploads-volume", "persistentVolumeClaim": {"claimName": uploads.claim_name}}],
    "extraVolumeMounts": [{"name": "uploads-volume", "mountPath": "/uploads"}],
}
release = HelmRelease("postiz", HelmReleaseArgs(
    namespace=NS, chart="postiz-app", version="1.0.5", repository="oci://ghcr.io/gitroomhq/postiz-helmchart/charts",
    values=VALUES,
    # A failed first boot stays in place to debug; `up` does not wait for the pods.
    atomic=False, cleanup_on_fail=False, skip_await=True, timeout=600,
), opts=pulumi.ResourceOptions(depends_on=[namespace, tls]))

# The chart has no value for Deployment labels: the Sablier enrolment is patched on.
workload_patch("postiz-sablier", kind="Deployment", namespace=NS, workload="postiz",
               labels=sablier_labels(GROUP), opts=pulumi.ResourceOptions(depends_on=[release]))

# --- Elasticsearch: Temporal's visibility store (Postiz needs more Text search attributes
# than Temporal's SQL visibility allows) ----------------------------------------------------------
ES_DATA = "/usr/share/elasticsearch/data"
elasticsearch = WebApp("elasticsearch", WebAppArgs(
    namespace=NS, sablier_group=GROUP, replicas=1, strategy="Recreate",
    # The claim mounts root-owned; Elasticsearch runs as uid 1000.
    pod_spec={"security_context": {"fs_group": 1000}},
    init_containers=[{
        "name": "fix-data-perms", "image": "busybox:1.36",
        "command": ["sh", "-c", f"chown -R 1000:1000 {ES_DATA}"],
        "security_context": {"run_as_user": 0},
        "volume_mounts": [{"name": "data", "mount_path": ES_DATA}],
    }],
    containers=[{
        "name": "elasticsearch", "image": "docker.io/library/elasticsearch:7.17.28",
        # allow_mmap=false: no vm.max_map_count bootstrap check, so no privileged sysctl init container.
        "env": env({
            "discovery.type": "single-node",
            "xpack.security.enabled": "false",
            "node.store.allow_mmap": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "ingest.geoip.downloader.enabled": "false",
            "ES_JAVA_OPTS": "-Xms512m -Xmx512m",
        }),
        "ports": [{"name": "http", "container_port": 9200}],
        "volume_mounts": [{"name": "data", "mount_path": ES_DATA}],
        "resources": {"requests": {"cpu": "100m", "memory": "1Gi"}, "limits": {"memory": "1536Mi"}},
        "readiness_probe": {"http_get": {"path": "/_cluster/health?local=true", "port": 9200},
                            "initial_delay_seconds": 20, "period_seconds": 10, "failure_threshold": 18},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": es_data.claim_name}}],
    ignore_changes=[KYVERNO_TIER, "spec.template.spec.containers[0].image",
                    'metadata.annotations["keel.sh/policy"]', 'metadata.annotations["keel.sh/trigger"]',
                    'metadata.annotations["keel.sh/pollSchedule"]'],
    service_labels={},
    service_ports=[{"name": "http", "port": 9200, "target_port": 9200}],
), opts=ns_opts)

# --- Temporal: Postiz will not serve anything until temporal:7233 answers -----------------------
# auto-setup only migrates the schemas of the existing temporal DBs, which the postiz role owns.
temporal_db = k8s.core.v1.Secret(
    "temporal-db", metadata={"name": "temporal-db", "namespace": NS},
    string_data={"POSTGRES_PWD": vault_field("postiz", "db_password")}, opts=ns_opts)
WebApp("temporal", WebAppArgs(
    namespace=NS, sablier_group=GROUP, replicas=0, strategy="Recreate",
    containers=[{
        "name": "temporal", "image": "temporalio/auto-setup:1.28.1",
        "env": [
            *env({
                "DB": "postgres12",
                "SKIP_DB_CREATE": "true",
                "DBNAME": "temporal",
                "ENABLE_ES": "true",
                "ES_SEEDS": "elasticsearch.postiz.svc.cluster.local",
                "ES_VERSION": "v7",
                "ES_PORT": "9200",
                "ES_SCHEME": "http",
                "POSTGRES_SEEDS": "pg-cluster-rw.dbaas.svc.cluster.local",
                "DB_PORT": "5432",
                "POSTGRES_USER": "postiz",
            }),
            *secret_env("temporal-db", {"POSTGRES_PWD": "POSTGRES_PWD"}),
        ],
        "ports": [{"name": "grpc", "container_port": 7233}],
        "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "readiness_probe": {"tcp_socket": {"port": 7233},
                            "initial_delay_seconds": 20, "period_seconds": 10, "failure_threshold": 12},
    }],
    ignore_changes=[KYVERNO_TIER, "spec.template.spec.containers[0].image",
                    'metadata.annotations["keel.sh/policy"]', 'metadata.annotations["keel.sh/trigger"]',
                    'metadata.annotations["keel.sh/pollSchedule"]',
                    'spec.template.metadata.annotations["keel.sh/update-time"]'],
    service_labels={},
    service_ports=[{"name": "grpc", "port": 7233, "target_port": 7233}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, temporal_db, elasticsearch]))

# --- ingresses: /uploads open for Meta's image fetcher, the rest behind Authentik ----------------
# Meta's Graph API fetcher cannot follow a login redirect (it fails the post with error 36001).
IngressFactory("postiz-uploads", IngressArgs.on_cluster(
    settings, namespace=NS, host="postiz", service_name="postiz", port=80, ingress_path=["/uploads"],
    dns_type="proxied", homepage_enabled=False,
    auth="none", auth_reason="Meta's Instagram Graph API fetcher pulls the uploaded images without a login; "
                             "a forward-auth redirect makes it reject the post (error 36001)",
), opts=ns_opts)
ui = IngressFactory("postiz", IngressArgs.on_cluster(
    settings, namespace=NS, host="postiz", service_name="postiz", port=80, ingress_path=["/"],
    dns_type="none",  # the record comes with postiz-uploads
    auth="required", allowed_groups=["Postiz Users", "Home Server Admins"],
    sablier=Sablier(group=GROUP),
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Postiz",
        "gethomepage.dev/description": "Social media post scheduler",
        "gethomepage.dev/icon": "postiz.png",
        "gethomepage.dev/group": "Automation",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ui.host)
pulumi.export("oidc_client_id", oidc.client_id)
