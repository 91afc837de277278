"""Calico, the cluster's CNI: the tigera-operator Helm release and what is layered on it.

The operator and the data plane it renders (calico-node) carry every pod's network, so the
release manages only the operator: the Installation CR stays the operator's. Goldmane and
Whisker (flow observability) are enabled by their operator CRs, not by chart flags; the
Whisker UI is published behind Authentik with two additive NetworkPolicies and a watchdog.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.kubectl_job import KubectlJob, KubectlJobArgs
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.scheduled_job import ScheduledJobArgs
from components.settings import ClusterSettings
from components.workload_rbac import Rule

HERE = Path(__file__).parent
settings = ClusterSettings.load()
SYSTEM_NS = "calico-system"
OPERATOR_NS = "tigera-operator"
WHISKER_PORT = 8081
WHISKER_POD = {"app.kubernetes.io/name": "whisker"}
# The operator labels calico-system and calico-apiserver for Pod Security `privileged`.
PSA_LABELS = ('metadata.labels["pod-security.kubernetes.io/enforce"]',
              'metadata.labels["pod-security.kubernetes.io/enforce-version"]')
NO_TIER = ("as upstream: a tier would make Kyverno generate quotas, limits and priorities for the "
           "CNI's own pods")

namespaces = [
    Namespace(name, NamespaceArgs(tier=None, no_tier_reason=NO_TIER, labels={"name": name},
                                  ignore_label_changes=(c.IGNORE_GOLDILOCKS_LABEL, *psa)))
    for name, psa in ((SYSTEM_NS, PSA_LABELS), ("calico-apiserver", PSA_LABELS), (OPERATOR_NS, ()))
]

# Adopted in place; upgrades go one minor at a time, applied by hand and watched (calico-node
# rolls with maxUnavailable 1). Helm never renders the Installation, API server, Goldmane or
# Whisker: their CRs are the operator's (or declared below).
release = HelmRelease("calico", HelmReleaseArgs(
    namespace=OPERATOR_NS,
    repository="https://docs.tigera.io/calico/charts",
    chart="tigera-operator",
    version="v3.30.7",
    atomic=False,
    cleanup_on_fail=False,
    values={
        "installation": {"enabled": False},
        "apiServer": {"enabled": False},
        "goldmane": {"enabled": False},
        "whisker": {"enabled": False},
        # The operator's start-up (informer caches) needs more than 256Mi.
        "resources": {"limits": {"memory": "512Mi"}},
    },
), opts=pulumi.ResourceOptions(depends_on=namespaces))

# Observe-only egress policy for tier 3/4 namespaces: log every packet (NFLOG, shipped to Loki
# as node-journal), then allow it. Kept when removed from the program, as upstream's apply_only.
k8s.apiextensions.CustomResource(
    "wave1-egress-observe-tier34",
    api_version="projectcalico.org/v3",
    kind="GlobalNetworkPolicy",
    metadata={"name": "wave1-egress-observe-tier34", "annotations": {
        "security.viktorbarzin.me/wave": "1",
        "security.viktorbarzin.me/purpose": "observe-then-enforce egress for tier 3-edge + 4-aux",
    }},
    spec={
        "order": 2000,
        "selector": "all()",
        "namespaceSelector": 'tier in {"3-edge", "4-aux"}',
        "types": ["Egress"],
        "egress": [{"action": "Log"}, {"action": "Allow"}],
    },
    opts=pulumi.ResourceOptions(retain_on_delete=True),
)

# Creating Goldmane makes the operator re-render calico-node (a supervised roll); Whisker's
# backend dials Goldmane, so Goldmane comes first.
goldmane = k8s.apiextensions.CustomResource(
    "goldmane", api_version="operator.tigera.io/v1", kind="Goldmane", metadata={"name": "default"},
    opts=pulumi.ResourceOptions(depends_on=[release]))
k8s.apiextensions.CustomResource(
    "whisker", api_version="operator.tigera.io/v1", kind="Whisker", metadata={"name": "default"},
    spec={"notifications": "Disabled"},  # no calls to Tigera's notification endpoint
    opts=pulumi.ResourceOptions(depends_on=[goldmane]))

# Whisker has no login of its own: Authentik is the only gate.
ingress = IngressFactory("whisker", IngressArgs(
    namespace=SYSTEM_NS, tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain,
    dns=settings.dns, dns_type="proxied", auth="required", service_name="whisker", port=WHISKER_PORT,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Whisker",
        "gethomepage.dev/description": "Calico flow observability (who-talks-to-whom)",
        "gethomepage.dev/icon": "mdi-graph-outline",
        "gethomepage.dev/group": "Infrastructure",
    },
))

# The operator's own `whisker` NetworkPolicy denies by default; these two add to it (policies
# selecting one pod are ORed) instead of editing an operator-owned object.
k8s.networking.v1.NetworkPolicy(
    "whisker-allow-traefik",
    metadata={"name": "whisker-allow-traefik", "namespace": SYSTEM_NS},
    spec={
        "pod_selector": {"match_labels": WHISKER_POD},
        "policy_types": ["Ingress"],
        "ingress": [{
            "from": [{"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "traefik"}}}],
            "ports": [{"port": str(WHISKER_PORT), "protocol": "TCP"}],
        }],
    },
)
# The operator policy allows DNS to the kube-dns pods only; the backend resolves Goldmane
# through the kube-dns ClusterIP, which that rule does not cover.
k8s.networking.v1.NetworkPolicy(
    "whisker-allow-dns-clusterip",
    metadata={"name": "whisker-allow-dns-clusterip", "namespace": SYSTEM_NS},
    spec={
        "pod_selector": {"match_labels": WHISKER_POD},
        "policy_types": ["Egress"],
        "egress": [{
            "to": [{"ip_block": {"cidr": "10.96.0.10/32"}}],
            "ports": [{"port": "53", "protocol": "UDP"}, {"port": "53", "protocol": "TCP"}],
        }],
    },
)

# Backstop for a wedged Goldmane stream (the backend has no liveness probe).
KubectlJob("whisker-watchdog", KubectlJobArgs(
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["get", "list", "delete"]),
           Rule(api_groups=[""], resources=["pods/log"], verbs=["get"])],
    job=ScheduledJobArgs(
        namespace=SYSTEM_NS,
        schedule="*/10 * * * *",
        concurrency_policy="Forbid",
        successful_jobs_history_limit=1,
        failed_jobs_history_limit=1,
        job_metadata={"name": "whisker-watchdog"},
        pod_metadata={"name": "whisker-watchdog"},
        containers=[{
            "name": "watchdog",
            "image": c.KUBECTL_IMAGE,
            "command": ["/bin/sh", "-c", load_payload(HERE, "whisker-watchdog.sh")],
        }],
    ),
), opts=pulumi.ResourceOptions(depends_on=[namespaces[0]]))

pulumi.export("release_name", release.release_name)
pulumi.export("whisker_host", ingress.host)
