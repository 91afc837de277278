"""Blog: static nginx site at the root domain; Anubis gates crawlers, one script path bypasses it."""

import pulumi

from components.anubis import SERVICE_PORT as ANUBIS_PORT, AnubisArgs, AnubisInstance
from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = "website"
SELECTOR = {"run": "blog"}

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

WebApp("blog", WebAppArgs(
    namespace=NS,
    selector=SELECTOR,
    tier=TIER_AUX,
    keel=True,
    keel_containers=(0, 1),
    containers=[
        {
            "name": "blog",
            "image": "viktorbarzin/blog:latest",
            "ports": [{"container_port": 80}],
            "resources": {"limits": {"memory": "64Mi"}, "requests": {"cpu": "10m", "memory": "64Mi"}},
        },
        {
            "name": "nginx-exporter",
            "image": "nginx/nginx-prometheus-exporter",
            "args": ["-nginx.scrape-uri", "http://127.0.0.1:8080/nginx_status"],
            "ports": [{"container_port": 9113}],
        },
    ],
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "9113"},
    service_ports=[
        {"name": "http", "port": 80, "target_port": 80},
        {"name": "prometheus", "port": 9113, "target_port": 9113},
    ],
), opts=ns_opts)

AnubisInstance("blog", AnubisArgs(
    namespace=NS,
    target_url=f"http://blog.{NS}.svc.cluster.local",
    shared_store_url=f"redis://{settings.redis_host}:6379/10",
), opts=ns_opts)

common = dict(namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain,
              dns=settings.dns, full_host=settings.root_domain, auth="none", anti_ai_scraping=False)
# The apex host: the factory declares its proxied CNAME (a wildcard record never matches the apex).
site = IngressFactory("blog", IngressArgs(
    **common,
    auth_reason="Public blog; Anubis' proof-of-work wall stands in for the AI-bot block",
    dns_type="proxied",
    service_name="anubis-blog",
    port=ANUBIS_PORT,
    extra_middlewares=["traefik-x402@kubernetescrd"],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Blog",
        "gethomepage.dev/description": "Personal blog",
        "gethomepage.dev/icon": "hugo.png",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)
# curl | bash fetches this script and cannot solve a proof-of-work, so it skips Anubis.
IngressFactory("blog-net-diag", IngressArgs(
    **common,
    auth_reason="One public, read-only static script fetched with curl; nothing behind it to protect",
    dns_type="none",  # the apex record belongs to the main ingress
    homepage_enabled=False,
    service_name="blog",
    port=80,
    ingress_path=["/net-diag.sh"],
), opts=ns_opts)

pulumi.export("host", site.host)
