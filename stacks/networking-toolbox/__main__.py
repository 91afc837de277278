"""Networking Toolbox: browser network-diagnostic tools behind Authentik, scaled to zero when idle."""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, sablier_labels

settings = ClusterSettings.load()
NS = APP = "networking-toolbox"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

k8s.apps.v1.Deployment(
    APP,
    metadata={"name": APP, "namespace": NS, "labels": {"app": APP, "tier": TIER_AUX, **sablier_labels(APP)}},
    spec={
        "replicas": 1,
        "selector": {"match_labels": {"app": APP}},
        "template": {
            "metadata": {"labels": {"app": APP},
                         "annotations": {"diun.enable": "true", "diun.include_tags": r"^\d+\.\d+\.\d+$"}},
            "spec": {"containers": [{
                "name": APP,
                "image": "lissy93/networking-toolbox:1.6.0",
                "ports": [{"container_port": 3000}],
                "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
            }]},
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True, sablier=True)),
)

k8s.core.v1.Service(
    "networking-toolbox-service",
    metadata={"name": APP, "namespace": NS, "labels": {"app": APP}},
    spec={"selector": {"app": APP}, "ports": [{"name": "http", "port": 80, "target_port": 3000}]},
    opts=ns_opts,
)

ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    sablier=Sablier(group=APP),
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Networking Toolbox",
        "gethomepage.dev/description": "Network diagnostic tools",
        "gethomepage.dev/icon": "mdi-lan",
        "gethomepage.dev/group": "Development & CI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
