"""Chart values of the descheduler release: the eviction policy and the CronJob around it.

Upstream shipped the chart's whole default values file with its own edits; every key of it
is kept here, defaults included, so the rendered release is the same.
"""

from __future__ import annotations

SERVICE_ACCOUNT = "descheduler-sa"
# Namespaces whose pods are never evicted for age or balance (the databases).
DATABASES = "dbaas"
# Pods here are never recycled for age: control plane, CNI, load balancer, monitoring, SSO.
LONG_LIVED_NAMESPACES = (DATABASES, "kube-system", "calico-system", "calico-apiserver",
                         "metallb-system", "monitoring", "authentik")
EVICTION_DEFAULTS = {"name": "DefaultEvictor", "args": {"ignorePvcPods": True, "evictLocalStoragePods": True}}


def _default_profile() -> dict:
    return {
        "name": "default",
        "pluginConfig": [
            EVICTION_DEFAULTS,
            {"name": "RemoveDuplicates"},
            {"name": "RemovePodsHavingTooManyRestarts",
             "args": {"podRestartThreshold": 2, "includingInitContainers": True, "states": ["CrashLoopBackOff"]}},
            {"name": "RemovePodsViolatingNodeAffinity",
             "args": {"nodeAffinityType": ["requiredDuringSchedulingIgnoredDuringExecution"]}},
            {"name": "RemovePodsViolatingNodeTaints"},
            {"name": "RemovePodsViolatingInterPodAntiAffinity"},
            {"name": "RemovePodsViolatingTopologySpreadConstraint"},
            {"name": "LowNodeUtilization", "args": {
                "evictableNamespaces": {"exclude": [DATABASES]},
                "thresholds": {"cpu": 50, "memory": 50},
                "targetThresholds": {"cpu": 80, "memory": 80},
                "metricsUtilization": {"metricsServer": True},
            }},
            # A week.
            {"name": "PodLifeTime", "args": {"maxPodLifeTimeSeconds": 604800,
                                             "namespaces": {"exclude": list(LONG_LIVED_NAMESPACES)}}},
            {"name": "RemoveFailedPods", "args": {
                "reasons": ["CrashLoopBackOff", "Error", "ContainerStatusUnknown", "ImagePullBackOff"],
                "includingInitContainers": True,
            }},
        ],
        "plugins": {
            "balance": {"enabled": ["RemoveDuplicates", "RemovePodsViolatingTopologySpreadConstraint",
                                    "LowNodeUtilization"]},
            "deschedule": {"enabled": ["RemovePodsHavingTooManyRestarts", "RemovePodsViolatingNodeTaints",
                                       "RemovePodsViolatingNodeAffinity", "RemovePodsViolatingInterPodAntiAffinity",
                                       "PodLifeTime", "RemoveFailedPods"]},
        },
    }


def _idrac_restart_profile() -> dict:
    """Recycle the iDRAC Redfish exporter every 6 hours."""
    return {
        "name": "idrac-restart",
        "pluginConfig": [
            EVICTION_DEFAULTS,
            {"name": "PodLifeTime", "args": {
                "maxPodLifeTimeSeconds": 21600,
                "namespaces": {"include": ["monitoring"]},
                "labelSelector": {"matchLabels": {"app": "idrac-redfish-exporter"}},
            }},
        ],
        "plugins": {"deschedule": {"enabled": ["PodLifeTime"]}},
    }


def descheduler_values() -> dict:
    return {
        "kind": "CronJob",
        "image": {"repository": "registry.k8s.io/descheduler/descheduler", "tag": "", "pullPolicy": "IfNotPresent"},
        "imagePullSecrets": None,
        "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
        "ports": [{"containerPort": 10258, "protocol": "TCP"}],
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 1000,
        },
        "podSecurityContext": {},
        "nameOverride": "",
        "fullnameOverride": "",
        "namespaceOverride": "",
        "commonLabels": {},
        "cronJobApiVersion": "batch/v1",
        # Hourly: fewer list/evict rounds against etcd; rebalancing is not urgent.
        "schedule": "0 * * * *",
        "suspend": False,
        "successfulJobsHistoryLimit": 10,
        "deschedulingInterval": "5m",
        "replicas": 1,
        "leaderElection": {},
        "command": ["/bin/descheduler"],
        "cmdOptions": {"v": 3},
        "deschedulerPolicyAPIVersion": "descheduler/v1alpha2",
        "deschedulerPolicy": {
            "maxNoOfPodsToEvictTotal": 10,
            "metricsCollector": {"enabled": True},
            "profiles": [_default_profile(), _idrac_restart_profile()],
        },
        "priorityClassName": "system-cluster-critical",
        "nodeSelector": {},
        "affinity": {},
        "topologySpreadConstraints": [],
        "tolerations": [],
        "rbac": {"create": True},
        # The stack declares the account itself (with its own ClusterRole); the chart uses it.
        "serviceAccount": {"create": False, "name": SERVICE_ACCOUNT, "annotations": {}},
        "podAnnotations": {},
        "podLabels": {},
        "dnsConfig": {},
        "livenessProbe": {
            "failureThreshold": 3,
            "httpGet": {"path": "/healthz", "port": 10258, "scheme": "HTTPS"},
            "initialDelaySeconds": 3,
            "periodSeconds": 10,
        },
        "service": {"enabled": False, "ipFamilyPolicy": "", "ipFamilies": []},
        "serviceMonitor": {
            "enabled": False,
            "additionalLabels": {},
            "interval": "",
            "insecureSkipVerify": True,
            "serverName": None,
            "metricRelabelings": [],
            "relabelings": [],
        },
    }
