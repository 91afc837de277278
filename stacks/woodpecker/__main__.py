"""woodpecker: the CI server and agents (Helm chart, Kubernetes backend in this namespace).

Besides the release: the database DSN from Vault's rotated credentials, the git-crypt key
that pipelines of the infra repository decrypt with, cluster-admin for the agents (they
run `kubectl`/`terraform` pipelines), a 6-hourly sync of Vault's CI secrets into
Woodpecker, and a hostAliases patch so the server reaches Forgejo through Traefik.
"""

import hashlib
import json
from pathlib import Path

import pulumi
import pulumi_command as command
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.git_crypt import git_crypt_key
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, read_live
from components.namespace import Namespace, NamespaceArgs, Quota
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import preview_config, vault_field, vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret

settings = ClusterSettings.load()
config = pulumi.Config()
HERE = Path(__file__).parent
NS = "woodpecker"
CHART_VERSION = "3.5.1"
WOODPECKER_TAG = "v3.14.0"
DB_SECRET = "woodpecker-db-creds"

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_EDGE, labels={"keel.sh/enrolled": "true"},
    quota=Quota(name="tier-quota", hard={"requests.cpu": "16", "requests.memory": "16Gi",
                                         "limits.memory": "32Gi", "pods": "60"})))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

ExternalSecret("woodpecker-secrets", ExternalSecretArgs(namespace=NS, extract=["woodpecker"]), opts=ns_opts)
db_creds = ExternalSecret(DB_SECRET, ExternalSecretArgs(
    namespace=NS, store="vault-database",
    template={"metadata": {"annotations": {"reloader.stakater.com/match": "true"}},
              "data": {"WOODPECKER_DATABASE_DATASOURCE":
                       f"postgres://woodpecker:{{{{ .password }}}}@{settings.postgresql_host}:5432/woodpecker?sslmode=disable"}},
    data=[SecretKey(secret_key="password", key="static-creds/pg-woodpecker", property="password")]), opts=ns_opts)

# The infra repository's git-crypt key: a Secret from secret config (upstream: a ConfigMap read
# from the operator's checkout; SEC-072, README). No pod mounts it: pipelines fetch
# `.data.key` through the API and base64-decode it once. The binary shape makes the Secret's
# `.data.key` the same string the ConfigMap's was, so only the URL path changes for them.
git_crypt_key(NS, config, opts=ns_opts)

# --- the release ------------------------------------------------------------------------------------
woodpecker_vault = lambda key: vault_field("woodpecker", key)  # noqa: E731
# Admins: the owner plus every namespace-owner in the platform's user list.
# User names, not credentials: unsecret so the release values show them.
admins = pulumi.Output.unsecret(vault_json_field("platform", "k8s_users", placeholder={}).apply(
    lambda users: ",".join(["ViktorBarzin", *[name for name, user in users.items() if user.get("role") == "namespace-owner"]])))
agent_secret = woodpecker_vault("agent_secret")
IMAGE = {"registry": "docker.io", "tag": WOODPECKER_TAG}
values = {
    "server": {
        "enabled": True,
        "podAnnotations": {"reloader.stakater.com/search": "true"},
        "statefulSet": {"replicaCount": 1},
        "image": {**IMAGE, "repository": "woodpeckerci/woodpecker-server"},
        "extraSecretNamesForEnvFrom": [DB_SECRET],
        "env": {
            "WOODPECKER_HOST": "https://ci.viktorbarzin.me",
            "WOODPECKER_ADMIN": admins,
            "WOODPECKER_OPEN": "true",
            "WOODPECKER_GITHUB": "true",
            "WOODPECKER_GITHUB_URL": "https://github.com",
            "WOODPECKER_GITHUB_CLIENT": woodpecker_vault("github_client_id"),
            "WOODPECKER_GITHUB_SECRET": woodpecker_vault("github_client_secret"),
            "WOODPECKER_AGENT_SECRET": agent_secret,
            "WOODPECKER_DATABASE_DRIVER": "postgres",
            "WOODPECKER_PLUGINS_PRIVILEGED": "woodpeckerci/plugin-docker-buildx,plugins/docker",
            "WOODPECKER_PLUGINS_TRUSTED_CLONE": "woodpeckerci/plugin-git,alpine",
            "WOODPECKER_LOG_LEVEL": "info",
            "WOODPECKER_FORGEJO": "true",
            "WOODPECKER_FORGEJO_CLIENT": woodpecker_vault("forgejo_client_id"),
            "WOODPECKER_FORGEJO_SECRET": woodpecker_vault("forgejo_client_secret"),
            "WOODPECKER_FORGEJO_URL": preview_config(config, "forgejoUrl"),
            "WOODPECKER_FORGE_TIMEOUT": "30s",
        },
        "service": {"type": "ClusterIP", "port": 80},
        "ingress": {"enabled": False},
        "persistentVolume": {"enabled": False},
    },
    "agent": {
        "enabled": True,
        "podAnnotations": {"reloader.stakater.com/search": "true"},
        "replicaCount": 2,
        "image": {**IMAGE, "repository": "woodpeckerci/woodpecker-agent"},
        "env": {
            "WOODPECKER_BACKEND": "kubernetes",
            "WOODPECKER_BACKEND_K8S_NAMESPACE": "woodpecker",
            "WOODPECKER_BACKEND_K8S_PULL_SECRET_NAMES": "registry-credentials",
            "WOODPECKER_MAX_WORKFLOWS": "2",
            "WOODPECKER_AGENT_SECRET": agent_secret,
        },
        "persistence": {"enabled": False},
        "rbac": {"create": True},
        "serviceAccount": {"create": True, "name": "woodpecker-agent"},
    },
}
release = HelmRelease("woodpecker", HelmReleaseArgs(
    namespace=NS, chart="woodpecker", version=CHART_VERSION, repository="oci://ghcr.io/woodpecker-ci/helm",
    values=values, timeout=600), opts=pulumi.ResourceOptions(depends_on=[namespace, db_creds]))

