"""k8s-portal: the cluster onboarding site (kubeconfig download, setup script) behind Authentik."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.secret_inputs import preview_config
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "k8s-portal"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# The cluster CA the portal embeds in the kubeconfigs it hands out.
portal_config = k8s.core.v1.ConfigMap(
    "k8s-portal-config",
    metadata={"name": "k8s-portal-config", "namespace": NS},
    data={"ca.crt": preview_config(config, "k8sCaCert")},
    opts=ns_opts,
)

WebApp("k8s-portal", WebAppArgs(
    namespace=NS,
    tier=c.TIER_EDGE,
    keel=True,  # built by GitHub Actions into ghcr :latest; Keel polls and rolls it
    strategy="Recreate",
    revision_history_limit=3,
    # Seeds for a fresh object only; Keel owns these keys afterwards (keel=True ignores them).
    annotations={"keel.sh/policy": "force", "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 5m",
                 "keel.sh/match-tag": "true"},
    # Private GHCR image; Kyverno clones ghcr-credentials into allow-listed namespaces.
    pod_spec={"image_pull_secrets": [{"name": "ghcr-credentials"}],
              "dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    containers=[{
        "name": "portal",
        "image": "ghcr.io/viktorbarzin/k8s-portal:latest",
        "ports": [{"container_port": 3000}],
        "volume_mounts": [
            {"name": "config", "mount_path": "/config/ca.crt", "sub_path": "ca.crt", "read_only": True},
            # Namespace owners and roles, written by the rbac stack.
            {"name": "user-roles", "mount_path": "/config/users.json", "sub_path": "users.json", "read_only": True},
        ],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[
        {"name": "config", "config_map": {"name": portal_config.metadata["name"]}},
        {"name": "user-roles", "config_map": {"name": "k8s-user-roles"}},
    ],
    service_labels={},
    service_ports=[{"port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory("k8s-portal", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="non-proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "K8s Portal",
        "gethomepage.dev/description": "Kubernetes portal",
        "gethomepage.dev/icon": "kubernetes.png",
        "gethomepage.dev/group": "Core Platform",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

IngressFactory("k8s-portal-setup", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    host="k8s-portal",
    service_name="k8s-portal",
    ingress_path=["/setup/script", "/agent"],
    auth="none",
    auth_reason="the setup script and the agent bootstrap document are fetched with curl on fresh machines, "
                "which cannot follow a login redirect or keep a cookie; they carry only the public CA and the "
                "OIDC client settings, and the cluster itself still requires an Authentik login",
    homepage_enabled=False,
), opts=ns_opts)

pulumi.export("host", ingress.host)
