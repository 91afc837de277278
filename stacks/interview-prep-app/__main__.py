"""Interview prep PWA: one nginx pod on a Keel-rolled :latest image, Authentik in front."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes

settings = ClusterSettings.load()
NS = APP = "interview-prep-app"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

k8s.apps.v1.Deployment(
    APP,
    metadata={
        "name": APP,
        "namespace": NS,
        "labels": {"app": APP, "tier": TIER_AUX},
        # Initial Keel settings only: the keys are ignored afterwards, so live values win.
        "annotations": {
            "keel.sh/policy": "force",
            "keel.sh/trigger": "poll",
            "keel.sh/match-tag": "true",
            "keel.sh/pollSchedule": "@every 5m",
            c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL,
        },
    },
    spec={
        "replicas": 1,
        "strategy": {"type": "Recreate"},
        "selector": {"match_labels": {"app": APP}},
        "template": {
            "metadata": {"labels": {"app": APP}, "annotations": {"diun.enable": "true", "diun.include_tags": "^latest$"}},
            "spec": {
                # Kyverno's sync-ghcr-credentials policy copies this pull secret into the namespace.
                "image_pull_secrets": [{"name": "ghcr-credentials"}],
                "containers": [{
                    "name": APP,
                    "image": "ghcr.io/viktorbarzin/interview-prep-app:latest",
                    "image_pull_policy": "Always",
                    "ports": [{"container_port": 80}],
                    "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
                }],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)

k8s.core.v1.Service(
    "interview-prep-app-service",
    metadata={"name": APP, "namespace": NS, "labels": {"app": APP}},
    spec={"selector": {"app": APP}, "ports": [{"name": "http", "port": 80, "target_port": 80}]},
    opts=ns_opts,
)

ingress = IngressFactory("interview-prep", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    # Served by the wildcard CNAME: the proxied type creates no record of its own.
    dns_type="proxied",
    service_name=APP,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Interview Prep",
        "gethomepage.dev/description": "Interview preparation PWA",
        "gethomepage.dev/icon": "mdi-school",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/pod-selector": "app=interview-prep-app",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