# --- the server reaches forgejo.viktorbarzin.me through Traefik's ClusterIP (hostAliases) ------------
# The chart has no hostAliases value, so the StatefulSet is patched after every release change.
# Safe to re-run: a strategic merge of the same alias is a no-op, and it runs only when a trigger moves.
traefik_ip = read_live("traefik", LiveReadArgs(namespace="traefik", kind="Service", keys=["cluster_ip"],
                                               placeholders={"cluster_ip": "10.96.0.100"}))["cluster_ip"]
values_hash = pulumi.Output.json_dumps(values).apply(lambda text: hashlib.sha256(text.encode()).hexdigest())
patch = traefik_ip.apply(lambda ip: json.dumps(
    {"spec": {"template": {"spec": {"hostAliases": [{"ip": ip, "hostnames": ["forgejo.viktorbarzin.me"]}]}}}}))
command.local.Command(
    "woodpecker-server-host-alias",
    create=patch.apply(lambda p: (
        "set -euo pipefail\n"
        f"kubectl -n {NS} patch statefulset/woodpecker-server --type=strategic --patch '{p}'\n"
        f"kubectl -n {NS} rollout status statefulset/woodpecker-server --timeout=120s\n")),
    interpreter=["/bin/bash", "-c"],
    triggers=[CHART_VERSION, values_hash, traefik_ip],
    opts=pulumi.ResourceOptions(depends_on=[release]),
)

# --- agents run cluster-wide pipelines (upstream grants cluster-admin to both accounts) ---------------
for name, account in (("woodpecker", "woodpecker-agent"), ("woodpecker-default", "default")):
    k8s.rbac.v1.ClusterRoleBinding(
        name, metadata={"name": name},
        subjects=[{"kind": "ServiceAccount", "name": account, "namespace": NS}],
        role_ref={"kind": "ClusterRole", "name": "cluster-admin", "api_group": "rbac.authorization.k8s.io"},
        opts=ns_opts)

# --- Vault secret/ci/global -> Woodpecker global secrets, every 6 hours ------------------------------
sync_script = PayloadConfigMap("vault-woodpecker-sync", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"sync.sh": "sync.sh"}), opts=ns_opts)
ScheduledJob("vault-woodpecker-sync", ScheduledJobArgs(
    namespace=NS, schedule="0 */6 * * *", concurrency_policy="Forbid",
    successful_jobs_history_limit=3, failed_jobs_history_limit=3, restart_policy="OnFailure",
    containers=[{"name": "sync", "image": "alpine",
                 "command": ["/bin/sh", "-c", "apk add --no-cache curl jq && /bin/sh /scripts/sync.sh"],
                 "volume_mounts": [{"name": "sync-script", "mount_path": "/scripts"}],
                 "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}}],
    volumes=[{"name": "sync-script", "config_map": {"name": "vault-woodpecker-sync"}}],
    job_metadata={}, pod_metadata={},
), opts=pulumi.ResourceOptions(depends_on=[namespace, sync_script]))

IngressFactory("ci", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="woodpecker-server", auth="none",
    auth_reason="Woodpecker's own login (GitHub/Forgejo OAuth) and forge webhooks that must reach it unauthenticated",
    dns_type="non-proxied",
    extra_annotations={"gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Woodpecker CI",
                       "gethomepage.dev/description": "CI/CD pipelines", "gethomepage.dev/icon": "woodpecker-ci.png",
                       "gethomepage.dev/group": "Development & CI", "gethomepage.dev/pod-selector": ""},
), opts=ns_opts)
