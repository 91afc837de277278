"""JSON Crack: a client-side JSON visualizer at json.<domain>, Anubis in front, parked by Sablier when idle."""

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.anubis import AnubisArgs, AnubisInstance
from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, sablier_labels

settings = ClusterSettings.load()
NS = APP = "jsoncrack"
SERVICE = "json"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

k8s.apps.v1.Deployment(
    APP,
    metadata={
        "name": APP,
        "namespace": NS,
        "labels": {"app": APP, "tier": TIER_AUX, **sablier_labels(APP)},
        "annotations": {c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL},
    },
    spec={
        "replicas": 1,
        "selector": {"match_labels": {"app": APP}},
        "template": {
            "metadata": {"labels": {"app": APP}},
            "spec": {"containers": [{"name": APP, "image": "viktorbarzin/jsoncrack:latest", "ports": [{"container_port": 8080}]}]},
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True, sablier=True)),
)

k8s.core.v1.Service(
    "jsoncrack-service",
    metadata={"name": SERVICE, "namespace": NS, "labels": {"app": APP}},
    spec={"selector": {"app": APP}, "ports": [{"name": "http", "port": 80, "target_port": 8080, "protocol": "TCP"}]},
    opts=ns_opts,
)

anubis = AnubisInstance(SERVICE, AnubisArgs(
    namespace=NS,
    target_url=f"http://{SERVICE}.{NS}.svc.cluster.local",
    shared_store_url=f"redis://{settings.redis_host}:6379/7",
), opts=ns_opts)

ingress = IngressFactory(SERVICE, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Stateless in-browser visualizer with no accounts or stored data; Anubis' proof-of-work wall keeps bots off",
    dns_type="proxied",
    service_name=f"anubis-{SERVICE}",
    port=8080,
    sablier=Sablier(group=APP),
    extra_middlewares=["traefik-x402@kubernetescrd"],
    anti_ai_scraping=False,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "JSON Crack",
        "gethomepage.dev/description": "JSON visualizer",
        "gethomepage.dev/icon": "json.png",
        "gethomepage.dev/group": "Development & CI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
