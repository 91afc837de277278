"""Who may do what in the cluster, and how the API server knows who they are.

OIDC ClusterRoles with a binding per user from Vault's user list, namespace owners'
quotas, TLS secrets and Dashboard tokens, the self-service portal's role map, and the
control-plane node's API-server authentication, audit logging and etcd tuning (over SSH).
See README.md for the two design decisions (user list, remote commands).
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.payload import tls_material
from components.secret_inputs import secret_config
from components.settings import ClusterSettings
from rbac_control_plane import Connection, remote_script, scripts
from rbac_users import ClusterRoles, TlsMaterial, declare_user_resources, owned_namespaces, portal_document, read_users

STACK_DIR = Path(__file__).resolve().parent
READ = ["get", "list", "watch"]
WRITE = ["create", "update", "patch", "delete"]

settings = ClusterSettings.load()
config = pulumi.Config()
users = read_users()


def cluster_role(name: str, rules: list[dict]) -> k8s.rbac.v1.ClusterRole:
    return k8s.rbac.v1.ClusterRole(name, metadata={"name": name}, rules=rules)


def rule(api_group: str, resources: list[str], verbs: list[str]) -> dict:
    return {"api_groups": [api_group], "resources": resources, "verbs": verbs}


# --- ClusterRoles ------------------------------------------------------------------------
# Read-write with Secrets and exec. Deliberately bound to nobody (power users get the
# read-only role below); kept so that granting it stays a reviewed one-line change.
cluster_role("oidc-power-user", [
    rule("", ["pods", "pods/log", "pods/exec", "services", "endpoints", "configmaps", "secrets",
              "persistentvolumeclaims", "events", "namespaces"], READ),
    rule("", ["pods", "services", "configmaps", "secrets", "persistentvolumeclaims"], WRITE),
    rule("apps", ["deployments", "statefulsets", "daemonsets", "replicasets"], READ + WRITE),
    rule("batch", ["jobs", "cronjobs"], READ + WRITE),
    rule("networking.k8s.io", ["ingresses", "networkpolicies"], READ + WRITE),
    rule("autoscaling", ["horizontalpodautoscalers"], READ + WRITE),
    rule("", ["nodes"], READ),
    rule("storage.k8s.io", ["storageclasses"], READ),
    rule("rbac.authorization.k8s.io", ["clusterroles", "clusterrolebindings", "roles", "rolebindings"], READ),
])

# What power users are bound to: the same breadth, read-only, no Secrets, no exec.
power_user_readonly = cluster_role("oidc-power-user-readonly", [
    rule("", ["pods", "pods/log", "services", "endpoints", "configmaps", "persistentvolumeclaims", "events",
              "namespaces", "nodes"], READ),
    rule("apps", ["deployments", "statefulsets", "daemonsets", "replicasets"], READ),
    rule("batch", ["jobs", "cronjobs"], READ),
    rule("networking.k8s.io", ["ingresses", "networkpolicies"], READ),
    rule("autoscaling", ["horizontalpodautoscalers"], READ),
    rule("storage.k8s.io", ["storageclasses"], READ),
    rule("rbac.authorization.k8s.io", ["clusterroles", "clusterrolebindings", "roles", "rolebindings"], READ),
])

# Namespace owners' OIDC identity outside their own namespaces.
namespace_owner_readonly = cluster_role("oidc-namespace-owner-readonly", [
    rule("", ["namespaces", "nodes"], READ),
    rule("", ["pods", "services", "configmaps", "events"], READ),
    rule("apps", ["deployments", "statefulsets", "daemonsets"], READ),
])

# Owners' Dashboard tokens: just enough for its namespace picker and node list, so one
# tenant cannot read another's workloads.
dashboard_nav_readonly = cluster_role("dashboard-nav-readonly", [rule("", ["namespaces", "nodes"], READ)])

# --- per-user objects ----------------------------------------------------------------------
tls = None
if owned_namespaces(users):
    certificate, private_key = tls_material()
    tls = TlsMaterial(secret_name=settings.tls_secret_name, certificate=certificate, private_key=private_key)
declare_user_resources(users, roles=ClusterRoles(
    power_user_readonly=power_user_readonly.metadata["name"],
    namespace_owner_readonly=namespace_owner_readonly.metadata["name"],
    dashboard_nav_readonly=dashboard_nav_readonly.metadata["name"],
), tls=tls)

# Role map read by the self-service portal (k8s-portal). E-mail addresses: kept out of
# previews and state in the clear.
k8s.core.v1.ConfigMap(
    "k8s-user-roles",
    metadata={"name": "k8s-user-roles", "namespace": "k8s-portal"},
    data={"users.json": pulumi.Output.secret(portal_document(users))},
)

# --- control-plane node ----------------------------------------------------------------------
connection = Connection(
    host=config.get("controlPlaneHost") or "10.0.20.100",
    user=config.get("controlPlaneUser") or "wizard",
    private_key=secret_config(config, "sshPrivateKey"),
    host_key=config.get("controlPlaneHostKey"),
)
node_scripts = scripts(STACK_DIR)
apiserver_oidc = remote_script(node_scripts["apiserver-oidc-config"], connection)
remote_script(node_scripts["audit-policy"], connection, opts=pulumi.ResourceOptions(depends_on=[apiserver_oidc]))
remote_script(node_scripts["etcd-tuning"], connection)

# The same authentication script for the k8s-version-upgrade chain, which runs it on the
# node right after a kubeadm upgrade has regenerated the API-server manifest.
k8s.core.v1.ConfigMap(
    "apiserver-oidc-restore",
    metadata={"name": "apiserver-oidc-restore", "namespace": "kube-system"},
    data={"restore.sh": node_scripts["apiserver-oidc-config"].text},
)

pulumi.export("users", sorted(users))
pulumi.export("owned_namespaces", list(owned_namespaces(users)))
