"""Sablier: scales enrolled workloads between 0 and N on behalf of the Traefik plugin.

Every ingress enrolled with IngressArgs.sablier gets a middleware that asks this service
(components.ingress.SABLIER_URL) for its group's session; Sablier scales the Deployments
and StatefulSets labelled sablier.enable=true up on a request and back to zero when the
session expires. Sessions live in memory only, and on start-up Sablier parks every enrolled
workload that has no session: a restart of this pod parks the idle apps.
"""

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_CLUSTER
from components.namespace import Namespace, NamespaceArgs
from components.web_app import WebApp, WebAppArgs

NS = APP = "sablier"
PORT = 10000
# Pinned, not Keel-rolled: the server's API is paired with the vendored Traefik plugin
# version in the traefik stack, and the two are bumped together.
IMAGE = "sablierapp/sablier:1.15.0"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CLUSTER))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

account = k8s.core.v1.ServiceAccount(APP, metadata={"name": APP, "namespace": NS}, opts=ns_opts)
role = k8s.rbac.v1.ClusterRole(
    APP,
    metadata={"name": APP},
    rules=[
        # Read workloads, write only their scale subresource.
        {"api_groups": ["apps", ""], "resources": ["deployments", "statefulsets"],
         "verbs": ["get", "list", "watch"]},
        {"api_groups": ["apps", ""], "resources": ["deployments/scale", "statefulsets/scale"],
         "verbs": ["get", "list", "watch", "patch", "update"]},
        # Its CNPG informer starts whenever the CRD exists and fails discovery without read
        # access; read-only so a database cluster can never be hibernated.
        {"api_groups": ["postgresql.cnpg.io"], "resources": ["clusters"], "verbs": ["get", "list", "watch"]},
    ],
)
k8s.rbac.v1.ClusterRoleBinding(
    APP,
    metadata={"name": APP},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role.metadata["name"]},
    subjects=[{"kind": "ServiceAccount", "name": account.metadata["name"], "namespace": NS}],
    opts=ns_opts,
)

probe = {"http_get": {"path": "/health", "port": PORT}, "timeout_seconds": 5}
WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_CLUSTER,
    keel=True,
    pod_annotations={"diun.enable": "true"},
    pod_spec={"service_account_name": account.metadata["name"]},
    containers=[{
        "name": APP,
        "image": IMAGE,
        "args": [
            "start",
            "--provider.name=kubernetes",
            "--logging.level=info",
            # For sessions opened without a duration; the ingress middlewares pass their own.
            "--sessions.default-duration=3h",
            "--server.metrics.enabled=true",
        ],
        "ports": [{"container_port": PORT}],
        "resources": {"requests": {"cpu": "25m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
        "liveness_probe": {**probe, "initial_delay_seconds": 10, "period_seconds": 30},
        "readiness_probe": {**probe, "initial_delay_seconds": 5, "period_seconds": 10},
    }],
    service_ports=[{"name": "api", "port": PORT, "target_port": PORT, "protocol": "TCP"}],
    # Prometheus' kubernetes-service-endpoints job scrapes the sablier_* session metrics.
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/port": str(PORT)},
), opts=ns_opts)

pulumi.export("namespace", NS)
pulumi.export("url", f"http://{APP}.{NS}.svc.cluster.local:{PORT}")
