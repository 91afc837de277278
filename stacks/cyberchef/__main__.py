"""CyberChef: a static toolkit served at cc.<domain>, Anubis in front, parked by Sablier when idle."""

import pulumi

from components.anubis import SERVICE_PORT as ANUBIS_PORT, AnubisArgs, AnubisInstance
from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = "cyberchef"
SERVICE = "cc"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp("cyberchef", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    sablier_group="cyberchef",
    strategy="RollingUpdate",
    annotations={"reloader.stakater.com/search": "true"},
    pod_annotations={"diun.enable": "true", "diun.include_tags": r"^v\d+\.\d+\.\d+$"},
    containers=[{
        "name": "cyberchef",
        "image": "mpepping/cyberchef:v9.55.0",
        "ports": [{"container_port": 8000}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
    }],
    service_name=SERVICE,
    service_ports=[{"name": "http", "port": 80, "target_port": 8000}],
), opts=ns_opts)

anubis = AnubisInstance(SERVICE, AnubisArgs(
    namespace=NS,
    target_url=f"http://{SERVICE}.{NS}.svc.cluster.local",
    shared_store_url=f"redis://{settings.redis_host}:6379/5",
), opts=ns_opts)

ingress = IngressFactory(SERVICE, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Client-side tool with no accounts or stored data; Anubis' proof-of-work wall keeps crawlers off",
    dns_type="proxied",
    service_name=f"anubis-{SERVICE}",
    port=ANUBIS_PORT,
    sablier=Sablier(group="cyberchef"),
    extra_middlewares=["traefik-x402@kubernetescrd"],
    anti_ai_scraping=False,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "CyberChef",
        "gethomepage.dev/description": "Data transformation toolkit",
        "gethomepage.dev/icon": "cyberchef.png",
        "gethomepage.dev/group": "Development & CI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
