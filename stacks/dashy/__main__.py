"""Dashy: the former service dashboard. Homepage replaced it; it stays deployed at zero
replicas behind Authentik, and Sablier wakes it on demand."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.workload import deployment_ignore_changes, sablier_labels

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

k8s.apps.v1.Deployment(
    APP,
    metadata={
        "name": APP,
        "namespace": NS,
        "labels": {"app": APP, "tier": TIER_AUX, **sablier_labels(APP)},
        "annotations": {"reloader.stakater.com/search": "true", c.IMAGE_POLICY_ANNOTATION: c.IMAGE_POLICY_KEEL},
    },
    spec={
        # Zero at rest: a 1Gi pod nobody uses was cut after a memory-pressure incident.
        "replicas": 0,
        "selector": {"match_labels": {"app": APP}},
        "template": {
            "metadata": {"labels": {"app": APP}},
            "spec": {
                "containers": [{
                    "name": APP,
                    "image": "lissy93/dashy:latest",
                    "ports": [{"container_port": 8080}],
                    "volume_mounts": [{"name": "config", "mount_path": "/app/user-data/"}],
                    "resources": {"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
                }],
                "volumes": [{"name": "config", "config_map": {"name": config.metadata["name"]}}],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=deployment_ignore_changes(keel=True, sablier=True)),
)

k8s.core.v1.Service(
    "dashy-service",
    metadata={"name": APP, "namespace": NS, "labels": {"app": APP}},
    spec={"selector": {"app": APP}, "ports": [{"name": "http", "port": 80, "target_port": 8080}]},
    opts=ns_opts,
)

ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    sablier=Sablier(group=APP),
    extra_annotations={"gethomepage.dev/description": "Alternative service dashboard"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
