"""Vault (Tier 0): the HA server and everything configured inside it.

Auth (Authentik OIDC, Kubernetes), policies and identities, the database engine that
rotates app passwords weekly, the Kubernetes secrets engine, the transit engine behind
SOPS state, the audit device and the weekly Raft snapshot. Applied by a human with an
admin token only (README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import pulumi_vault as vault

from components.constants import (
    PATCH_FORCE_ANNOTATION,
    TIER_AUX,
    TIER_CORE,
)
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.platform_users import namespace_owners, read_k8s_users
from vault_values import VAULT_IMAGE, helm_values

STACK_DIR = Path(__file__).resolve().parent
NS = "vault"
RAFT_BACKUP_SA = "vault-raft-backup"
WEEK = 7 * 24 * 3600
K8S_API = "https://kubernetes.default.svc"
# Users of the workstation Claude sandboxes (upstream scripts/workstation/roster.yaml).
WORKSTATION_USERS = ("wizard", "emo")

settings = ClusterSettings.load()


def policy_file(name: str) -> str:
    return load_payload(STACK_DIR, f"policies/{name}.hcl")


def kv_field(path: str, key: str) -> pulumi.Output[str]:
    """One field of `secret/<path>`, read once the Vault release exists."""
    return vault_field(path, key, depends_on=[release])


# --- namespace, certificate, server -------------------------------------------------------
namespace = Namespace(NS, NamespaceArgs(tier=TIER_CORE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

server = HelmRelease("vault", HelmReleaseArgs(
    namespace=NS,
    repository="https://helm.releases.hashicorp.com",
    chart="vault",
    version="0.29.1",
    # Not atomic: HA pods come up sealed and fail readiness until the sidecar unseals them,
    # so a rollback-on-timeout would undo every healthy upgrade.
    atomic=False,
    cleanup_on_fail=False,
    timeout=600,
    values=helm_values(),
), opts=ns_opts)
release = server.release
after_release = pulumi.ResourceOptions(depends_on=[release])
protected = pulumi.ResourceOptions(depends_on=[release], protect=True)

# Audit logs grow without bound: let pvc-autoresizer double the audit volumes up to 10Gi.
for ordinal in ("0", "1", "2"):
    k8s.core.v1.PersistentVolumeClaimPatch(
        f"audit-pvc-autoresizer-{ordinal}",
        metadata={
            "name": f"audit-vault-{ordinal}",
            "namespace": NS,
            "annotations": {
                PATCH_FORCE_ANNOTATION: "true",
                "resize.topolvm.io/threshold": "10%",
                "resize.topolvm.io/increase": "100%",
                "resize.topolvm.io/storage_limit": "10Gi",
            },
        },
        opts=after_release,
    )

IngressFactory("vault", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Vault authenticates every request itself (OIDC, Kubernetes, tokens); CLI clients, "
                "providers and the OIDC callback cannot pass a forward-auth redirect",
    dns_type="proxied",
    service_name="vault-active",
    port=8200,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Vault",
        "gethomepage.dev/description": "HashiCorp Vault - Secrets Management",
        "gethomepage.dev/icon": "vault.png",
        "gethomepage.dev/group": "Core Platform",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

vault.Audit("file", type="file", options={"file_path": "/vault/audit/vault-audit.log"}, opts=after_release)

# --- weekly Raft snapshot: its NFS share (the job follows the Kubernetes auth roles) -------
backup = NfsVolume("vault-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/vault-backup", storage="5Gi"), opts=ns_opts)


# --- OIDC login through Authentik ---------------------------------------------------------
oidc = vault.jwt.AuthBackend(
    "oidc",
    path="oidc",
    type="oidc",
    oidc_discovery_url="https://authentik.viktorbarzin.me/application/o/vault/",
    oidc_client_id=kv_field("vault", "authentik_client_id"),
    oidc_client_secret=kv_field("vault", "authentik_client_secret"),
    default_role="default",
    tune={"listing_visibility": "hidden"},
    opts=protected,
)

vault.jwt.AuthBackendRole(
    "oidc-default",
    backend=oidc.path,
    role_name="default",
    role_type="oidc",
    token_policies=["default"],
    token_ttl=WEEK,
    token_max_ttl=WEEK,
    user_claim="email",
    groups_claim="groups",
    allowed_redirect_uris=[
        "https://vault.viktorbarzin.me/ui/vault/auth/oidc/oidc/callback",
        "http://localhost:8250/oidc/callback",
    ],
    oidc_scopes=["openid", "email", "profile"],
)

# --- policies -----------------------------------------------------------------------------
# Logical name == Vault policy name; the document lives in files/policies/<name>.hcl.
POLICY_NAMES = (
    "vault-admin", "sops-admin", "ci", "eso-reader", "woodpecker-sync", "openclaw-k8s",
    "terraform-state", "hermes-agent", "vpn-portal", "personal-emo", "projects-emo", "ci-preview",
    "raft-backup",
)
# Created by the bootstrap project (bootstrap/plan.py transit_policy): encrypt + decrypt with
# the key that wraps every Vault-backed stack's data key. Applying needs both.
STATE_TRANSIT_POLICY = "pulumi-state-transit"
policies = {name: vault.Policy(name, name=name, policy=policy_file(name)) for name in POLICY_NAMES}

for user in WORKSTATION_USERS:
    vault.Policy(f"workstation-claude-{user}", name=f"workstation-claude-{user}", policy="\n".join([
        f'path "secret/data/workstation/claude-users/{user}" {{\n  capabilities = ["create", "read", "update"]\n}}',
        f'path "secret/metadata/workstation/claude-users/{user}" {{\n  capabilities = ["read"]\n}}',
        'path "auth/token/lookup-self" {\n  capabilities = ["read"]\n}',
        'path "auth/token/renew-self" {\n  capabilities = ["update"]\n}',
    ]) + "\n")

admins = vault.identity.Group(
    "authentik-admins", name="authentik-admins", type="external",
    policies=[policies["vault-admin"].name, policies["sops-admin"].name])
vault.identity.GroupAlias("authentik-admins", name="authentik Admins",
                          mount_accessor=oidc.accessor, canonical_id=admins.id)

emo = vault.identity.Entity("emo", name="emo",
                            policies=[policies["personal-emo"].name, policies["projects-emo"].name])
vault.identity.EntityAlias("emo", name="emil.barzin@gmail.com", mount_accessor=oidc.accessor, canonical_id=emo.id)

# --- Kubernetes auth: service accounts of ESO, CI and the agents --------------------------
k8s_auth = vault.AuthBackend("kubernetes", type="kubernetes", path="kubernetes", opts=protected)
vault.kubernetes.AuthBackendConfig("kubernetes", backend=k8s_auth.path, kubernetes_host=K8S_API)

# role -> (service accounts, namespaces, policies, token ttl == period). TTLs are staggered
# so the periodic tokens never all renew at once.
K8S_AUTH_ROLES = {
    "ci": (["default"], ["woodpecker"], ["ci", "terraform-state", STATE_TRANSIT_POLICY], 7 * 86400),
    # PR previews: their own service account (no cluster write, see below) and policy.
    "ci-preview": (["ci-preview"], ["woodpecker"], ["ci-preview"], 86400),
    "eso": (["external-secrets"], ["external-secrets"], ["eso-reader"], 10 * 86400),
    "woodpecker-sync": (["default"], ["woodpecker"], ["woodpecker-sync"], 8 * 86400),
    "openclaw": (["openclaw"], ["openclaw"], ["openclaw-k8s"], 9 * 86400),
    "terraform-state": (["claude-agent", "default"], ["claude-agent"], ["terraform-state"], 6 * 86400),
    "hermes-agent": (["hermes-agent"], ["hermes-agent"], ["hermes-agent"], 5 * 86400),
    "vpn-portal": (["vpn-portal"], ["vpn-portal"], ["vpn-portal"], 4 * 86400),
    # The weekly snapshot job logs in once per run; an hour covers the longest snapshot.
    "raft-backup": ([RAFT_BACKUP_SA], [NS], ["raft-backup"], 3600),
}
k8s_auth_roles = {}
for role, (accounts, namespaces, role_policies, ttl) in K8S_AUTH_ROLES.items():
    k8s_auth_roles[role] = vault.kubernetes.AuthBackendRole(
        f"k8s-auth-{role}",
        backend=k8s_auth.path,
        role_name=role,
        bound_service_account_names=accounts,
        bound_service_account_namespaces=namespaces,
        token_policies=[policies[p].name if p in policies else p for p in role_policies],
        token_ttl=ttl,
        token_period=ttl,  # periodic: renewable forever
    )

# The PR preview pods' identity: reads the cluster (`view`, which excludes Secrets), writes
# nothing. Previews diff client-side (PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY=false in pr.yml):
# a server-side dry run would need the write verbs themselves.
preview_sa = k8s.core.v1.ServiceAccount(
    "ci-preview", metadata={"name": "ci-preview", "namespace": "woodpecker"},
    automount_service_account_token=True)
k8s.rbac.v1.ClusterRoleBinding(
    "ci-preview-view",
    metadata={"name": "ci-preview-view"},
    subjects=[{"kind": "ServiceAccount", "name": "ci-preview", "namespace": "woodpecker"}],
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
    opts=pulumi.ResourceOptions(depends_on=[preview_sa]),
)

# --- weekly Raft snapshot: the job and its own identity -----------------------------------
raft_backup_sa = k8s.core.v1.ServiceAccount(
    "vault-raft-backup-sa", metadata={"name": RAFT_BACKUP_SA, "namespace": NS}, opts=ns_opts)

ScheduledJob("vault-raft-backup", ScheduledJobArgs(
    namespace=NS,
    schedule="0 2 * * 0",
    successful_jobs_history_limit=3,
    failed_jobs_history_limit=3,
    backoff_limit=6,
    restart_policy="OnFailure",
    containers=[{
        "name": "backup",
        "image": VAULT_IMAGE,
        "command": ["/bin/sh", "-c"],
        "args": [load_payload(STACK_DIR, "raft-backup.sh")],
        "volume_mounts": [{"name": "backup-storage", "mount_path": "/backup"}],
    }],
    volumes=[{"name": "backup-storage", "persistent_volume_claim": {"claim_name": backup.claim_name}}],
    moved_from={"cronjob": "vault-raft-backup"},
    # Its own identity instead of the root token (SEC-031): a Kubernetes-auth login whose
    # policy reads the snapshot endpoint only.
    service_account_name=RAFT_BACKUP_SA,
), opts=pulumi.ResourceOptions(depends_on=[namespace, raft_backup_sa, k8s_auth_roles["raft-backup"]]))

# --- database engine: weekly rotation of app passwords -------------------------------------
database = vault.Mount("database", path="database", type="database", opts=protected)

MYSQL_ROLES = {
    "mysql-speedtest": "speedtest", "mysql-wrongmove": "wrongmove", "mysql-codimd": "codimd",
    "mysql-nextcloud": "nextcloud", "mysql-shlink": "shlink", "mysql-grafana": "grafana",
    "mysql-technitium": "technitium", "mysql-phpipam": "phpipam",
}
PG_ROLES = {
    "pg-trading": "trading", "pg-health": "health", "pg-linkwarden": "linkwarden",
    "pg-affine": "affine", "pg-woodpecker": "woodpecker", "pg-claude-memory": "claude_memory",
    "pg-terraform-state": "terraform_state", "pg-payslip-ingest": "payslip_ingest",
    "pg-job-hunter": "job_hunter", "pg-lesson-harvester": "lesson_harvester",
    "pg-wealthfolio-sync": "wealthfolio_sync", "pg-fire-planner": "fire_planner",
    # one login owns postiz's three databases (postiz, temporal, temporal_visibility)
    "pg-postiz": "postiz", "pg-instagram-poster": "instagram_poster",
    "pg-recruiter-responder": "recruiter_responder", "pg-tripit": "tripit",
    "pg-nextcloud-todos": "nextcloud_todos", "pg-technitium": "technitium",
    "pg-goldmane-edges": "goldmane_edges", "pg-tasks": "tasks", "pg-goodreads-sync": "goodreads_sync",
}

mysql = vault.database.SecretBackendConnection(
    "mysql",
    backend=database.path,
    name="mysql",
    allowed_roles=list(MYSQL_ROLES),
    mysql={
        "connection_url": "{{username}}:{{password}}@tcp(mysql.dbaas.svc.cluster.local:3306)/",
        "username": "root",
        "password": kv_field("vault", "dbaas_root_password"),
    },
)
postgresql = vault.database.SecretBackendConnection(
    "postgresql",
    backend=database.path,
    name="postgresql",
    allowed_roles=list(PG_ROLES),
    postgresql={
        "connection_url": "postgresql://{{username}}:{{password}}@postgresql.dbaas.svc.cluster.local:5432/"
                          "postgres?sslmode=disable",
        "username": "postgres",
        "password": kv_field("vault", "dbaas_postgresql_root_password"),
    },
)
for connection, roles in ((mysql, MYSQL_ROLES), (postgresql, PG_ROLES)):
    for role, username in roles.items():
        vault.database.SecretBackendStaticRole(
            role, backend=database.path, db_name=connection.name, name=role,
            username=username, rotation_period=WEEK)

# --- Kubernetes secrets engine: short-lived service-account tokens -------------------------
k8s_secrets = vault.kubernetes.SecretBackend(
    "kubernetes-secrets", path="kubernetes", kubernetes_host=K8S_API, disable_local_ca_jwt=False, opts=protected)

engine_role = k8s.rbac.v1.ClusterRole(
    "vault-k8s-engine",
    metadata={"name": "vault-k8s-engine"},
    rules=[
        {"api_groups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]},
        {"api_groups": [""], "resources": ["serviceaccounts"], "verbs": ["get", "create", "update", "delete"]},
        {"api_groups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings", "clusterrolebindings"],
         "verbs": ["create", "update", "delete"]},
        {"api_groups": ["rbac.authorization.k8s.io"], "resources": ["roles", "clusterroles"],
         "verbs": ["bind", "escalate"]},
    ],
)
k8s.rbac.v1.ClusterRoleBinding(
    "vault-k8s-engine",
    metadata={"name": "vault-k8s-engine"},
    subjects=[{"kind": "ServiceAccount", "name": "vault", "namespace": NS}],
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": engine_role.metadata["name"]},
    opts=ns_opts,
)
ci_deployer = k8s.rbac.v1.ClusterRole(
    "ci-deployer",
    metadata={"name": "ci-deployer"},
    rules=[
        {"api_groups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "patch"]},
        {"api_groups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
    ],
)

vault.kubernetes.SecretBackendRole(
    "dashboard-admin", backend=k8s_secrets.path, name="dashboard-admin",
    allowed_kubernetes_namespaces=["kubernetes-dashboard"], token_default_ttl=3600, token_max_ttl=86400,
    service_account_name="kubernetes-dashboard")
vault.kubernetes.SecretBackendRole(
    "ci-deployer", backend=k8s_secrets.path, name="ci-deployer",
    allowed_kubernetes_namespaces=["*"], token_default_ttl=1800, token_max_ttl=3600,
    kubernetes_role_type="ClusterRole", kubernetes_role_name=ci_deployer.metadata["name"])
vault.kubernetes.SecretBackendRole(
    "openclaw", backend=k8s_secrets.path, name="openclaw",
    allowed_kubernetes_namespaces=["*"], token_default_ttl=3600, token_max_ttl=86400,
    service_account_name="openclaw")
vault.kubernetes.SecretBackendRole(
    "local-admin", backend=k8s_secrets.path, name="local-admin",
    allowed_kubernetes_namespaces=["*"], token_default_ttl=3600, token_max_ttl=86400,
    kubernetes_role_type="ClusterRole", kubernetes_role_name="cluster-admin")

# --- transit engine: the keys that encrypt SOPS state --------------------------------------
transit = vault.Mount("transit", path="transit", type="transit", opts=protected)

# --- namespace owners (self-service onboarding from secret/platform k8s_users) --------------
owners = namespace_owners(read_k8s_users())
owned_namespaces = sorted({ns for user in owners.values() for ns in user["namespaces"]})

for ns in owned_namespaces:
    user_ns = Namespace(ns, NamespaceArgs(tier=TIER_AUX, labels={
        "resource-governance/custom-quota": "true",
        "managed-by": "vault-user-onboarding",
    }))
    vault.transit.SecretBackendKey(f"sops-state-{ns}", backend=transit.path, name=f"sops-state-{ns}",
                                   opts=pulumi.ResourceOptions(protect=True))
    deployer = k8s.rbac.v1.Role(
        f"{ns}-deployer",
        metadata={"name": f"{ns}-deployer", "namespace": ns},
        rules=[
            {"api_groups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "patch", "update"]},
            {"api_groups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
        ],
        opts=pulumi.ResourceOptions(depends_on=[user_ns]),
    )
    vault.kubernetes.SecretBackendRole(
        f"{ns}-deployer", backend=k8s_secrets.path, name=f"{ns}-deployer",
        allowed_kubernetes_namespaces=[ns], token_default_ttl=1800, token_max_ttl=3600,
        kubernetes_role_type="Role", kubernetes_role_name=deployer.metadata["name"])


def _rule(path: str, capabilities: list[str]) -> str:
    return f'path "{path}" {{\n  capabilities = {json.dumps(capabilities)}\n}}\n'


for user, spec in sorted(owners.items()):
    rw = ["create", "read", "update", "delete", "list"]
    meta = ["list", "read", "delete"]
    owner_policy = vault.Policy(f"namespace-owner-{user}", name=f"namespace-owner-{user}", policy="".join([
        _rule(f"secret/data/{user}", rw), _rule(f"secret/data/{user}/*", rw),
        _rule(f"secret/metadata/{user}", meta), _rule(f"secret/metadata/{user}/*", meta),
        *(_rule(f"kubernetes/creds/{ns}-deployer", ["read"]) for ns in spec["namespaces"]),
    ]))
    sops_policy = vault.Policy(f"sops-user-{user}", name=f"sops-user-{user}", policy="".join(
        _rule(f"transit/encrypt/sops-state-{ns}", ["update"]) + _rule(f"transit/decrypt/sops-state-{ns}", ["update"])
        + _rule(f"transit/keys/sops-state-{ns}", ["read"])
        for ns in spec["namespaces"]))
    group = vault.identity.Group(f"sops-{user}", name=f"sops-{user}", type="external", policies=[sops_policy.name])
    vault.identity.GroupAlias(f"sops-{user}", name=f"sops-{user}", mount_accessor=oidc.accessor,
                              canonical_id=group.id)
    entity = vault.identity.Entity(f"owner-{user}", name=user, policies=[owner_policy.name, sops_policy.name])
    vault.identity.EntityAlias(f"owner-{user}", name=spec["email"], mount_accessor=oidc.accessor,
                               canonical_id=entity.id)

pulumi.export("policies", sorted([*POLICY_NAMES, *(f"workstation-claude-{u}" for u in WORKSTATION_USERS)]))
pulumi.export("namespace_owners", sorted(owners))
