"""k8s-dashboard: the Kubernetes Dashboard chart behind Authentik, with each user's token injected.

Traffic: k8s.viktorbarzin.me (forward-auth, auth=required) -> dashboard-token-injector (nginx,
maps the Authentik user to a ServiceAccount token) -> the chart's kong-proxy. oauth2-proxy and
the Authentik OIDC client are the SSO path the apiserver does not accept yet; they stay
deployed as upstream has them.
"""

import hashlib

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.authentik_oidc import AuthentikOidcApp, AuthentikOidcAppArgs, RedirectUri, Scope, managed_scope
from components.authentik_sdk import authentik
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.kube_patch import workload_patch
from components.live_read import LiveReadArgs, read_live
from components.namespace import Namespace, NamespaceArgs
from components.platform_users import read_k8s_users
from components.random_secret import random_password
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import sablier_labels, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs
from dashboard_injector import KONG_PROXY, LISTEN_PORT, nginx_config, owner_tokens

settings = ClusterSettings.load()
NS = "kubernetes-dashboard"
HOST = "k8s.viktorbarzin.me"
AUTHENTIK_URL = "https://authentik.viktorbarzin.me"
GROUP = "k8s-dashboard"  # the Sablier group: chart Deployments, injector and oauth2-proxy wake together
INJECTOR = "dashboard-token-injector"
ADMIN_TOKEN = "kubernetes-dashboard-admin-token"
# Authentik login names that get the cluster-admin token. Listed by hand: the admin entries of
# k8s_users carry another address than the one these users log in to Authentik with.
ADMIN_EMAILS = ("vbarzin@gmail.com",)
KYVERNO_TIER = 'metadata.labels["tier"]'  # Kyverno copies the namespace tier onto the Deployments
NDOTS = {"dns_config": {"options": [{"name": "ndots", "value": "2"}]}}
READ = ["get", "list", "watch"]

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CLUSTER, labels={
    "istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Generated upstream for a CSRF key of the old dashboard module; nothing reads it now.
random_password("csrf-token", length=16, special=True, override_special="_%@")

# --- the chart (no values) and the Sablier labels it has no knob for -------------------------
dashboard = HelmRelease("kubernetes-dashboard", HelmReleaseArgs(
    namespace=NS, chart="kubernetes-dashboard", version="7.12.0",
    repository="https://kubernetes-retired.github.io/dashboard/", atomic=True, cleanup_on_fail=False), opts=ns_opts)
for deployment in ("api", "auth", "kong", "metrics-scraper", "web"):
    workload_patch(f"dashboard-sablier-{deployment}", kind="Deployment", namespace=NS,
                   workload=f"kubernetes-dashboard-{deployment}", labels=sablier_labels(GROUP),
                   opts=pulumi.ResourceOptions(depends_on=[dashboard]))

# --- identities: the cluster-admin account admins get, the view-only account -----------------
admin = WorkloadRbac("kubernetes-dashboard", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole", existing_role="cluster-admin", binding_name="admin-user",
    token_secret=ADMIN_TOKEN), opts=ns_opts)
