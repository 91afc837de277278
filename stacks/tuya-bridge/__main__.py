"""tuya-bridge: an HTTP API in front of the Tuya cloud for Home Assistant and automations.

A second workload, the Saksii poller, reads the potted-plant watering controller's
schedule and run log from the Tuya cloud model (which the Home Assistant integration does
not expose) every half hour and publishes them as Home Assistant entities.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "tuya-bridge"
SECRET = "tuya-bridge-secrets"
# CI sets the running tag (kubectl set image to the git sha); this is only the create-time tag.
IMAGE = f"ghcr.io/viktorbarzin/tuya_bridge:{pulumi.Config().get('imageTag') or 'latest'}"
# ghcr-credentials is cloned in by Kyverno while the package is private.
PULL_SECRETS = ["registry-credentials", "ghcr-credentials"]

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_CLUSTER, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
# Every property of secret/tuya-bridge: the Tuya developer key pair, the API key clients
# send, the Slack hook and the ha-sofia token the poller needs.
secrets = ExternalSecret(SECRET, ExternalSecretArgs(namespace=NS, extract=["tuya-bridge"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

health = {"http_get": {"path": "/health", "port": 8080}, "timeout_seconds": 5}
WebApp("tuya-bridge", WebAppArgs(
    namespace=NS, tier=c.TIER_CLUSTER, keel=True,
    annotations={"reloader.stakater.com/auto": "true"},
    pod_spec={"image_pull_secrets": [{"name": s} for s in PULL_SECRETS]},
    containers=[{
        "name": "tuya-bridge", "image": IMAGE, "image_pull_policy": "IfNotPresent",
        "ports": [{"container_port": 8080}],
        "env": secret_env(SECRET, {"TINYTUYA_API_KEY": "api_key", "TINYTUYA_API_SECRET": "api_secret",
                                   "SERVICE_API_KEY": "service_secret", "SLACK_URL": "slack_url"}),
        "liveness_probe": {**health, "initial_delay_seconds": 60, "period_seconds": 30, "failure_threshold": 6},
        "readiness_probe": {**health, "initial_delay_seconds": 10, "period_seconds": 15, "failure_threshold": 2},
        "resources": {"requests": {"cpu": "10m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=ns_opts)

ingress = IngressFactory("tuya-bridge", IngressArgs.on_cluster(
    settings, namespace=NS, auth="none", dns_type="proxied",
    auth_reason="automation API keyed by SERVICE_API_KEY headers; Home Assistant cannot follow Authentik redirects",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Tuya Bridge",
                       "gethomepage.dev/description": "Smart device bridge", "gethomepage.dev/icon": "mdi-home-automation",
                       "gethomepage.dev/group": "Smart Home", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)

poller = PayloadConfigMap("saksii-poller-script", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"poll.py": "saksii_poller.py"}), opts=ns_opts)
# The tuya_bridge image already carries tinytuya and requests, so the script needs no build.
ScheduledJob("saksii-poller", ScheduledJobArgs(
    namespace=NS, schedule="*/30 * * * *", concurrency_policy="Forbid", starting_deadline_seconds=300,
    successful_jobs_history_limit=1, failed_jobs_history_limit=3,
    backoff_limit=1, ttl_seconds_after_finished=3600,
    labels={"app": "saksii-poller", "tier": c.TIER_CLUSTER},
    job_metadata={}, pod_metadata={"labels": {"app": "saksii-poller"}},
    image_pull_secrets=PULL_SECRETS,
    pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    containers=[{
        "name": "saksii-poller", "image": "ghcr.io/viktorbarzin/tuya_bridge:latest", "image_pull_policy": "Always",
        "command": ["python3", "/scripts/poll.py"],
        "env": [*secret_env(SECRET, {"TUYA_API_KEY": "api_key", "TUYA_API_SECRET": "api_secret",
                                     "HA_TOKEN": "home_assistant_sofia_token"}),
                *env({"HA_URL": "https://ha-sofia.viktorbarzin.me", "TUYA_DEVICE_ID": "bfa58e4705a6e534c0nqut"})],
        "volume_mounts": [{"name": "script", "mount_path": "/scripts", "read_only": True}],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[poller.volume("script")],
), opts=pulumi.ResourceOptions(depends_on=[namespace, secrets]))

pulumi.export("host", ingress.host)
