"""Dashy: the former service dashboard. Homepage replaced it; it stays deployed at zero
replicas behind Authentik, and Sablier wakes it on demand."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = APP = "dashy"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

config = k8s.core.v1.ConfigMap(
    "config",
    metadata={"name": "config", "namespace": NS, "annotations": {"reloader.stakater.com/match": "true"}},
    data={"conf.yml": load_payload(Path(__file__).parent, "conf.yml")},
    opts=ns_opts,
)

WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    sablier_group=APP,
    # Zero at rest: a 1Gi pod nobody uses was cut after a memory-pressure incident.
    replicas=0,
    annotations={"reloader.stakater.com/search": "true"},
    containers=[{
        "name": APP,
        "image": "lissy93/dashy:latest",
        "ports": [{"container_port": 8080}],
        "volume_mounts": [{"name": "config", "mount_path": "/app/user-data/"}],
        "resources": {"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
    }],
    volumes=[{"name": "config", "config_map": {"name": config.metadata["name"]}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    sablier=Sablier(group=APP),
    extra_annotations={"gethomepage.dev/description": "Alternative service dashboard"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