WorkloadRbac("kubernetes-dashboard-viewonly", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole", token_secret="kubernetes-dashboard-viewonly", rules=[
        Rule(api_groups=[""], verbs=READ, resources=[
            "configmaps", "endpoints", "persistentvolumeclaims", "pods", "replicationcontrollers",
            "replicationcontrollers/scale", "serviceaccounts", "services", "nodes", "persistentvolumeclaims",
            "persistentvolumes"]),
        Rule(api_groups=[""], verbs=READ, resources=[
            "bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
            "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]),
        Rule(api_groups=[""], verbs=READ, resources=["namespaces"]),
        Rule(api_groups=["apps"], verbs=READ, resources=[
            "daemonsets", "deployments", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets"]),
        Rule(api_groups=["autoscaling"], verbs=READ, resources=["horizontalpodautoscalers"]),
        Rule(api_groups=["batch"], verbs=READ, resources=["cronjobs", "jobs"]),
        Rule(api_groups=["extensions"], verbs=READ, resources=[
            "daemonsets", "deployments", "deployments/scale", "ingresses", "networkpolicies", "replicasets",
            "replicasets/scale", "replicationcontrollers/scale"]),
        Rule(api_groups=["policy"], verbs=READ, resources=["poddisruptionbudgets"]),
        Rule(api_groups=["networking.k8s.io"], verbs=READ, resources=["networkpolicies"]),
        Rule(api_groups=["storage.k8s.io"], verbs=READ, resources=["storageclasses", "volumeattachments"]),
        Rule(api_groups=["rbac.authorization.k8s.io"], verbs=READ, resources=[
            "clusterrolebindings", "clusterroles", "roles", "rolebindings"]),
    ]), opts=ns_opts)

# --- the token injector ----------------------------------------------------------------------
# Every token is read from the live cluster: the owners' from the Secrets the rbac stack
# declares (owners from Vault secret/platform k8s_users), the admins' from the Secret above once
# the token controller has filled it in. Offline each is a marked placeholder.
owner_reads = [(o.email, read_live(o.secret, LiveReadArgs(
    namespace=o.namespace, keys=["token"], source="the rbac stack's dashboard ServiceAccount token"))["token"])
    for o in owner_tokens(read_k8s_users())]
admin_token = read_live(ADMIN_TOKEN, LiveReadArgs(
    namespace=NS, keys=["token"], depends_on=[admin],
    source="the token controller (ServiceAccount kubernetes-dashboard)"))["token"]
token_map = [*owner_reads, *((email, admin_token) for email in ADMIN_EMAILS)]
conf = pulumi.Output.secret(pulumi.Output.all(*(token for _, token in token_map)).apply(
    lambda tokens: nginx_config(list(zip((email for email, _ in token_map), tokens)))))
# A Secret, not a ConfigMap: namespace owners may read ConfigMaps cluster-wide, not Secrets.
conf_object = k8s.core.v1.Secret(f"{INJECTOR}-conf", metadata={"name": f"{INJECTOR}-conf", "namespace": NS},
                                 string_data={"default.conf": conf}, opts=ns_opts)
# The pods roll when the token map changes; the digest is not secret.
conf_digest = pulumi.Output.unsecret(conf.apply(lambda text: hashlib.sha256(text.encode()).hexdigest()))

WebApp(INJECTOR, WebAppArgs(
    namespace=NS, keel=True, sablier_group=GROUP, labels={"sablier.active.replicas": "2"}, replicas=2,
    pod_annotations={"conf/sha": conf_digest}, pod_spec=NDOTS,
    containers=[{
        "name": "nginx", "image": "nginxinc/nginx-unprivileged:1.27-alpine",
        "ports": [{"container_port": LISTEN_PORT}],
        "volume_mounts": [{"name": "conf", "mount_path": "/etc/nginx/conf.d", "read_only": True}],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "96Mi"}},
        "readiness_probe": {"tcp_socket": {"port": LISTEN_PORT}, "initial_delay_seconds": 3, "period_seconds": 10},
    }],
    volumes=[{"name": "conf", "secret": {"secret_name": conf_object.metadata["name"]}}],
    ignore_changes=[KYVERNO_TIER],
    service_labels={}, service_ports=[{"port": 80, "target_port": LISTEN_PORT}],
), opts=ns_opts)

IngressFactory("kubernetes-dashboard", IngressArgs.on_cluster(
    settings, namespace=NS, host="k8s", service_name=INJECTOR, port=80, backend_protocol="HTTP",
    dns_type="proxied", sablier=Sablier(group=GROUP),
    # Forward-auth is the gate and the identity the injector maps; RBAC on the token does the rest.
    auth="required",
    allowed_groups=["kubernetes-admins", "kubernetes-power-users", "kubernetes-namespace-owners",
                    "Home Server Admins"],
    extra_annotations={
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": "Kubernetes Dashboard",
        "gethomepage.dev/description": "Cluster dashboard", "gethomepage.dev/icon": "kubernetes-dashboard.png",
        "gethomepage.dev/group": "Core Platform", "gethomepage.dev/pod-selector": ""}), opts=ns_opts)

