"""City Guesser: a small geography game behind Authentik, scaled to zero by Sablier when idle."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = APP = "city-guesser"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    selector={"run": APP},
    tier=TIER_AUX,
    keel=True,
    sablier_group=APP,
    containers=[{
        "name": APP,
        "image": "viktorbarzin/city-guesser:latest",
        "ports": [{"container_port": 80}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 80}],
), opts=ns_opts)

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
