"""City Guesser: a small geography game behind Authentik, scaled to zero by Sablier when idle."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, sablier_labels

settings = ClusterSettings.load()
NS = APP = "city-guesser"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

k8s.apps.v1.Deployment(
    APP,
    metadata={
        "name": APP,
        "namespace": NS,
        # ready-after 5s: Traefik's endpoint list catches up before the held request is released.
        "labels": {"run": APP, "tier": TIER_AUX, **sablier_labels(APP)},
        "annotations": {c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL},
    },
    spec={
        "replicas": 1,
        "selector": {"match_labels": {"run": APP}},
        "template": {
            "metadata": {"labels": {"run": APP}},
            "spec": {"containers": [{
                "name": APP,
                "image": "viktorbarzin/city-guesser:latest",
                "ports": [{"container_port": 80}],
                "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
            }]},
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True, sablier=True)),
)

k8s.core.v1.Service(
    "city-guesser-service",
    metadata={"name": APP, "namespace": NS, "labels": {"run": APP}},
    spec={"selector": {"run": APP}, "ports": [{"name": "http", "port": 80, "target_port": 80}]},
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
        "gethomepage.dev/name": "City Guesser",
        "gethomepage.dev/description": "Geography game",
        "gethomepage.dev/icon": "mdi-earth",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
