"""Stirling PDF: PDF toolkit behind its own local login, parked by Sablier when idle."""

import pulumi

from components import constants as c
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.namespace import Namespace, NamespaceArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import ROLLOUT_ANNOTATIONS, env

settings = ClusterSettings.load()
NS = "stirling-pdf"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
configs = ProxmoxVolume("stirling-pdf-configs-proxmox", ProxmoxVolumeArgs(namespace=NS), opts=ns_opts)

status = {"http_get": {"path": "/api/v1/info/status", "port": 8080}}  # login-free health endpoint
WebApp("stirling-pdf", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    sablier_group="stirling-pdf",
    strategy="Recreate",
    annotations={"keel.sh/policy": "major", "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 1h"},
    # Keel's policy/trigger/schedule are owned here (semver-ordered `major`, never `force`, which can
    # roll a multi-tag repo backwards), so only the tag, match-tag and rollout bookkeeping are ignored.
    ignore_changes=['metadata.annotations["keel.sh/match-tag"]', "spec.template.spec.containers[0].image",
                    *(f'metadata.annotations["{a}"]' for a in ROLLOUT_ANNOTATIONS),
                    'spec.template.metadata.annotations["keel.sh/update-time"]'],
    containers=[{
        # A semver seed tag: Keel's `major` policy needs an ordered base after a recreate.
        "name": "stirling-pdf", "image": "stirlingtools/stirling-pdf:2.13.2",
        # Local accounts only: Stirling's OAuth2 is a paid tier.
        "env": env({"SECURITY_ENABLELOGIN": "true", "SECURITY_LOGINMETHOD": "normal"}),
        # The entrypoint sizes the JVM from the limit; below 2Gi metaspace is too small for v2.
        "resources": {"requests": {"cpu": "250m", "memory": "768Mi"}, "limits": {"memory": "2Gi"}},
        "ports": [{"container_port": 8080}],
        # A Sablier wake must not forward into a JVM that is still booting.
        "startup_probe": {**status, "initial_delay_seconds": 5, "period_seconds": 3,
                          "failure_threshold": 40, "timeout_seconds": 3},
        "readiness_probe": {**status, "period_seconds": 10, "timeout_seconds": 3, "failure_threshold": 3},
        "volume_mounts": [{"name": "configs", "mount_path": "/configs"}],
    }],
    volumes=[{"name": "configs", "persistent_volume_claim": {"claim_name": configs.claim_name}}],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

ingress = IngressFactory("stirling-pdf", IngressArgs.on_cluster(
    settings,
    namespace=NS, auth="app",
    auth_reason="Stirling PDF's own local username/password login (SECURITY_ENABLELOGIN) is the gate; its SSO "
                "is a paid feature. Cloudflare and CrowdSec front the login page",
    dns_type="proxied", sablier=Sablier(group="stirling-pdf"),
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Stirling PDF",
                       "gethomepage.dev/description": "PDF toolkit", "gethomepage.dev/icon": "stirling-pdf.png",
                       "gethomepage.dev/group": "Productivity", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

pulumi.export("host", ingress.host)
