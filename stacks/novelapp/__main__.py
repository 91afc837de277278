"""NovelApp: a shared web-novel tracker with its own Google sign-in; always on, SQLite on a Proxmox claim."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import ROLLOUT_ANNOTATIONS, env, secret_env

settings = ClusterSettings.load()
NS = "novelapp"
SECRETS = "novelapp-secrets"
PUBLIC_URL = "https://novelapp.viktorbarzin.me"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["novelapp"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
data = ProxmoxVolume("novelapp-data-proxmox", ProxmoxVolumeArgs(namespace=NS, wait_until_bound=True), opts=ns_opts)

WebApp("novelapp", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    # Not Sablier-enrolled on purpose: a second user relies on it and cold starts hurt.
    strategy="Recreate",
    annotations={"reloader.stakater.com/auto": "true",
                 # `major` climbs every parseable semver tag; the image below is only the floor.
                 "keel.sh/policy": "major", "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 1h"},
    # The Keel policy keys above are owned here; Keel's tag and rollout bookkeeping are not.
    ignore_changes=["spec.template.spec.containers[0].image",
                    *(f'metadata.annotations["{a}"]' for a in ROLLOUT_ANNOTATIONS),
                    'spec.template.metadata.annotations["keel.sh/update-time"]'],
    containers=[{
        "name": "novelapp",
        "image": "mghee/novelapp:v1.1.3",
        "image_pull_policy": "IfNotPresent",
        "env": [
            *env({"NODE_ENV": "production", "DB_PATH": "/app/data/novelapp.db", "DISABLE_BROWSER_SCRAPING": "true",
                  "PORT": 3000, "AUTH_URL": PUBLIC_URL}),
            *secret_env(SECRETS, {"AUTH_SECRET": "auth_secret"}),
            *env({"AUTH_TRUST_HOST": "true"}),
            *secret_env(SECRETS, {"GOOGLE_CLIENT_ID": "google_client_id", "GOOGLE_CLIENT_SECRET": "google_client_secret"}),
            *env({"ALLOWED_ORIGIN": PUBLIC_URL}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/app/data"}],
        "ports": [{"container_port": 3000}],
        # Server-side rendering spikes well above the idle working set; 640Mi is the size that stopped the OOM kills.
        "resources": {"requests": {"memory": "640Mi", "cpu": "10m"}, "limits": {"memory": "640Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory("novelapp", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="app",
    auth_reason="NextAuth with Google OAuth gates every user; forward-auth in front double-gates it and breaks "
                "the mobile webview clients that cannot follow the Authentik redirect",
    dns_type="non-proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "NovelApp",
        "gethomepage.dev/description": "Web novel tracker",
        "gethomepage.dev/icon": "mdi-book-open-page-variant",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# The namespace owner: his OIDC user (kubectl) and the ServiceAccount whose token the web dashboard uses.
k8s.rbac.v1.RoleBinding(
    "novelapp-owner-vabbit81",
    metadata={"name": "novelapp-owner-vabbit81", "namespace": NS},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
    subjects=[
        {"api_group": "rbac.authorization.k8s.io", "kind": "User", "name": "vabbit81@gmail.com"},
        {"api_group": "", "kind": "ServiceAccount", "name": "dashboard-vabbit81", "namespace": "vabbit81"},
    ],
    opts=ns_opts,
)

pulumi.export("host", ingress.host)
