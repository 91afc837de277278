"""monitoring, logs part: Loki (single binary), Alloy (the per-node shipper), Loki's Grafana
datasource and ruler rules, the ingresses external shippers push through, and the DaemonSet
raising the nodes' inotify limits for Alloy. The Loki section of README.md lists the differences.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from components import constants as c
from components.grafana import GrafanaDatasource, GrafanaDatasourceArgs
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace
from components.node_agent import NodeAgent, NodeAgentArgs
from components.payload import is_placeholder, load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.settings import ClusterSettings

import pulumi

HERE = Path(__file__).parent
NS = "monitoring"
REPOSITORY = "https://grafana.github.io/helm-charts"
LOKI_VERSION = "7.0.0"
# Upstream left the chart floating; 1.11.0 is the newest alloy chart released before the
# upstream snapshot that we could confirm. Check the live release at cut-over (README.md, Loki).
ALLOY_VERSION = "1.11.0"
LOKI_URL = "http://loki.monitoring.svc.cluster.local:3100"
ALERT_RULES = "loki-alert-rules"

# Replica counts of the chart's other deployment modes, all off in SingleBinary mode.
_OTHER_MODES = ("backend", "read", "write", "ingester", "querier", "queryFrontend", "queryScheduler",
                "distributor", "compactor", "indexGateway", "bloomCompactor", "bloomGateway")


def loki_values() -> dict:
    """The Loki chart's values (upstream's loki.yaml, as a dict)."""
    return {
        "loki": {
            "commonConfig": {"replication_factor": 1},
            "schemaConfig": {"configs": [{
                "from": "2025-04-01", "store": "tsdb", "object_store": "filesystem", "schema": "v13",
                "index": {"prefix": "loki_index_", "period": "24h"},
            }]},
            # A short idle period: every CronJob run is a new stream, and idle streams held
            # for hours filled the per-tenant stream limit.
            "ingester": {
                "chunk_idle_period": "1h", "max_chunk_age": "24h", "chunk_retain_period": "1m",
                "chunk_target_size": 1572864, "wal": {"dir": "/loki-wal"},
            },
            "pattern_ingester": {"enabled": True},
            "limits_config": {
                "allow_structured_metadata": True,
                "volume_enabled": True,
                "retention_period": "720h",
                # The proxy's visit log is kept a quarter (its dashboard), the rest 30 days.
                "retention_stream": [{
                    "selector": '{namespace="proxy", container="visit-collector"}',
                    "priority": 10, "period": "2160h",
                }],
            },
            "compactor": {
                "retention_enabled": True, "working_directory": "/var/loki/compactor",
                "compaction_interval": "1h", "delete_request_store": "filesystem",
            },
            # Chart 7.x reads the ruler from `rulerConfig` (a `ruler` key is ignored).
            "rulerConfig": {
                "enable_api": True,
                "storage": {"type": "local", "local": {"directory": "/var/loki/rules"}},
                "alertmanager_url": "http://prometheus-alertmanager.monitoring.svc.cluster.local:9093",
                "ring": {"kvstore": {"store": "inmemory"}},
                "rule_path": "/var/loki/scratch",
                # Recording rules write their samples to Prometheus, which keeps them longer.
                "wal": {"dir": "/var/loki/ruler-wal"},
                "remote_write": {"enabled": True, "clients": {"prometheus": {
                    "url": "http://prometheus-server.monitoring.svc.cluster.local:80/api/v1/write",
                }}},
            },
            "storage": {"type": "filesystem"},
            "auth_enabled": False,
        },
        "minio": {"enabled": False},
        # The canary keeps its pod on the GPU node when that node is tainted.
        "lokiCanary": {"tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]},
        "deploymentMode": "SingleBinary",
        "singleBinary": {
            "replicas": 1,
            "podAnnotations": {
                "prometheus.io/scrape": "true", "prometheus.io/port": "3100", "prometheus.io/path": "/metrics",
            },
            "persistence": {"enabled": True, "size": "50Gi", "storageClass": "proxmox-lvm"},
            "extraVolumes": [
                {"name": "wal", "emptyDir": {"medium": "Memory", "sizeLimit": "2Gi"}},
                {"name": "rules", "configMap": {"name": ALERT_RULES}},
            ],
            "extraVolumeMounts": [
                {"name": "wal", "mountPath": "/loki-wal"},
                # The ruler's local store reads tenant directories; "fake" is the tenant
                # when auth is off.
                {"name": "rules", "mountPath": "/var/loki/rules/fake"},
            ],
            "resources": {"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "4Gi"}},
        },
        **{mode: {"replicas": 0} for mode in _OTHER_MODES},
        "gateway": {"enabled": False},
        "chunksCache": {"enabled": False},
        "resultsCache": {"enabled": False},
    }


def alloy_values(config: str) -> dict:
    """The Alloy chart's values (upstream's alloy.yaml) around its pipeline ``config``."""
    journal = [("journal-run", "/run/log/journal"), ("journal-var", "/var/log/journal")]
    return {
        "alloy": {
            "resources": {"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
            "configMap": {"content": config},
            "mounts": {
                "varlog": True,
                "extra": [*({"name": n, "mountPath": p, "readOnly": True} for n, p in journal),
                          {"name": "machine-id", "mountPath": "/etc/machine-id", "readOnly": True}],
            },
        },
        "controller": {
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%"}},
            "volumes": {"extra": [
                *({"name": n, "hostPath": {"path": p, "type": "DirectoryOrCreate"}} for n, p in journal),
                {"name": "machine-id", "hostPath": {"path": "/etc/machine-id", "type": "File"}},
            ]},
            "tolerations": [
                {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"},
                {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
            ],
        },
    }


def alloy_config(stack_dir: Path = HERE) -> str:
    """Alloy's pipeline from the brought-over alloy.yaml (the placeholder text in previews).

    The rest of that file must be what :func:`alloy_values` declares, or this refuses: the
    values here are the ones deployed, the file only supplies the pipeline text. A file that
    is not a values mapping is taken as the pipeline itself.
    """
    text = load_payload(stack_dir, "alloy.yaml")
    values = None if is_placeholder(text) else yaml.safe_load(text)
    if not isinstance(values, dict):
        return text
    config = values.get("alloy", {}).get("configMap", {}).get("content")
    if not isinstance(config, str):
        raise ValueError(f"{stack_dir / 'files' / 'alloy.yaml'} has no alloy.configMap.content pipeline")
    if values != alloy_values(config):
        raise ValueError(f"{stack_dir / 'files' / 'alloy.yaml'} sets values other than monitoring_loki.alloy_values "
                         "declares; port the change into alloy_values")
    return config


def declare(namespace: Namespace, settings: ClusterSettings) -> None:
    ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

    # The ruler's rules (alerts on node journals, audit logs, ingress logs; recording rules).
    rules = PayloadConfigMap(ALERT_RULES, PayloadConfigMapArgs(
        namespace=NS, stack_dir=HERE, files={"rules.yaml": "loki/rules.yaml"},
    ), opts=ns_opts)

    loki = HelmRelease("loki", HelmReleaseArgs(
        namespace=NS, repository=REPOSITORY, chart="loki", version=LOKI_VERSION,
        values=loki_values(), timeout=600, atomic=False, create_namespace=True,
    ), opts=pulumi.ResourceOptions(depends_on=[namespace, rules]))

    HelmRelease("alloy", HelmReleaseArgs(
        namespace=NS, repository=REPOSITORY, chart="alloy", version=ALLOY_VERSION,
        values=alloy_values(alloy_config()),
        # A rolling update over every node, with a slow pod termination on the control plane.
        timeout=900, create_namespace=True,
    ), opts=pulumi.ResourceOptions(depends_on=[namespace, loki]))

    GrafanaDatasource("grafana-loki-datasource", GrafanaDatasourceArgs(
        file_name="loki-datasource.yaml",
        datasources=[{"name": "Loki", "type": "loki", "access": "proxy", "url": LOKI_URL, "isDefault": False}],
    ), opts=ns_opts)

    # Alloy tails one inotify watch per container log; the kernel defaults run out.
    NodeAgent("sysctl-inotify", NodeAgentArgs(
        namespace=NS,
        host_pid=True,
        tolerations=[{"operator": "Exists"}],
        init_containers=[{
            "name": "sysctl",
            "image": "busybox:1.37",
            "command": ["sh", "-c", "sysctl -w fs.inotify.max_user_watches=1048576 && "
                        "sysctl -w fs.inotify.max_user_instances=8192 && "
                        "sysctl -w fs.inotify.max_queued_events=1048576"],
            "security_context": {"privileged": True},
        }],
        containers=[{
            "name": "pause",
            "image": "registry.k8s.io/pause:3.10",
            "resources": {"requests": {"cpu": "1m", "memory": "4Mi"}, "limits": {"cpu": "1m", "memory": "4Mi"}},
        }],
        pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
        keel=True,
        # The tier label is stamped on the live object by the tier-labelling controller.
        ignore_changes=[f'metadata.labels["{c.TIER_LABEL}"]'],
    ), opts=ns_opts)

    # External log shippers (the Sofia Raspberry Pi's promtail) push here; LAN/VPN only.
    IngressFactory("loki", IngressArgs(
        namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain="viktorbarzin.lan", dns=settings.dns,
        auth="none",
        auth_reason="promtail pushes logs programmatically and cannot follow an Authentik login; "
                    "the local-only allowlist limits it to the LAN and VPN",
        allow_local_access_only=True,
        port=3100,
        extra_annotations={"gethomepage.dev/description": "Log aggregation query API"},
    ), opts=ns_opts)

    # Claude Code's OpenTelemetry log export; a .me host so the wildcard certificate verifies.
    IngressFactory("loki-otlp", IngressArgs.on_cluster(
        settings,
        namespace=NS, service_name="loki",
        auth="none",
        auth_reason="an OTLP exporter is not a browser and holds no Authentik session; "
                    "the local-only allowlist limits it to the LAN and VPN",
        allow_local_access_only=True,
        port=3100,
        ingress_path=["/otlp"],
        dns_type="internal",
        external_monitor=False,
        # Every session flushes on the same interval: bursts the browser rate limit would cut.
        skip_default_rate_limit=True,
        extra_annotations={
            "gethomepage.dev/description": "Loki OTLP log ingest for Claude Code telemetry (LAN only)",
            "gethomepage.dev/icon": "loki.png",
        },
    ), opts=ns_opts)
