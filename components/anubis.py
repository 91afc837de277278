"""AnubisInstance: a proof-of-work bot wall in front of one site.

Port of upstream ``modules/kubernetes/anubis_instance``. Point the site's IngressFactory
at ``service_name``/``service_port``; the factory then attaches the real-ip middleware
first, because Anubis binds its cookie to X-Real-Ip.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_dns_label, require_text
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.workload import deployment_ignore_changes

_COMPONENT = "AnubisInstance"
IMAGE = "ghcr.io/techarohq/anubis"
SERVICE_PORT = 8080
TRUSTED_LOCAL_CIDRS = (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fe80::/10",
)
# Strict default rules: deny known-bad and AI crawlers, allow good crawlers and
# well-known paths, let non-GET through (app XHRs), challenge every other GET.
_DEFAULT_IMPORTS = """\
- import: (data)/bots/_deny-pathological.yaml
- import: (data)/bots/aggressive-brazilian-scrapers.yaml
- import: (data)/meta/ai-block-aggressive.yaml
- import: (data)/crawlers/_allow-good.yaml
- import: (data)/clients/x-firefox-ai.yaml
- import: (data)/common/keep-internet-working.yaml"""
_DEFAULT_TAIL = """\
- name: allow-non-get-methods
  action: ALLOW
  expression: method != "GET"
