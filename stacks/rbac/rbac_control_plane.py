"""Changes to the control-plane node's static pods, run over SSH with pulumi-command.

Three scripts under ``files/``: structured API-server authentication (OIDC), API-server
audit logging, etcd snapshot tuning. Each is rendered here with the content it installs,
passed to ``bash -s`` on the node as standard input, and re-run when its triggers change.

A ``remote.Command`` without an ``update`` command re-runs ``create`` whenever any input
changes. The rendered script (stdin) is a function of exactly the trigger values (the
content it installs, the script's own hash), so the two change together. A changed SSH
connection (host, user, key) re-runs the scripts as well; that is harmless because each
script is idempotent and leaves a node that already matches untouched.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_command as command
import yaml

from components.payload import load_payload
from components.tf_encoding import yamlencode

TOKEN = re.compile(r"@([A-Z0-9_]+)@")
AUTH_FILE = "/etc/kubernetes/pki/auth-config.yaml"


@dataclass(frozen=True, kw_only=True)
class Issuer:
    """One JWT issuer the API server trusts; user name from ``email``, groups from ``groups``."""

    url: str
    audience: str


@dataclass(frozen=True, kw_only=True)
class Connection:
    host: str
    user: str
    private_key: pulumi.Input[str]
    """A Pulumi secret (stack config ``rbac:sshPrivateKey``)."""
    host_key: str | None = None
    """The node's SSH host public key; unverified when unset (as upstream)."""

    def args(self) -> dict:
        args = {"host": self.host, "user": self.user, "private_key": pulumi.Output.secret(self.private_key)}
        if self.host_key:
            args["host_key"] = self.host_key
        return args


# Who may log in: kubectl through kubelogin, and the Dashboard's oauth2-proxy.
ISSUERS = (
    Issuer(url="https://authentik.viktorbarzin.me/application/o/kubernetes/", audience="kubernetes"),
    Issuer(url="https://authentik.viktorbarzin.me/application/o/k8s-dashboard/", audience="k8s-dashboard"),
)

# Ordered: the first matching rule decides the level.
AUDIT_RULES = (
    # kube-proxy's endless endpoint and service reads
    {"level": "None", "users": ["system:kube-proxy"],
     "resources": [{"group": "", "resources": ["endpoints", "services", "services/status"]}]},
    {"level": "None", "verbs": ["watch"]},
    {"level": "None", "nonResourceURLs": ["/healthz*", "/readyz*", "/livez*"]},
    # who touched a Secret, never its content
    {"level": "Metadata", "resources": [{"group": "", "resources": ["secrets"]}]},
    {"level": "RequestResponse", "verbs": ["create", "update", "patch", "delete"]},
    {"level": "Metadata", "verbs": ["get", "list"]},
)
AUDIT_POLICY_VERSION = "v1"
"""Bump to re-run the audit script without changing the policy."""

ETCD_SNAPSHOT_COUNT = "50000"


def auth_config(issuers: tuple[Issuer, ...] = ISSUERS) -> str:
    """The AuthenticationConfiguration document. Prefixes stay empty: the RBAC subjects
    are raw e-mail addresses and group names."""
    return yaml.safe_dump({
        "apiVersion": "apiserver.config.k8s.io/v1",
        "kind": "AuthenticationConfiguration",
        "jwt": [{
            "issuer": {"url": issuer.url, "audiences": [issuer.audience]},
            "claimMappings": {
                "username": {"claim": "email", "prefix": ""},
                "groups": {"claim": "groups", "prefix": ""},
            },
        } for issuer in issuers],
    }, sort_keys=False)


def audit_policy() -> str:
    """The audit policy file, byte for byte as upstream's ``yamlencode`` wrote it to the node
    (keys sorted, quoted), so the first run rewrites the file with the bytes already there."""
    return yamlencode({"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "rules": list(AUDIT_RULES)})


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill ``@NAME@`` tokens; every token must have a value and every value a token."""
    used = set(TOKEN.findall(template))
    if used != set(values):
        raise ValueError(f"script tokens {sorted(used)} do not match the values {sorted(values)}")
    return TOKEN.sub(lambda match: values[match.group(1)], template)


@dataclass(frozen=True)
class Script:
    name: str
    """Logical name of the command (the upstream resource's name, dashed)."""
    text: str
    """What runs on the node."""
    triggers: dict[str, str]
    """What makes it run again: the content it installs and the script itself."""


def scripts(stack_dir: Path) -> dict[str, Script]:
    """The three rendered scripts by logical name."""
    apiserver = load_payload(stack_dir, "apiserver-oidc.sh")
    audit = load_payload(stack_dir, "audit-policy.sh")
    etcd = load_payload(stack_dir, "etcd-tuning.sh")
    config, policy = auth_config(), audit_policy()
    found = [
        Script("apiserver-oidc-config", render(apiserver, {"AUTH_CONFIG_B64": b64(config)}),
               {"auth_config_sha256": sha256(config), "script_sha256": sha256(apiserver)}),
        Script("audit-policy", render(audit, {"AUDIT_POLICY_B64": b64(policy)}),
               {"policy_version": AUDIT_POLICY_VERSION, "policy_sha256": sha256(policy),
                "script_sha256": sha256(audit)}),
        Script("etcd-tuning", render(etcd, {"SNAPSHOT_COUNT": ETCD_SNAPSHOT_COUNT}),
               {"snapshot_count": ETCD_SNAPSHOT_COUNT, "script_sha256": sha256(etcd)}),
    ]
    return {script.name: script for script in found}


def remote_script(script: Script, connection: Connection,
                  opts: pulumi.ResourceOptions | None = None) -> command.remote.Command:
    """Run ``script`` on the node once, and again whenever one of its triggers changes."""
    return command.remote.Command(
        script.name,
        connection=connection.args(),
        create="bash -s",
        stdin=script.text,
        triggers=[script.triggers],
        opts=opts,
    )
