"""monitoring: the cluster's metrics, logs, dashboards and alerting, in the `monitoring` namespace.

The program is split by concern; each `monitoring_<part>.py` beside this file declares one
part into the namespace made here:

- monitoring_probes:     the probe CronJobs (Prometheus watchdog, DNS anomalies, Forgejo
                         registry integrity), the Pushgateway NodePort, the yotovski redirect
- monitoring_prometheus: the Prometheus chart (server, Alertmanager, Pushgateway) and its claim
- monitoring_grafana:    the Grafana chart, its dashboards, database credentials, folder ACLs
- monitoring_loki:       Loki, Alloy, their datasource/alert rules, the inotify sysctl DaemonSet
- monitoring_exporters:  goflow2, iDRAC Redfish, PVE, SNMP, the Authentik wall-off probe
- monitoring_digests:    alert/proxy-visit digests, share-link analytics, image flip-flop
                         detection, helm-unstick
"""

import pulumi

import monitoring_digests
import monitoring_exporters
import monitoring_grafana
import monitoring_loki
import monitoring_probes
import monitoring_prometheus
from components import constants as c
from components.namespace import Namespace, NamespaceArgs, Quota
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret

NS = "monitoring"
settings = ClusterSettings.load()

# Its own quota: 29+ pods plus per-node DaemonSets outgrow the 1-cluster tier default.
namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_CLUSTER,
    labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"},
    quota=Quota(name="monitoring-quota", hard={
        "requests.cpu": "16", "requests.memory": "20Gi", "limits.memory": "64Gi", "pods": "100",
    }),
))
cluster_tls_secret(NS, settings.tls_secret_name, opts=pulumi.ResourceOptions(depends_on=[namespace]))

for part in (monitoring_probes, monitoring_prometheus, monitoring_grafana, monitoring_loki,
             monitoring_exporters, monitoring_digests):
    part.declare(namespace, settings)
