"""Homepage dashboard at home.<domain>: the chart, an nginx cache for its slow /api/ widgets, Anubis in front."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.anubis import SERVICE_PORT as ANUBIS_PORT, AnubisArgs, AnubisInstance
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes
from homepage_values import homepage_values

settings = ClusterSettings.load()
NS = "homepage"
CACHE = "homepage-cache"
CACHE_SELECTOR = {"app": CACHE}

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

HelmRelease("homepage", HelmReleaseArgs(
    namespace=NS,
    repository="http://jameswynn.github.io/helm-charts",
    chart="homepage",
    # Upstream left the chart floating; confirm the live release's version before the first `up` (README.md).
    version="2.1.0",
    values=homepage_values(),
), opts=ns_opts)

# nginx serves widget /api/ responses stale while it refreshes them, so the page renders
# even when a widget's backend is slow or down.
cache_config = k8s.core.v1.ConfigMap(
    "cache-proxy-config",
    metadata={"name": "homepage-cache-config", "namespace": NS},
    data={"default.conf": load_payload(Path(__file__).parent, "default.conf")},
    opts=ns_opts,
)
# Not a WebApp: the live Deployment's labels are only `tier` (no selector label) and the
# Service has none; WebApp always labels both with the selector.
k8s.apps.v1.Deployment(
    "cache-proxy",
    metadata={"name": CACHE, "namespace": NS, "labels": {c.TIER_LABEL: c.TIER_AUX}},
    spec={
        "replicas": 1,
        "selector": {"match_labels": CACHE_SELECTOR},
        "template": {
            "metadata": {"labels": CACHE_SELECTOR},
            "spec": {
                "containers": [{
                    "name": "nginx", "image": "nginx:alpine",
                    "ports": [{"container_port": 80}],
                    "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
                    "volume_mounts": [{"name": "config", "mount_path": "/etc/nginx/conf.d"}],
                }],
                "volumes": [{"name": "config", "config_map": {"name": cache_config.metadata["name"]}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True)),
)
cache_service = k8s.core.v1.Service(
    "cache-proxy-service",
    metadata={"name": CACHE, "namespace": NS},
    spec={"selector": CACHE_SELECTOR, "ports": [{"port": 80, "target_port": 80}]},
    opts=ns_opts,
)

anubis = AnubisInstance("homepage", AnubisArgs(
    namespace=NS,
    target_url=f"http://{CACHE}.{NS}.svc.cluster.local",
    shared_store_url="redis://redis-master.redis.svc.cluster.local:6379/9",
), opts=ns_opts)

ingress = IngressFactory("homepage", IngressArgs.on_cluster(
    settings,
    namespace=NS, host="home", auth="none",
    auth_reason="The dashboard is public by design; Anubis' proof-of-work wall gates bots in place of Authentik",
    dns_type="proxied",
    service_name="anubis-homepage", port=ANUBIS_PORT,
    extra_middlewares=[c.MW_X402],
    anti_ai_scraping=False,
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Homepage",
        "gethomepage.dev/description": "Service dashboard", "gethomepage.dev/group": "Core Platform",
        "gethomepage.dev/icon": "homepage.png",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
