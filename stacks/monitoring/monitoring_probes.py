"""monitoring probes: the watchdog and probe CronJobs, the Pushgateway NodePort, the yotovski redirect.

- `monitor-prometheus` (namespace `default`, as upstream left it unset): every 30 minutes,
  curl the Prometheus server and post to the Facebook webhook when it does not answer.
- `dns-anomaly-monitor`: every 15 minutes, Technitium's last-hour statistics pushed to the
  Pushgateway (query totals, failures, NXDOMAIN, blocked, DGA-looking names).
- `forgejo-integrity-probe`: every 15 minutes, walks the Forgejo OCI registry's catalog and
  the newest tags' manifests (and image-index children) as `cluster-puller`, pushing the
  failure counts to the Pushgateway.
- `pushgateway-nodeport`: the chart's Pushgateway on node port 30091, for the PVE host's
  LVM snapshot metrics.
- `yotovski-status.viktorbarzin.me`: a permanent redirect to the HetrixTools status page.

The two probe scripts are the Terraform heredocs, carried byte for byte (bring-over
placeholders under files/), so the adopted CronJobs keep their command.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.namespace import Namespace
from components.payload import load_payload
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.traefik_middleware import TraefikMiddleware, TraefikMiddlewareArgs
from components.traefik_route import TraefikRoute, TraefikRouteArgs
from components.workload import env, secret_env

HERE = Path(__file__).parent
NS = "monitoring"
PUSHGATEWAY = "http://prometheus-prometheus-pushgateway.monitoring:9091"
FORGEJO_PROBE_SECRET = "forgejo-probe-credentials"
YOTOVSKI_HOST = "yotovski-status.viktorbarzin.me"
YOTOVSKI_TARGET = "https://hetrixtools.com/r/2ba9d7a5e017794db0fd91f0115a8b3b/"

# The watchdog's whole job, one shell line: the Facebook webhook hears about it when the
# Prometheus server does not answer within two seconds.
WATCHDOG_COMMAND = (
    "apk add --update curl && curl --connect-timeout 2 prometheus-server.monitoring.svc.cluster.local"
    " || curl https://webhook.viktorbarzin.me/fb/message-viktor -d 'Prometheus is down!'"
)


def declare(namespace: Namespace, settings: ClusterSettings) -> None:
    """The probe CronJobs, the probe's credentials, the NodePort and the redirect."""
    ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

    # Upstream gave this CronJob no namespace, so it has always lived in `default`.
    ScheduledJob("monitor-prometheus", ScheduledJobArgs(
        namespace="default", schedule="*/30 * * * *", concurrency_policy="Replace",
        failed_jobs_history_limit=5, job_metadata={}, pod_metadata={},
        containers=[{"name": "monitor-prometheus", "image": "alpine",
                     "command": ["/bin/sh", "-c", WATCHDOG_COMMAND]}],
    ))

    ScheduledJob("dns-anomaly-monitor", ScheduledJobArgs(
        namespace=NS, schedule="*/15 * * * *", concurrency_policy="Replace",
        successful_jobs_history_limit=3, failed_jobs_history_limit=3,
        backoff_limit=2, ttl_seconds_after_finished=300, job_metadata={}, pod_metadata={},
        containers=[{
            "name": "dns-anomaly-monitor", "image": "docker.io/library/alpine",
            "command": ["/bin/sh", "-c", load_payload(HERE, "dns-anomaly-monitor.sh")],
            "resources": {"requests": {"memory": "32Mi", "cpu": "10m"}, "limits": {"memory": "64Mi"}},
        }],
        # Written out as upstream did; Kyverno stamps the same, and the field is ignored.
        pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    ), opts=ns_opts)

    # An empty token until the cluster-puller PAT is in Vault: the probe then reports the
    # catalog inaccessible, which is the alert the operator should see.
    credentials = k8s.core.v1.Secret(
        FORGEJO_PROBE_SECRET,
        metadata={"name": FORGEJO_PROBE_SECRET, "namespace": NS},
        type="Opaque",
        string_data={"REG_USER": "cluster-puller",
                     "REG_PASS": vault_field("viktor", "forgejo_pull_token", default="")},
        opts=ns_opts,
    )
    ScheduledJob("forgejo-integrity-probe", ScheduledJobArgs(
        namespace=NS, schedule="*/15 * * * *", concurrency_policy="Forbid",
        successful_jobs_history_limit=3, failed_jobs_history_limit=3,
        backoff_limit=1, ttl_seconds_after_finished=600, job_metadata={}, pod_metadata={},
        restart_policy="OnFailure",
        containers=[{
            "name": "forgejo-integrity-probe", "image": "docker.io/library/alpine:3.20",
            "env": [
                *secret_env(FORGEJO_PROBE_SECRET, {"REG_USER": "REG_USER", "REG_PASS": "REG_PASS"}),
                *env({"REGISTRY_HOST": "forgejo.forgejo.svc.cluster.local", "REGISTRY_SCHEME": "http",
                      "REGISTRY_INSTANCE": "forgejo.viktorbarzin.me",
                      "PUSHGATEWAY": f"{PUSHGATEWAY}/metrics/job/forgejo-integrity-probe",
                      "TAGS_PER_REPO": "5"}),
            ],
            "command": ["/bin/sh", "-c", load_payload(HERE, "forgejo-integrity-probe.sh")],
            "resources": {"requests": {"cpu": "10m", "memory": "48Mi"}, "limits": {"memory": "96Mi"}},
        }],
    ), opts=pulumi.ResourceOptions(depends_on=[namespace, credentials]))

    k8s.core.v1.Service(
        "pushgateway-nodeport",
        metadata={"name": "pushgateway-nodeport", "namespace": NS},
        spec={
            "type": "NodePort",
            "selector": {"app.kubernetes.io/name": "prometheus-pushgateway",
                         "app.kubernetes.io/instance": "prometheus"},
            "ports": [{"port": 9091, "target_port": 9091, "node_port": 30091, "protocol": "TCP"}],
        },
        opts=ns_opts,
    )

    TraefikMiddleware("yotovski-redirect", TraefikMiddlewareArgs(namespace=NS, spec={"redirectRegex": {
        "regex": ".*", "replacement": YOTOVSKI_TARGET, "permanent": True,
    }}), opts=ns_opts)
    TraefikRoute("hetrix-yotovski-redirect-ingress", TraefikRouteArgs(
        namespace=NS,
        auth="none",
        auth_reason="answers every request with a redirect to the public HetrixTools status page; "
                    "nothing behind it (Traefik's noop@internal service)",
        spec={
            "entryPoints": ["websecure"],
            "routes": [{
                "match": f"Host(`{YOTOVSKI_HOST}`)",
                "kind": "Rule",
                "middlewares": [{"name": "yotovski-redirect", "namespace": NS}],
                "services": [{"kind": "TraefikService", "name": "noop@internal"}],
            }],
            "tls": {"secretName": settings.tls_secret_name},
        },
    ), opts=ns_opts)
