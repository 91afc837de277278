"""JSON Crack: a client-side JSON visualizer at json.<domain>, Anubis in front, parked by Sablier when idle."""

import pulumi

from components.anubis import AnubisArgs, AnubisInstance
from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = APP = "jsoncrack"
SERVICE = "json"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    sablier_group=APP,
    containers=[{"name": APP, "image": "viktorbarzin/jsoncrack:latest", "ports": [{"container_port": 8080}]}],
    service_name=SERVICE,
    service_ports=[{"name": "http", "port": 80, "target_port": 8080, "protocol": "TCP"}],
), opts=ns_opts)

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
