"""Anisette: brokers the Apple-ID login data SideStore needs, so no public server sees our logins.

Stateless: the Apple provisioning library it downloads lives in an emptyDir.
"""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS

settings = ClusterSettings.load()
NS = "anisette"
LAN_DOMAIN = "viktorbarzin.lan"
# Upstream publishes only a moving :latest, so pin the digest. The explicit docker.io/ prefix is
# what Kyverno's trusted-registry allowlist matches.
IMAGE = "docker.io/dadoum/anisette-v3-server@sha256:1e20384985d3c49965f444bef39d627768dacc39ea0dca91f2a535edb7591ba3"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

probe = {"http_get": {"path": "/", "port": 6969}}
WebApp("anisette", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    # First start downloads and initialises Apple's library (slow): do not block the apply on it.
    annotations={"pulumi.com/skipAwait": "true"},
    pod_annotations={"diun.enable": "true", "diun.watch_repo": "false", "diun.include_tags": "^latest$"},
    # Upstream's narrower Keel list (three policy keys and the tag), not keel=True's full set.
    ignore_changes=[*(f'metadata.annotations["{a}"]' for a in KEEL_ANNOTATIONS[:3]),
                    "spec.template.spec.containers[0].image"],
    containers=[{
        "name": "anisette",
        "image": IMAGE,
        "ports": [{"name": "http", "container_port": 6969}],
        "volume_mounts": [{"name": "provisioning-cache", "mount_path": "/home/Alcoholic/.config/anisette-v3/lib"}],
        # The start-up initialisation spikes well past steady state.
        "resources": {"requests": {"cpu": "10m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "readiness_probe": {**probe, "period_seconds": 15, "initial_delay_seconds": 5},
        "liveness_probe": {**probe, "period_seconds": 30, "failure_threshold": 6},
    }],
    volumes=[{"name": "provisioning-cache", "empty_dir": {}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 6969}],
), opts=ns_opts)

ingress = IngressFactory("anisette", IngressArgs(
    namespace=NS,
    tls_secret_name=settings.tls_secret_name,
    root_domain=LAN_DOMAIN,
    dns=settings.dns,
    auth="none",
    auth_reason="SideStore is a native iOS client that cannot do the forward-auth cookie flow; "
                "the host is LAN-only (local-only middleware, .lan name) and holds no user data",
    allow_local_access_only=True,
    extra_annotations={"gethomepage.dev/enabled": "false"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