- name: catchall-challenge
  path_regex: .*
  action: CHALLENGE"""
DEFAULT_POLICY_RULES = f"{_DEFAULT_IMPORTS}\n{_DEFAULT_TAIL}"


def default_rules_with(extra_rules_yaml: str) -> str:
    """The default rules with site-specific rule items placed after the shared imports and
    before the non-GET pass and the catch-all challenge (where an ALLOW still matters);
    pass the result as ``policy_rules_yaml``."""
    return f"{_DEFAULT_IMPORTS}\n{extra_rules_yaml.strip()}\n{_DEFAULT_TAIL}"


@dataclass(frozen=True, kw_only=True)
class AnubisArgs:
    namespace: str
    target_url: str
    """Backend Anubis forwards solved requests to."""
    cookie_domain: str = "viktorbarzin.me"
    difficulty: int = 2
    cookie_expiration_hours: int = 720
    image_tag: str = "v1.25.0"
    replicas: int | None = None
    """1 or 2; None = 1 without a shared store, 2 with one."""
    shared_store_url: str | None = None
    """redis://host:port/<db> shared challenge store (needed for 2 replicas)."""
    memory: str = "128Mi"
    cpu_request: str = "20m"
    policy_rules_yaml: str | None = None
    """Replacement for the default rules: the items of `bots:` only."""
    trusted_local_cidrs: Sequence[str] = TRUSTED_LOCAL_CIDRS
    """Networks that skip every rule; always rendered as the first rule."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_text(_COMPONENT, "target_url", self.target_url)
        if not re.match(r"^https?://", self.target_url):
            raise ArgumentError(_COMPONENT, "target_url", f"is {self.target_url!r}; expected an http(s) URL")
        if self.replicas is not None and self.replicas not in (1, 2):
            raise ArgumentError(_COMPONENT, "replicas", f"is {self.replicas!r}", ("1", "2", "None"))
        if self.shared_store_url is not None and not re.fullmatch(r"redis://[a-zA-Z0-9_.-]+:[0-9]+/[0-9]+", self.shared_store_url):
            raise ArgumentError(_COMPONENT, "shared_store_url", f"is {self.shared_store_url!r}; expected redis://host:port/<db-index>")
        if self.image_tag in ("latest", ""):
            raise ArgumentError(_COMPONENT, "image_tag", "must be a pinned release tag, not 'latest'")
        if self.policy_rules_yaml is not None and re.search(r"^bots\s*:", self.policy_rules_yaml, re.M):
            raise ArgumentError(_COMPONENT, "policy_rules_yaml", "must hold only the rule items; the component owns the 'bots:' key")


def render_policy(args: AnubisArgs) -> str:
    """botPolicies.yaml: `bots:` with the trusted-networks ALLOW rule first, then the rules, then the store."""
    trusted = "\n".join(
        ["- name: trusted-local-networks", "  action: ALLOW", "  remote_addresses:"]
        + [f'  - "{cidr}"' for cidr in args.trusted_local_cidrs]
    )
    rules = (args.policy_rules_yaml or DEFAULT_POLICY_RULES).strip()
    text = "\n".join(["bots:", trusted, rules])
    if args.shared_store_url is not None:
        text += f'\n\n\nstore:\n  backend: valkey\n  parameters:\n    url: "{args.shared_store_url}"\n'
    return text


class AnubisInstance(pulumi.ComponentResource):
    """Deployment/Service/PDB ``anubis-<name>`` plus its policy ConfigMap and signing-key ExternalSecret.

    Outputs ``service_name`` and ``service_port``.
    """

    service_name: pulumi.Output[str]
    service_port: pulumi.Output[int]

    def __init__(self, name: str, args: AnubisArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:Anubis", name, None, opts)
        full = f"anubis-{name}"
        labels = {
            "app": full,
            "app.kubernetes.io/name": "anubis",
            "app.kubernetes.io/instance": full,
            "app.kubernetes.io/component": "ai-bot-challenge",
            "app.kubernetes.io/managed-by": "terraform",
        }
        child = pulumi.ResourceOptions(parent=self)
        policy = render_policy(args)
        replicas = args.replicas or (1 if args.shared_store_url is None else 2)

        k8s.core.v1.ConfigMap(
            f"{name}-anubis-policy",
            metadata={"name": f"{full}-policy", "namespace": args.namespace, "labels": labels},
            data={"botPolicies.yaml": policy},
            opts=child,
        )
        key = ExternalSecret(
            f"{full}-key",
            ExternalSecretArgs(
                namespace=args.namespace,
                refresh_interval="1h",
                creation_policy="Owner",
                data=[SecretKey(secret_key="key", key="viktor", property="anubis_ed25519_key")],
            ),
            opts=child,
        )

        def env_pairs() -> list[dict]:
            values = {
                "BIND": ":8923",
                "METRICS_BIND": ":9090",
                "TARGET": args.target_url,
                "DIFFICULTY": str(args.difficulty),
                "COOKIE_EXPIRATION_TIME": f"{args.cookie_expiration_hours}h",
                "COOKIE_DOMAIN": args.cookie_domain,
                "COOKIE_SECURE": "true",
                "COOKIE_SAME_SITE": "Lax",
                "SERVE_ROBOTS_TXT": "true",
                "XFF_STRIP_PRIVATE": "true",
                "SLOG_LEVEL": "INFO",
                "ED25519_PRIVATE_KEY_HEX_FILE": "/keys/key",
                "POLICY_FNAME": "/config/botPolicies.yaml",
            }
            return [{"name": k, "value": v} for k, v in values.items()]

        probe = {"http_get": {"path": "/metrics", "port": "metrics"}}
        k8s.apps.v1.Deployment(
            f"{name}-anubis",
            metadata={"name": full, "namespace": args.namespace, "labels": labels},
            spec={
                "replicas": replicas,
                "selector": {"match_labels": {"app": full}},
                "strategy": {"type": "RollingUpdate", "rolling_update": {"max_surge": 1, "max_unavailable": 0}},
                "template": {
                    "metadata": {
                        "labels": labels,
                        # Anubis reads its policy at start-up: roll pods when it changes.
                        "annotations": {"checksum/policy": hashlib.sha256(policy.encode()).hexdigest()},
                    },
                    "spec": {
                        "topology_spread_constraints": [{
                            "max_skew": 1,
                            "topology_key": "kubernetes.io/hostname",
                            "when_unsatisfiable": "DoNotSchedule",
                            "label_selector": {"match_labels": {"app": full}},
                        }],
                        "containers": [{
                            "name": "anubis",
                            "image": f"{IMAGE}:{args.image_tag}",
                            "ports": [
                                {"name": "http", "container_port": 8923},
                                {"name": "metrics", "container_port": 9090},
                            ],
                            "env": env_pairs(),
                            "volume_mounts": [
                                {"name": "ed25519-key", "mount_path": "/keys", "read_only": True},
                                {"name": "policy", "mount_path": "/config", "read_only": True},
                            ],
                            "resources": {
                                "requests": {"cpu": args.cpu_request, "memory": args.memory},
                                "limits": {"memory": args.memory},
                            },
                            "liveness_probe": {**probe, "initial_delay_seconds": 10, "period_seconds": 30, "failure_threshold": 3},
                            "readiness_probe": {**probe, "initial_delay_seconds": 2, "period_seconds": 5, "failure_threshold": 2},
                            "security_context": {
                                "run_as_non_root": True,
                                "run_as_user": 1000,
                                "run_as_group": 1000,
                                "allow_privilege_escalation": False,
                                "read_only_root_filesystem": True,
                                "capabilities": {"drop": ["ALL"]},
                            },
                        }],
                        "volumes": [
                            {"name": "ed25519-key", "secret": {"secret_name": f"{full}-key", "items": [{"key": "key", "path": "key"}]}},
                            {"name": "policy", "config_map": {"name": f"{full}-policy"}},
                        ],
                    },
                },
            },
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[key],
                # Kyverno stamps keel annotations and the tier label on the Deployment's metadata.
                ignore_changes=deployment_ignore_changes(extra=["metadata.annotations", "metadata.labels"]),
            ),
        )
        k8s.core.v1.Service(
            f"{name}-anubis-service",
            metadata={
                "name": full,
                "namespace": args.namespace,
                "labels": labels,
                "annotations": {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "9090"},
            },
            spec={
                "selector": {"app": full},
                "ports": [
                    {"name": "http", "port": SERVICE_PORT, "target_port": 8923, "protocol": "TCP"},
                    {"name": "metrics", "port": 9090, "target_port": 9090, "protocol": "TCP"},
                ],
            },
            opts=child,
        )
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-anubis-pdb",
            metadata={"name": full, "namespace": args.namespace},
            spec={"max_unavailable": 1, "selector": {"match_labels": {"app": full}}},
            opts=child,
        )
        self.service_name = pulumi.Output.from_input(full)
        self.service_port = pulumi.Output.from_input(SERVICE_PORT)
        self.register_outputs({"service_name": self.service_name, "service_port": self.service_port})
