"""Interview prep PWA: one nginx pod on a Keel-rolled :latest image, Authentik in front."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = APP = "interview-prep-app"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    # Initial Keel settings only: the keys are ignored afterwards, so live values win.
    annotations={
        "keel.sh/policy": "force",
        "keel.sh/trigger": "poll",
        "keel.sh/match-tag": "true",
        "keel.sh/pollSchedule": "@every 5m",
    },
    pod_annotations={"diun.enable": "true", "diun.include_tags": "^latest$"},
    keel=True,
    strategy="Recreate",
    containers=[{
        "name": APP,
        "image": "ghcr.io/viktorbarzin/interview-prep-app:latest",
        "image_pull_policy": "Always",
        "ports": [{"container_port": 80}],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
    }],
    # Kyverno's sync-ghcr-credentials policy copies this pull secret into the namespace.
    pod_spec={"image_pull_secrets": [{"name": "ghcr-credentials"}]},
    service_ports=[{"name": "http", "port": 80, "target_port": 80}],
), opts=ns_opts)

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
