"""Offline reader: owner-only web app that captures pages via per-capture Jobs onto an NFS volume."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env

settings = ClusterSettings.load()
NS = "offline-reader"
LABELS = {"app": "offline-reader"}
SCRAPE = {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "8000"}
# The running tag is set by the Woodpecker deploy and ignored below; capture Jobs use the Keel-fed :latest.
IMAGE = f"ghcr.io/viktorbarzin/offline-reader:{pulumi.Config().get('imageTag') or 'latest'}"
CAPTURE_IMAGE = "ghcr.io/viktorbarzin/offline-reader-capture:latest"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
pages = NfsVolume("offline-reader-pages", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                        nfs_path="/srv/nfs/offline-reader", storage="50Gi"), opts=ns_opts)
# INGEST_TOKEN for the token-gated /api/ingest (seed Vault secret/offline-reader: ingest_token).
ingest_secret = ExternalSecret("offline-reader-secrets", ExternalSecretArgs(
    namespace=NS, data=[SecretKey(secret_key="INGEST_TOKEN", key="offline-reader", property="ingest_token")],
    template={"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}}), opts=ns_opts)

# The app creates one capture Job per saved page and follows its pod logs.
account = k8s.core.v1.ServiceAccount("offline-reader", metadata={"name": "offline-reader", "namespace": NS}, opts=ns_opts)
role = k8s.rbac.v1.Role("offline-reader-jobs", metadata={"name": "offline-reader-jobs", "namespace": NS}, rules=[
    {"api_groups": ["batch"], "resources": ["jobs"], "verbs": ["create", "get", "list", "watch", "delete"]},
    {"api_groups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]},
], opts=ns_opts)
binding = k8s.rbac.v1.RoleBinding(
    "offline-reader-jobs-binding", metadata={"name": "offline-reader-jobs", "namespace": NS},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": role.metadata["name"]},
    subjects=[{"kind": "ServiceAccount", "name": account.metadata["name"], "namespace": NS}], opts=ns_opts)

health = {"http_get": {"path": "/healthz", "port": 8000}}
WebApp("offline-reader", WebAppArgs(
    namespace=NS,
    selector=LABELS,
    tier=c.TIER_AUX,
    keel=True,
    strategy="Recreate",  # SQLite on the shared volume: one writer
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations=SCRAPE,
    pod_spec={"service_account_name": account.metadata["name"],
              "image_pull_secrets": [{"name": "registry-credentials"}]},
    containers=[{
        "name": "offline-reader", "image": IMAGE, "ports": [{"container_port": 8000}],
        "env": [*env({"DATA_DIR": "/data", "CAPTURE_MODE": "k8s", "SINGLEFILE_IMAGE": CAPTURE_IMAGE}),
                {"name": "NFS_PVC_CLAIM", "value": pages.claim_name},
                {"name": "POD_NAMESPACE", "value_from": {"field_ref": {"field_path": "metadata.namespace"}}}],
        # Optional: until ESO syncs, the pod starts and /api/ingest answers 503.
        "env_from": [{"secret_ref": {"name": "offline-reader-secrets", "optional": True}}],
        "volume_mounts": [{"name": "pages", "mount_path": "/data"}],
        "readiness_probe": {**health, "initial_delay_seconds": 5, "period_seconds": 10},
        "liveness_probe": {**health, "initial_delay_seconds": 30, "period_seconds": 30},
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    }],
    volumes=[{"name": "pages", "persistent_volume_claim": {"claim_name": pages.claim_name}}],
    service_annotations=SCRAPE,
    service_spec={"type": "ClusterIP"},
    service_ports=[{"name": "http", "port": 8000, "target_port": 8000}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, binding, ingest_secret]))

common = dict(namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain, dns=settings.dns, port=8000)
ingress = IngressFactory("offline-reader", IngressArgs(
    **common, auth="required", allowed_groups=["Home Server Admins"], dns_type="proxied",
    extra_annotations={"gethomepage.dev/icon": "mdi-book-arrow-down",
                       "gethomepage.dev/description": "Saved articles for offline reading"}), opts=ns_opts)
# Same host, /api/ingest only: an iOS Shortcut cannot carry the Authentik session.
IngressFactory("offline-reader-ingest", IngressArgs(
    **common, auth="none",
    auth_reason="Only /api/ingest: the app checks a secret INGEST_TOKEN; the iOS share Shortcut cannot replay "
                "the Authentik session cookie",
    dns_type="none", host="offline-reader", service_name="offline-reader", ingress_path=["/api/ingest"],
    extra_annotations={"gethomepage.dev/enabled": "false"}), opts=ns_opts)

# Only Traefik (after forward-auth) and monitoring reach the pod; egress stays open for captures.
k8s.networking.v1.NetworkPolicy(
    "offline-reader-ingress-netpol", metadata={"name": "offline-reader-ingress", "namespace": NS},
    spec={"pod_selector": {"match_labels": LABELS}, "policy_types": ["Ingress"], "ingress": [
        {"from": [{"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": source}}}],
         "ports": [{"port": 8000, "protocol": "TCP"}]} for source in ("traefik", "monitoring")]},
    opts=ns_opts)

pulumi.export("host", ingress.host)