# --- the OIDC path: Authentik client + oauth2-proxy ------------------------------------------
ak = authentik.Provider("authentik", url=AUTHENTIK_URL, token=vault_field("authentik", "tf_api_token"))
AuthentikOidcApp("k8s-dashboard", AuthentikOidcAppArgs(
    provider=ak, provider_name="k8s-dashboard", client_type="confidential",
    # The same pair oauth2-proxy reads through its ExternalSecret.
    client_id=vault_field("k8s-dashboard", "oauth2_proxy_client_id"),
    client_secret=vault_field("k8s-dashboard", "oauth2_proxy_client_secret"),
    redirect_uris=[RedirectUri(url=f"https://{HOST}/oauth2/callback")],
    access_token_validity="hours=1", refresh_token_validity="days=30",
    # The scopes of the UI-made `kubernetes` provider: the apiserver needs email_verified true
    # (the custom email mapping) and the groups claim.
    scopes=[managed_scope("openid"), managed_scope("profile"), Scope(name="Kubernetes Email (verified)"),
            Scope(name="Kubernetes Groups")],
    app_name="Kubernetes Dashboard", app_slug="k8s-dashboard", meta_launch_url=f"https://{HOST}",
))

OAUTH2_PROXY = "oauth2-proxy"
ExternalSecret(OAUTH2_PROXY, ExternalSecretArgs(
    namespace=NS, refresh_interval="1h", creation_policy="Owner", data=[
        SecretKey(secret_key="client-id", key="k8s-dashboard", property="oauth2_proxy_client_id"),
        SecretKey(secret_key="client-secret", key="k8s-dashboard", property="oauth2_proxy_client_secret"),
        SecretKey(secret_key="cookie-secret", key="k8s-dashboard", property="oauth2_proxy_cookie_secret"),
    ]), opts=ns_opts)
WebApp(OAUTH2_PROXY, WebAppArgs(
    namespace=NS, keel=True, sablier_group=GROUP, labels={"sablier.active.replicas": "2"}, replicas=2,
    pod_spec=NDOTS,
    containers=[{
        "name": OAUTH2_PROXY, "image": "quay.io/oauth2-proxy/oauth2-proxy:v7.7.1",
        "args": [
            "--http-address=0.0.0.0:4180",
            "--provider=oidc",
            f"--oidc-issuer-url={AUTHENTIK_URL}/application/o/k8s-dashboard/",
            f"--redirect-url=https://{HOST}/oauth2/callback",
            f"--upstream={KONG_PROXY}",
            "--ssl-upstream-insecure-skip-verify=true",
            "--scope=openid email profile groups",
            "--pass-authorization-header=true",
            "--set-authorization-header=true",
            "--pass-access-token=true",
            "--email-domain=*",
            "--insecure-oidc-allow-unverified-email=true",
            "--cookie-secure=true",
            f"--cookie-domain={HOST}",
            f"--whitelist-domain={HOST}",
            "--cookie-refresh=30m",
            "--cookie-expire=168h",
            "--code-challenge-method=S256",
            "--reverse-proxy=true",
            "--skip-provider-button=true",
        ],
        "env": secret_env(OAUTH2_PROXY, {"OAUTH2_PROXY_CLIENT_ID": "client-id",
                                         "OAUTH2_PROXY_CLIENT_SECRET": "client-secret",
                                         "OAUTH2_PROXY_COOKIE_SECRET": "cookie-secret"}),
        "ports": [{"container_port": 4180}],
        "readiness_probe": {"http_get": {"path": "/ping", "port": 4180},
                            "initial_delay_seconds": 5, "period_seconds": 10},
        "resources": {"requests": {"cpu": "25m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }],
    ignore_changes=[KYVERNO_TIER],
    service_labels={}, service_ports=[{"port": 4180, "target_port": 4180}],
), opts=ns_opts)

pulumi.export("host", HOST)
