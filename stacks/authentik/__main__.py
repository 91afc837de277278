"""Authentik (Tier 1): the identity provider behind every forward-auth ingress.

Cluster side: the namespace, the goauthentik Helm release, PgBouncer in front of the shared
PostgreSQL, the SMTP password, the UI / outpost / static ingresses. Inside Authentik (through
the Authentik provider): the two proxy outposts and their providers, the forward-auth
access policy generated from the fleet's ingresses, the public guest tier, the invite-gated
Google enrollment, the groups ingresses name, and the application access bindings.
Deliberate differences from the Terraform stack: README.md.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

import access_table
import outposts
import pgbouncer
from components.authentik_sdk import authentik
from components.constants import MW_AUTHENTIK_RATE_LIMIT, TIER_CLUSTER
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs, Quota
from components.payload import PLACEHOLDER_MARKER, load_payload, offline_synth, tls_material
from components.secret_inputs import vault_field, vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import TlsSecret, TlsSecretArgs, cluster_tls_secret
from components.web_app import Pdb, WebApp, WebAppArgs
from components.traefik_middleware import TraefikMiddleware, TraefikMiddlewareArgs
from components.workload import deployment_ignore_changes
from values import CHART_VERSION, EMAIL_PASSWORD_KEY, EMAIL_SECRET, helm_values

HERE = Path(__file__).resolve().parent
NS = "authentik"
settings = ClusterSettings.load()
AUTHENTIK_URL = f"https://authentik.{settings.root_domain}"

# Objects created in the Authentik UI that bindings point at (stable ids; README.md says
# how to re-read them if one is ever recreated).
APP_KUBERNETES = "06733378-c2dc-46a8-a3f7-4f3670922ab4"
APP_KUBERNETES_DASHBOARD = "9593b57a-83e5-45f2-ad92-16b3ddf9223a"
APP_TRIPIT = "bce7ba06-4af1-474a-a622-d629cd727a1c"
APP_VAULT = "fe5698e3-b6b1-4475-98fa-ce2bae22f4dd"
GROUP_HOME_SERVER_ADMINS = "54559f22-54be-4701-9c91-ac8a16cc7d30"
GROUP_ALLOW_LOGIN_USERS = "b4823cd7-8ed8-4d2f-8f94-bc285138f853"
K8S_OPERATOR_GROUPS = (
    "e4b39bac-540f-49b1-a53d-697baf8c92c5",  # kubernetes-admins
    "e5a6a70b-280e-40f0-a388-c0d5665e928d",  # kubernetes-power-users
    "38552084-ee3e-412a-997e-d75bd83db352",  # kubernetes-namespace-owners
    GROUP_HOME_SERVER_ADMINS,
)
# T3 Users is seeded with these accounts on create only; membership is then managed live.
T3_BOOTSTRAP_USERNAMES = ("vbarzin@gmail.com", "emil.barzin@gmail.com")

# Fields of adopted Authentik objects that stay managed in the UI.
APP_UI_FIELDS = ["metaDescription", "metaLaunchUrl", "metaIcon", "group", "backchannelProviders", "openInNewTab"]
PROXY_UI_FIELDS = ["propertyMappings", "jwtFederationSources", "skipPathRegex", "internalHost", "basicAuthEnabled",
                   "basicAuthPasswordAttribute", "basicAuthUsernameAttribute", "interceptHeaderAuth"]
LOGIN_STAGE_UI_FIELDS = ["rememberMeOffset", "terminateOtherSessions", "geoipBinding", "networkBinding"]
IDENTIFICATION_UI_FIELDS = ["userFields", "caseInsensitiveMatching", "showMatchedUser", "showSourceLabels", "sources",
                            "enrollmentFlow", "recoveryFlow", "passwordlessFlow", "pretendUserExists", "captchaStage"]


def numeric_pk(value: pulumi.Input[str]) -> pulumi.Output:
    """Authentik users and providers have integer primary keys; the provider wants numbers."""
    return pulumi.Output.from_input(value).apply(lambda v: int(v) if isinstance(v, str) and v.isdigit() else v)


def expression(name: str) -> str:
    """Source of an expression policy from files/policies/ (surrounding whitespace dropped)."""
    return load_payload(HERE, f"policies/{name}.py").strip()


def forward_auth_table() -> tuple[dict[str, list[str]], str]:
    """host -> groups from the live ingresses; an empty, marked table in a preview without a cluster."""
    if offline_synth():
        return {}, f"{PLACEHOLDER_MARKER}: offline synth reads no cluster; `pulumi up` reads the live ingresses"
    try:
        return access_table.host_groups(access_table.read_live_ingresses()), ""
    except access_table.IngressReadError as exc:
        if not pulumi.runtime.is_dry_run():
            raise
        pulumi.log.warn(f"admin-services-restriction rendered with an empty table: {exc}")
        return {}, f"{PLACEHOLDER_MARKER}: preview without cluster access; `pulumi up` reads the live ingresses"


# --- namespace, certificates ----------------------------------------------------------------
namespace = Namespace(NS, NamespaceArgs(
    tier=TIER_CLUSTER,
    # Keel is deliberately not enrolled: the server image is a pinned overlay (values.py).
    quota=Quota(hard={"requests.cpu": "16", "requests.memory": "16Gi", "limits.memory": "96Gi", "pods": "50"}),
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

certificate, private_key = tls_material()
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
# The outposts' controller-made ingresses expect the wildcard certificate under this name.
TlsSecret("tls-secret-outpost", TlsSecretArgs(namespace=NS, secret_name=outposts.OUTPOST_TLS_SECRET,
                                              certificate=certificate, private_key=private_key), opts=ns_opts)

# --- Authentik server and worker -------------------------------------------------------------
ExternalSecret(EMAIL_SECRET, ExternalSecretArgs(
    namespace=NS,
    refresh_interval="1h",
    data=[SecretKey(secret_key=EMAIL_PASSWORD_KEY, key="authentik", property="smtp_password")],
    # Reloader rolls the server and worker when the SMTP password changes.
    template={"metadata": {"annotations": {"reloader.stakater.com/match": "true"}}},
), opts=ns_opts)

HelmRelease("goauthentik", HelmReleaseArgs(
    namespace=NS,
    repository="https://charts.goauthentik.io/",
    chart="authentik",
    version=CHART_VERSION,
    values=helm_values(),
    atomic=True,
    cleanup_on_fail=False,
    timeout=6000,
    create_namespace=True,
), opts=ns_opts)

# --- PgBouncer ------------------------------------------------------------------------------
postgres_password = vault_field("platform", "authentik_postgres_password")
pgbouncer_ini = postgres_password.apply(pgbouncer.ini)

pgbouncer_config = k8s.core.v1.ConfigMap(
    "pgbouncer-config",
    metadata={"name": "pgbouncer-config", "namespace": NS},
    data={"pgbouncer.ini": pgbouncer_ini},
    opts=ns_opts,
)
pgbouncer_auth = k8s.core.v1.Secret(
    "pgbouncer-auth",
    metadata={"name": "pgbouncer-auth", "namespace": NS},
    type="Opaque",
    string_data={"userlist.txt": postgres_password.apply(pgbouncer.userlist)},
    opts=ns_opts,
)
pgbouncer_database = k8s.core.v1.Secret(
    "pgbouncer-database",
    metadata={"name": pgbouncer.DATABASE_SECRET, "namespace": NS},
    type="Opaque",
    string_data={pgbouncer.DATABASE_KEY: postgres_password.apply(pgbouncer.database_env)},
    opts=ns_opts,
)
WebApp(pgbouncer.NAME, WebAppArgs(
    namespace=NS,
    tier=TIER_CLUSTER,
    replicas=3,
    # Keel's fields spelled out rather than keel=True: the live object has no image-policy marker.
    ignore_changes=deployment_ignore_changes(
        keel=True, dns_config=False, extra=["spec.template.spec.containers[0].imagePullPolicy"]),
    # PgBouncer reads its ini at start only: roll the pods when it changes. The digest of the
    # file reveals nothing about the password, so it is not secret.
    pod_annotations={"checksum/pgbouncer-config": pulumi.Output.unsecret(
        pgbouncer_ini.apply(lambda text: hashlib.sha1(text.encode()).hexdigest()))},
    pod_spec=pgbouncer.POD_SPEC,
    containers=[pgbouncer.container()],
    volumes=pgbouncer.volumes(config_map=pgbouncer_config.metadata["name"],
                              auth_secret=pgbouncer_auth.metadata["name"]),
    service_labels={},
    service_spec={"type": "ClusterIP"},
    service_ports=[{"port": pgbouncer.PORT, "target_port": pgbouncer.PORT, "protocol": "TCP"}],
    pdb=Pdb(min_available=2),  # 3 replicas, at least 2 up: one node drain at a time goes through
), opts=pulumi.ResourceOptions(depends_on=[namespace, pgbouncer_auth, pgbouncer_database]))

# --- ingresses ------------------------------------------------------------------------------
homepage_token = vault_json_field("platform", "homepage_credentials", placeholder={}).apply(
    lambda creds: str(((creds or {}).get("authentik") or {}).get("token", "")))

IngressFactory("authentik", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="Authentik's own login UI: forward-auth in front of it would loop (nobody could log in)",
    dns_type="proxied",
    service_name="goauthentik-server",
    anti_ai_scraping=False,
    # A cold load of the login SPA bursts past the shared limiter: use the dedicated one.
    skip_default_rate_limit=True,
    extra_middlewares=[MW_AUTHENTIK_RATE_LIMIT],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Authentik",
        "gethomepage.dev/description": "Identity provider",
        "gethomepage.dev/icon": "authentik.png",
        "gethomepage.dev/group": "Identity & Security",
        "gethomepage.dev/pod-selector": "",
        "gethomepage.dev/widget.type": "authentik",
        "gethomepage.dev/widget.url": "http://goauthentik-server.authentik.svc.cluster.local",
        "gethomepage.dev/widget.key": homepage_token,
    },
), opts=ns_opts)

IngressFactory("authentik-outpost", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="the embedded outpost's forward-auth callback path; gating it with forward-auth would loop",
    host="authentik",
    service_name="ak-outpost-authentik-embedded-outpost",
    port=9000,
    ingress_path=["/outpost.goauthentik.io"],
    anti_ai_scraping=False,
    homepage_enabled=False,
), opts=ns_opts)

# Versioned static assets never change under one URL: let browsers keep them for a year.
static_cache = TraefikMiddleware("static-cache-headers", TraefikMiddlewareArgs(
    namespace=NS,
    spec={"headers": {"customResponseHeaders": {"Cache-Control": "public, max-age=31536000, immutable"}}},
), opts=ns_opts)

IngressFactory("authentik-static", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="fingerprinted static assets of the public Authentik login UI",
    host="authentik",
    service_name="goauthentik-server",
    ingress_path=["/static"],
    anti_ai_scraping=False,
    homepage_enabled=False,
    skip_default_rate_limit=True,
    extra_middlewares=["authentik-static-cache-headers@kubernetescrd", MW_AUTHENTIK_RATE_LIMIT],
), opts=pulumi.ResourceOptions(depends_on=[namespace, static_cache]))

# --- Authentik provider and the objects it looks up -------------------------------------------
ak = authentik.Provider("authentik", url=AUTHENTIK_URL, token=vault_field("authentik", "tf_api_token"))
ak_opts = pulumi.ResourceOptions(provider=ak)
lookup = pulumi.InvokeOutputOptions(provider=ak)


def ak_options(**kwargs) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(ak_opts, pulumi.ResourceOptions(**kwargs))


implicit_consent = authentik.get_flow_output(slug="default-provider-authorization-implicit-consent", opts=lookup)
provider_invalidation = authentik.get_flow_output(slug="default-provider-invalidation-flow", opts=lookup)
invitation_enrollment = authentik.get_flow_output(slug="invitation-enrollment", opts=lookup)
password_stage = authentik.get_stage_output(name="default-authentication-password", opts=lookup)
source_enrollment_write = authentik.get_stage_output(name="default-source-enrollment-write", opts=lookup)
source_enrollment_login = authentik.get_stage_output(name="default-source-enrollment-login", opts=lookup)

# --- catch-all forward-auth: provider, application, embedded outpost, access policy ----------
catchall_provider = authentik.ProviderProxy(
    "catchall",
    name="Provider for Domain wide catch all",
    mode="forward_domain",
    external_host=AUTHENTIK_URL,
    cookie_domain=settings.root_domain,
    authorization_flow=implicit_consent.id,
    invalidation_flow=provider_invalidation.id,
    # Lifetime of the authentik_proxy_* cookies and proxy sessions (outpost restart to apply).
    access_token_validity="weeks=4",
    opts=ak_options(ignore_changes=PROXY_UI_FIELDS),
)
authentik.Application(
    "catchall",
    name="Domain wide catch all",
    slug="domain-wide-catch-all",
    protocol_provider=numeric_pk(catchall_provider.id),
    opts=ak_options(ignore_changes=[*APP_UI_FIELDS, "policyEngineMode"]),
)
authentik.Outpost(
    "embedded",
    name="authentik Embedded Outpost",
    type="proxy",
    protocol_providers=[numeric_pk(catchall_provider.id)],
    service_connection=outposts.SERVICE_CONNECTION,
    config=outposts.encode(outposts.embedded_config()),
    opts=ak_opts,
)

# The one policy every forward-auth host shares (its binding to the catch-all application is
# kept in the UI). Rendered from the live ingresses: see access_table.py and README.md.
table, table_note = forward_auth_table()
authentik.PolicyExpression(
    "admin-services-restriction",
    name="admin-services-restriction",
    expression=access_table.render_expression(table, note=table_note),
    opts=ak_opts,
)

# --- login stages ---------------------------------------------------------------------------
# Four-week sessions on every login path (password, passkey and social), nothing else pinned.
authentik.StageUserLogin(
    "default-login",
    name="default-authentication-login",
    session_duration="weeks=4",
    opts=ak_options(ignore_changes=LOGIN_STAGE_UI_FIELDS),
)
authentik.StageUserLogin(
    "default-source-login",
    name="default-source-authentication-login",
    session_duration="weeks=4",
    opts=ak_options(ignore_changes=LOGIN_STAGE_UI_FIELDS),
)
# Password field on the identification screen: one screen, one round trip.
authentik.StageIdentification(
    "default-identification",
    name="default-authentication-identification",
    password_stage=password_stage.id,
    opts=ak_options(ignore_changes=IDENTIFICATION_UI_FIELDS),
)

# --- groups ---------------------------------------------------------------------------------
# Kept narrow on purpose: chrome exposes live logged-in browser sessions. Admins already pass
# the break-glass rule, so the group starts empty.
authentik.Group("chrome-users", name="Chrome Users", opts=ak_opts)
proxy_users = authentik.Group("proxy-users", name="Proxy Users", opts=ak_opts)
t3_seed = [numeric_pk(authentik.get_user_output(username=u, opts=lookup).id) for u in T3_BOOTSTRAP_USERNAMES]
authentik.Group(
    "t3-users",
    name="T3 Users",
    # Seeded on create so the t3 gate can never start empty; live membership is then synced
    # from the workstation roster outside this stack.
    users=t3_seed,
    opts=ak_options(ignore_changes=["users"]),
)

# --- public guest tier (auth="public" ingresses) ------------------------------------------------
guest = authentik.User(
    "guest",
    username="guest",
    name="Guest",
    path="users/system",
    is_active=True,
    type="internal",
    # No password and not in "Allow Login Users": the account can only be entered through
    # the public auto-login flow below.
    opts=ak_options(ignore_changes=["attributes", "email"]),
)
authentik.Group("public-guests", name="Public Guests", users=[numeric_pk(guest.id)], opts=ak_opts)

set_guest_user = authentik.PolicyExpression(
    "set-guest-user", name="set-public-guest-user", expression=expression("set-public-guest-user"), opts=ak_opts)
public_guest_login = authentik.StageUserLogin(
    "public-guest-login", name="public-guest-login", session_duration="weeks=4", opts=ak_opts)
public_auto_login = authentik.Flow(
    "public-auto-login",
    name="Public Auto Login",
    slug="public-auto-login",
    title="Public Guest Login",
    designation="authentication",
    authentication="none",
    opts=ak_opts,
)
public_login = authentik.FlowStageBinding(
    "public-login",
    target=public_auto_login.uuid,
    stage=public_guest_login.id,
    order=10,
    # The guest is set right before the stage runs, when the flow plan exists.
    evaluate_on_plan=False,
    re_evaluate_policies=True,
    opts=ak_opts,
)
authentik.PolicyBinding(
    "set-guest-before-login", target=public_login.id, policy=set_guest_user.id, order=0, opts=ak_opts)

public_provider = authentik.ProviderProxy(
    "public",
    name="Provider for Public",
    mode="forward_domain",
    external_host=f"https://public-auth.{settings.root_domain}",
    cookie_domain=settings.root_domain,
    authentication_flow=public_auto_login.uuid,
    authorization_flow=implicit_consent.id,
    invalidation_flow=provider_invalidation.id,
    access_token_validity="weeks=4",
    opts=ak_options(ignore_changes=PROXY_UI_FIELDS),
)
authentik.Application(
    "public",
    name="Public",
    slug="public",
    protocol_provider=numeric_pk(public_provider.id),
    # No bindings and mode "any": everyone who reached the app (as guest or themselves) passes.
    policy_engine_mode="any",
    opts=ak_options(ignore_changes=APP_UI_FIELDS),
)
# Its own outpost, so this forward_domain provider does not collide with the catch-all.
public_outpost = authentik.Outpost(
    "public",
    name="public",
    type="proxy",
    protocol_providers=[numeric_pk(public_provider.id)],
    service_connection=outposts.SERVICE_CONNECTION,
    config=outposts.encode(outposts.public_config()),
    opts=ak_opts,
)

IngressFactory("public-outpost", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="the public outpost's OAuth callback path; gating it with forward-auth would loop",
    host="public-auth",
    service_name="ak-outpost-public",
    port=9000,
    ingress_path=["/outpost.goauthentik.io"],
    dns_type="proxied",
    anti_ai_scraping=False,
    homepage_enabled=False,
), opts=pulumi.ResourceOptions(depends_on=[namespace, public_outpost]))

# --- invite-gated Google enrollment ---------------------------------------------------------------
# The Google source's enrollment flow is pointed at this flow in Authentik itself (README.md).
google_enrollment = authentik.Flow(
    "google-proxy-enrollment",
    name="Google Proxy Enrollment",
    slug="google-proxy-enrollment",
    title="Join via Google",
    designation="enrollment",
    authentication="none",
    opts=ak_opts,
)

validate_invite_code = authentik.PolicyExpression(
    "validate-invite-code", name="validate-invite-code", expression=expression("validate-invite-code"), opts=ak_opts)
invite_code_field = authentik.StagePromptField(
    "invite-code",
    name="invite-code-field",
    field_key="invite_code",
    label="Invite code",
    type="text",
    required=True,
    placeholder="e.g. R7K-M4Q",
    order=100,
    opts=ak_opts,
)
invite_code_prompt = authentik.StagePrompt(
    "invite-code-prompt",
    name="invite-code-prompt",
    fields=[invite_code_field.id],
    validation_policies=[validate_invite_code.id],
    opts=ak_opts,
)

# Stage order: 0 invite code (rejects a bad code before any user exists), 1 write, 2 login.
authentik.FlowStageBinding(
    "gpe-invite-prompt", target=google_enrollment.uuid, stage=invite_code_prompt.id, order=0,
    evaluate_on_plan=True, re_evaluate_policies=True, opts=ak_opts)
authentik.FlowStageBinding(
    "gpe-write", target=google_enrollment.uuid, stage=source_enrollment_write.id, order=1,
    evaluate_on_plan=True, re_evaluate_policies=True, opts=ak_opts)
gpe_login = authentik.FlowStageBinding(
    "gpe-login", target=google_enrollment.uuid, stage=source_enrollment_login.id, order=2,
    evaluate_on_plan=False, re_evaluate_policies=True, opts=ak_opts)

assign_invite_group = authentik.PolicyExpression(
    "assign-invite-group", name="assign-invite-group", expression=expression("assign-invite-group"), opts=ak_opts)
authentik.PolicyBinding(
    "assign-invite-group-on-login", target=gpe_login.id, policy=assign_invite_group.id, order=0, opts=ak_opts)

# The earlier session-cache bridge: capture stays bound to the shared invitation flow; the
# validate and assign-proxy-group policies are unbound leftovers awaiting their cleanup.
capture_proxy_invite = authentik.PolicyExpression(
    "capture-proxy-invite", name="capture-proxy-invite", expression=expression("capture-proxy-invite"), opts=ak_opts)
authentik.PolicyBinding(
    "capture-on-invite", target=invitation_enrollment.id, policy=capture_proxy_invite.id, order=99, opts=ak_opts)
authentik.PolicyExpression(
    "validate-proxy-invite", name="validate-proxy-invite", expression=expression("validate-proxy-invite"),
    opts=ak_opts)
authentik.PolicyExpression(
    "assign-proxy-group", name="assign-proxy-group", expression=expression("assign-proxy-group"),
    opts=ak_options(depends_on=[proxy_users]))

# Slack #alerts webhook, called directly by validate-proxy-invite.
authentik.EventTransport(
    "slack-proxy-signup",
    name="slack-proxy-signup",
    mode="webhook_slack",
    webhook_url=vault_field("viktor", "alertmanager_slack_api_url"),
    send_once=True,
    opts=ak_opts,
)

# --- who may enter the OIDC applications managed in the UI ------------------------------------
# Each application uses policy engine mode "any": membership in one bound group admits.
for app_key, app in (("kubernetes", APP_KUBERNETES), ("kubernetes-dashboard", APP_KUBERNETES_DASHBOARD)):
    for order, group in enumerate(K8S_OPERATOR_GROUPS):
        authentik.PolicyBinding(f"k8s-app-access-{app_key}-{order}", target=app, group=group, order=order,
                                opts=ak_opts)

tripit_users = authentik.Group("tripit-users", name="TripIt Users", opts=ak_opts)
authentik.PolicyBinding("tripit-users-access", target=APP_TRIPIT, group=tripit_users.id, order=0, opts=ak_opts)
authentik.PolicyBinding("tripit-admins-access", target=APP_TRIPIT, group=GROUP_HOME_SERVER_ADMINS, order=1,
                        opts=ak_opts)
# Vault OIDC: only established homelab users (members of Allow Login Users or its children).
authentik.PolicyBinding("vault-allow-login-users", target=APP_VAULT, group=GROUP_ALLOW_LOGIN_USERS, order=0,
                        opts=ak_opts)

pulumi.export("forward_auth_hosts", sorted(table))
