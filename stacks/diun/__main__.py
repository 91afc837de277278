"""Diun: watches the images of pods that opt in (`diun.enable`) cluster-wide and posts new tags to the n8n upgrade webhook."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
NS = "diun"
SECRETS = "diun-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["diun"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# The Kubernetes provider lists pods cluster-wide to learn which images to watch.
rbac = WorkloadRbac("diun", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["get", "watch", "list"])],
), opts=ns_opts)

data = ProxmoxVolume("diun-data-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)

WebApp("diun", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",
    annotations={"reloader.stakater.com/search": "true", "diun.enable": "true"},
    pod_spec={"service_account_name": rbac.service_account_name},
    containers=[{
        "name": "diun",
        "image": "viktorbarzin/diun:latest",
        "args": ["serve"],
        "env": [
            *env({
                "TZ": "Europe/Sofia",
                "DIUN_WATCH_WORKERS": "20",
                "DIUN_WATCH_SCHEDULE": "0 */6 * * *",
                "DIUN_WATCH_JITTER": "30s",
                "DIUN_PROVIDERS_KUBERNETES": "true",
                "DIUN_DEFAULTS_WATCHREPO": "true",
                "DIUN_DEFAULTS_MAXTAGS": "3",
                "DIUN_DEFAULTS_SORTTAGS": "reverse",
            }),
            *secret_env(SECRETS, {"DIUN_NOTIF_WEBHOOK_ENDPOINT": "n8n_webhook_url"}),
            *env({
                "DIUN_NOTIF_WEBHOOK_METHOD": "POST",
                "DIUN_NOTIF_WEBHOOK_HEADERS_CONTENT-TYPE": "application/json",
                "LOG_LEVEL": "debug",
            }),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
), opts=ns_opts)

pulumi.export("namespace", NS)
