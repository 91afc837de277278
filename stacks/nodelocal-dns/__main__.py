"""NodeLocal DNSCache: a CoreDNS cache on every node, in front of CoreDNS and Technitium.

The cache runs on the host network and answers on the link-local IP and on the kube-dns
ClusterIP itself (NOTRACK rules, hence NET_ADMIN), so pods keep their resolver and are served
on their node. Misses go to CoreDNS through kube-dns-upstream (a second ClusterIP, so the
cache never forwards to itself); `viktorbarzin.lan` goes to Technitium.
"""

import hashlib

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.node_agent import NodeAgent, NodeAgentArgs
from corefile import corefile

NS = "kube-system"
APP = "node-local-dns"
LINK_LOCAL_IP = "169.254.20.10"
KUBE_DNS_IP = "10.96.0.10"
TECHNITIUM_IP = "10.96.0.53"
IMAGE = "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1"
SELECTOR = {"k8s-app": APP}

account = k8s.core.v1.ServiceAccount(APP, metadata={"name": APP, "namespace": NS, "labels": SELECTOR})

upstream = k8s.core.v1.Service(
    "kube-dns-upstream",
    metadata={"name": "kube-dns-upstream", "namespace": NS, "labels": {
        "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "KubeDNSUpstream"}},
    spec={"selector": {"k8s-app": "kube-dns"}, "ports": [
        {"name": "dns", "port": 53, "protocol": "UDP", "target_port": "53"},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "target_port": "53"},
    ]},
)

# Headless: one metrics endpoint per node for Prometheus.
k8s.core.v1.Service(
    "node-local-dns",
    metadata={"name": APP, "namespace": NS,
              "labels": {**SELECTOR, "kubernetes.io/cluster-service": "true"},
              "annotations": {"prometheus.io/port": "9253", "prometheus.io/scrape": "true"}},
    spec={"cluster_ip": "None", "selector": SELECTOR,
          "ports": [{"name": "metrics", "port": 9253, "target_port": "9253"}]},
)

COREFILE = corefile(LINK_LOCAL_IP, KUBE_DNS_IP, TECHNITIUM_IP)
config = k8s.core.v1.ConfigMap(APP, metadata={"name": APP, "namespace": NS, "labels": SELECTOR},
                               data={"Corefile": COREFILE})

NodeAgent(APP, NodeAgentArgs(
    namespace=NS,
    selector=SELECTOR,
    tier=c.TIERS["core"],
    host_network=True,
    host_paths=True,
    # DNS on the node's address (53) and metrics (9253) for Prometheus; DNS has no login.
    annotations={c.AUTH_ANNOTATION: "none", c.AUTH_REASON_ANNOTATION:
                 "per-node DNS cache on the host network: every pod's resolver, DNS has no authentication"},
    # Every node, whatever its taints: a node without the cache loses DNS for its pods.
    tolerations=[{"operator": "Exists"}],
    update_strategy="RollingUpdate",
    rolling_update={"max_unavailable": "10%"},
    pod_annotations={"node-local-dns/corefile-hash": hashlib.sha256(COREFILE.encode()).hexdigest()},
    pod_spec={"priority_class_name": "system-node-critical", "service_account_name": APP,
              "dns_policy": "Default", "termination_grace_period_seconds": 0},
    containers=[{
        "name": "node-cache",
        "image": IMAGE,
        "image_pull_policy": "IfNotPresent",
        "resources": {"requests": {"cpu": "25m", "memory": "32Mi"}, "limits": {"memory": "128Mi"}},
        "args": ["-localip", f"{LINK_LOCAL_IP},{KUBE_DNS_IP}", "-conf", "/etc/Corefile",
                 "-upstreamsvc", "kube-dns-upstream", "-skipteardown=true"],
        "security_context": {"capabilities": {"add": ["NET_ADMIN"]}},
        "ports": [{"name": "dns", "container_port": 53, "protocol": "UDP"},
                  {"name": "dns-tcp", "container_port": 53, "protocol": "TCP"},
                  {"name": "metrics", "container_port": 9253, "protocol": "TCP"}],
        "liveness_probe": {"http_get": {"host": LINK_LOCAL_IP, "path": "/health", "port": "8080"},
                           "initial_delay_seconds": 60, "timeout_seconds": 5},
        "volume_mounts": [{"name": "xtables-lock", "mount_path": "/run/xtables.lock", "read_only": False},
                          {"name": "config-volume", "mount_path": "/etc/coredns"},
                          {"name": "kube-dns-config", "mount_path": "/etc/kube-dns"}],
    }],
    volumes=[
        {"name": "xtables-lock", "host_path": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
        {"name": "kube-dns-config", "config_map": {"name": "kube-dns", "optional": True}},
        {"name": "config-volume", "config_map": {"name": APP, "items": [{"key": "Corefile", "path": "Corefile.base"}]}},
    ],
    # Core DNS never auto-updates: Keel's markers and its opt-out label are the operator's.
    ignore_changes=['metadata.annotations["keel.sh/policy"]', 'metadata.annotations["keel.sh/trigger"]',
                    'metadata.annotations["keel.sh/pollSchedule"]', 'metadata.labels["keel.sh/policy"]'],
), opts=pulumi.ResourceOptions(depends_on=[account, upstream, config]))

pulumi.export("daemonset_name", APP)
