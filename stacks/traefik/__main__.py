"""Traefik (Tier 0 edge): the ingress controller, every shared Middleware the fleet's
routers name, the forward-auth / bot-block / x402 shims, error pages and the catch-all."""

import hashlib
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.constants import AUTH_ANNOTATION, AUTH_REASON_ANNOTATION, TIER_CORE
from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.traefik_middleware import (
    AUTHENTIK_RESPONSE_HEADERS, TraefikMiddleware, TraefikMiddlewareArgs, errors_spec,
    forward_auth_spec, ip_allow_list_spec, rate_limit_spec,
)
from components.web_app import Pdb, WebApp, WebAppArgs
from components.workload import env, secret_env
from traefik_values import traefik_values

settings = ClusterSettings.load()
HERE = Path(__file__).resolve().parent
NS = "traefik"
TRAEFIK_API = "traefik.io/v1alpha1"
# The Cloudflare tunnel pods' CIDR: the only peer whose client-IP headers the plugins trust.
CLOUDFLARED_POD_CIDR = "10.10.0.0/16"
# Private and CGNAT ranges the x402 gateway never charges (mirrors the Anubis trusted list).
TRUSTED_LOCAL_CIDRS = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7,fe80::/10"
# Deployments here: besides Kyverno's and Keel's fields (WebApp keel=True), the tier label is live-owned.
LIVE_TIER_LABEL = ['metadata.labels["tier"]']


# --- namespace, release, certificate -----------------------------------------------------
namespace = Namespace(NS, NamespaceArgs(tier=TIER_CORE, labels={
    "app.kubernetes.io/name": "traefik",
    "app.kubernetes.io/instance": "traefik",
    "keel.sh/enrolled": "true",
}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

release = HelmRelease("traefik", HelmReleaseArgs(
    namespace=NS,
    repository="https://traefik.github.io/charts",
    chart="traefik",
    # Pinned on purpose: chart 41 rejects the `logs` values key; bump with a values migration.
    version="40.2.0",
    timeout=600,
    values=traefik_values(
        load_plugin_file=lambda rel: load_payload(HERE, f"plugins/{rel}"),
        lb_ip=settings.dns.internal_lb_ip,
    ),
), opts=ns_opts)
after_release = pulumi.ResourceOptions(depends_on=[release])

tls = cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)


# --- small shared building blocks ----------------------------------------------------------
def http_probe(path: str, port, initial_delay: int, period: int) -> dict:
    return {"http_get": {"path": path, "port": port}, "initial_delay_seconds": initial_delay, "period_seconds": period}


def spread(app: str, when_unsatisfiable: str = "DoNotSchedule") -> list[dict]:
    return [{"max_skew": 1, "topology_key": "kubernetes.io/hostname", "when_unsatisfiable": when_unsatisfiable,
             "label_selector": {"match_labels": {"app": app}}}]


def small_proxy(name: str, *, container: str = "nginx", image: str, port: int, memory: str, cpu: str = "5m", env_vars: list | None = None,
                volume_mounts: list | None = None, volumes: list | None = None,
                pod_annotations: dict | None = None, annotations: dict | None = None) -> WebApp:
    """Two spread replicas, surge-only rollouts, /healthz probes, an `http` Service on ``port``:
    the shape of every helper pod here."""
    spec: dict = {
        "name": container,
        "image": image,
        "ports": [{"container_port": port}],
        "liveness_probe": http_probe("/healthz", port, 3, 10),
        "readiness_probe": http_probe("/healthz", port, 2, 5),
        "resources": {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory}},
    }
    if env_vars:
        spec["env"] = env_vars
    if volume_mounts:
        spec["volume_mounts"] = volume_mounts
    return WebApp(name, WebAppArgs(
        namespace=NS,
        keel=True,
        ignore_changes=LIVE_TIER_LABEL,
        annotations=annotations or {},
        pod_annotations=pod_annotations or {},
        replicas=2,
        strategy="RollingUpdate",
        rolling_update={"max_unavailable": 0, "max_surge": 1},
        pod_spec={"topology_spread_constraints": spread(name)},
        containers=[spec],
        volumes=volumes or (),
        service_ports=[{"name": "http", "port": port, "target_port": port}],
    ), opts=ns_opts)


def middleware(name: str, spec: dict, *, force_conflicts: bool = False, depends_on: list | None = None) -> TraefikMiddleware:
    return TraefikMiddleware(name, TraefikMiddlewareArgs(namespace=NS, spec=spec, force_conflicts=force_conflicts),
                             opts=pulumi.ResourceOptions(depends_on=[release, *(depends_on or [])]))


def traefik_object(kind: str, name: str, spec: dict, *, depends_on: list | None = None,
                   annotations: dict | None = None) -> k8s.apiextensions.CustomResource:
    metadata = {"name": name, "namespace": NS, **({"annotations": annotations} if annotations else {})}
    return k8s.apiextensions.CustomResource(
        f"{kind.lower()}-{name}", api_version=TRAEFIK_API, kind=kind,
        metadata=metadata, spec=spec,
        opts=pulumi.ResourceOptions(depends_on=[release, *(depends_on or [])]))


# --- dashboard -----------------------------------------------------------------------------
k8s.core.v1.Service(
    "traefik-dashboard",
    metadata={"name": "traefik-dashboard", "namespace": NS, "labels": {"app": "traefik-dashboard"}},
    spec={"selector": {"app.kubernetes.io/name": "traefik"},
          "ports": [{"name": "http", "port": 8080, "target_port": 8080, "protocol": "TCP"}]},
    opts=ns_opts,
)
IngressFactory("traefik", IngressArgs.on_cluster(
    settings,
    namespace=NS, service_name="traefik-dashboard", host="traefik", port=8080, auth="required", dns_type="non-proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Traefik",
        "gethomepage.dev/description": "Reverse proxy & ingress",
        "gethomepage.dev/icon": "traefik.png",
        "gethomepage.dev/group": "Core Platform",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# --- auth-proxy: Authentik forward-auth with an emergency basic-auth fallback ---------------
htpasswd = vault_field("platform", "auth_fallback_htpasswd")
auth_proxy_conf = load_payload(HERE, "auth-proxy.conf")
k8s.core.v1.Secret("auth-proxy-htpasswd", metadata={"name": "auth-proxy-htpasswd", "namespace": NS},
                   string_data={"htpasswd": htpasswd}, opts=ns_opts)
k8s.core.v1.ConfigMap("auth-proxy-config", metadata={"name": "auth-proxy-config", "namespace": NS},
                      data={"default.conf": auth_proxy_conf}, opts=ns_opts)
k8s.core.v1.ConfigMap("auth-proxy-fallback", metadata={"name": "auth-proxy-fallback", "namespace": NS},
                      data={"ok": "authenticated"}, opts=ns_opts)
small_proxy(
    "auth-proxy", image="nginx:1-alpine", port=9000, memory="64Mi",
    # nginx reads config and the subPath-mounted htpasswd only at start: roll pods when either changes.
    pod_annotations={
        "checksum/auth-proxy-config": hashlib.sha1(auth_proxy_conf.encode()).hexdigest(),
        # A digest of the (already hashed) htpasswd reveals no credential, so it is not kept
        # secret: the pod spec then carries no secret-marked value (SEC-027).
        "checksum/auth-proxy-htpasswd": pulumi.Output.unsecret(
            htpasswd.apply(lambda v: hashlib.sha1(v.encode()).hexdigest())),
    },
    volume_mounts=[
        {"name": "config", "mount_path": "/etc/nginx/conf.d", "read_only": True},
        {"name": "htpasswd", "mount_path": "/etc/nginx/htpasswd", "sub_path": "htpasswd", "read_only": True},
        {"name": "fallback", "mount_path": "/usr/share/nginx/fallback", "read_only": True},
    ],
    volumes=[
        {"name": "config", "config_map": {"name": "auth-proxy-config"}},
        {"name": "htpasswd", "secret": {"secret_name": "auth-proxy-htpasswd"}},
        {"name": "fallback", "config_map": {"name": "auth-proxy-fallback"}},
    ],
)

# --- bot-block-proxy: forward-auth target of ai-bot-block ---------------------------------
k8s.core.v1.ConfigMap("bot-block-proxy-config", metadata={"name": "bot-block-proxy-config", "namespace": NS},
                      data={"default.conf": load_payload(HERE, "bot-block-proxy.conf")}, opts=ns_opts)
small_proxy(
    "bot-block-proxy", image="openresty/openresty:alpine", port=8080, memory="64Mi",
    # openresty does not reload its config: Reloader rolls the pods on a ConfigMap change.
    annotations={"configmap.reloader.stakater.com/reload": "bot-block-proxy-config"},
    volume_mounts=[{"name": "config", "mount_path": "/etc/nginx/conf.d", "read_only": True}],
    volumes=[{"name": "config", "config_map": {"name": "bot-block-proxy-config"}}],
)

# --- x402 payment gateway: dry-run (allow-all) until a wallet address is set --------------
# The wallet address and the Slack webhook URL (a bearer credential) sit in a Secret the pods
# reference, not as literals in the pod spec (SEC-028).
X402_ENV_SECRET = "x402-gateway-env"
x402_env = k8s.core.v1.Secret(
    "x402-gateway-env", metadata={"name": X402_ENV_SECRET, "namespace": NS}, type="Opaque",
    string_data={"wallet_address": vault_field("viktor", "x402_wallet_address", default=""),
                 "notify_webhook_url": vault_field("viktor", "alertmanager_slack_api_url", default="")},
    opts=ns_opts)
# The CI build sets the running tag and the image path is ignored: policy treats it like Keel's.
x402 = WebApp("x402-gateway", WebAppArgs(
    namespace=NS,
    keel=True,
    ignore_changes=LIVE_TIER_LABEL,
    replicas=2,
    strategy="RollingUpdate",
    rolling_update={"max_surge": 1, "max_unavailable": 0},
    pod_spec={
        "image_pull_secrets": [{"name": "registry-credentials"}],
        "topology_spread_constraints": spread("x402-gateway", "ScheduleAnyway"),
    },
    containers=[{
        "name": "x402-gateway",
        "image": "ghcr.io/viktorbarzin/x402-gateway:latest",
        "ports": [{"name": "http", "container_port": 8923}, {"name": "metrics", "container_port": 9090}],
        "env": env({
            "MODE": "forwardauth",
            "BIND": ":8923",
            "METRICS_BIND": ":9090",
        }) + secret_env(X402_ENV_SECRET, {"WALLET_ADDRESS": "wallet_address"})
        + env({
            "PRICE_LABEL": "$0.01",
            "PRICE_USDC_MICROS": "10000",
            "NETWORK": "base",
            "FACILITATOR_URL": "https://x402.org/facilitator",
        }) + secret_env(X402_ENV_SECRET, {"NOTIFY_WEBHOOK_URL": "notify_webhook_url"})
        + env({"TRUSTED_CIDRS": TRUSTED_LOCAL_CIDRS}),
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
        "liveness_probe": http_probe("/healthz", "metrics", 5, 30),
        "readiness_probe": http_probe("/healthz", "metrics", 1, 5),
        "security_context": {
            "run_as_non_root": True, "run_as_user": 65532, "run_as_group": 65532,
            "allow_privilege_escalation": False, "read_only_root_filesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }],
    service_ports=[{"name": "http", "port": 8080, "target_port": 8923}, {"name": "metrics", "port": 9090, "target_port": 9090}],
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "9090"},
    pdb=Pdb(min_available="1"),
), opts=pulumi.ResourceOptions(depends_on=[namespace, x402_env]))

# --- error pages -----------------------------------------------------------------------------
error_pages = small_proxy(
    "error-pages", container="error-pages", image="ghcr.io/tarampampam/error-pages:3", port=8080, memory="32Mi",
    pod_annotations={"diun.enable": "true"},
    # READ_BUFFER_SIZE also bounds request headers: large cookie piles need far more than 5 KiB.
    env_vars=env({"TEMPLATE_NAME": "shuffle", "READ_BUFFER_SIZE": "131072"}),
)

# --- shared middlewares (names are the contract with every ingress; components.constants) --
RATE_LIMITS = {
    # name: (average, burst). The carve-outs serve apps that burst many parallel requests.
    "rate-limit": (10, 50),
    "immich-rate-limit": (1000, 20000),
    "actualbudget-rate-limit": (50, 300),
    "tripit-rate-limit": (100, 1000),
    "health-rate-limit": (100, 1000),
    "authentik-rate-limit": (100, 1000),
    "dawarich-rate-limit": (100, 1000),
    "executor-rate-limit": (100, 1000),
    "android-emulator-rate-limit": (50, 300),
}
for mw_name, (average, burst) in RATE_LIMITS.items():
    middleware(mw_name, rate_limit_spec(average, burst), force_conflicts=mw_name == "rate-limit")

middleware("authentik-forward-auth", forward_auth_spec(
    "http://auth-proxy.traefik.svc.cluster.local:9000/outpost.goauthentik.io/auth/traefik",
    response_headers=AUTHENTIK_RESPONSE_HEADERS))
# The public tier has its own outpost: the embedded one dispatches by Host alone.
middleware("authentik-forward-auth-public", forward_auth_spec(
    "http://ak-outpost-public.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/traefik",
    response_headers=AUTHENTIK_RESPONSE_HEADERS))
middleware("local-only", ip_allow_list_spec(["192.168.1.0/24", "10.0.0.0/8", "fc00::/7", "fe80::/10"]))
# Every home site (Sofia, London incl. its guest net, Valchedrym); kept apart from local-only
# so the remote LANs do not reach the admin surfaces. Pair with internal DNS records only.
middleware("home-lans-only", ip_allow_list_spec([
    "192.168.1.0/24", "10.0.0.0/8", "192.168.8.0/24", "192.168.9.0/24", "192.168.0.0/24", "fc00::/7", "fe80::/10",
]))
middleware("redirect-https", {"redirectScheme": {"scheme": "https", "permanent": True}})
middleware("csp-headers", {"headers": {
    "contentSecurityPolicy": f"frame-ancestors 'self' *.{settings.root_domain} {settings.root_domain}",
}})
middleware("security-headers", {"headers": {
    "stsSeconds": 31536000,
    "stsIncludeSubdomains": True,
    "frameDeny": True,
    "contentTypeNosniff": True,
    "browserXssFilter": True,
    "referrerPolicy": "strict-origin-when-cross-origin",
    "permissionsPolicy": "camera=(), microphone=(), geolocation=()",
}})
middleware("strip-auth-headers", {"headers": {"customRequestHeaders": {
    header: "" for header in AUTHENTIK_RESPONSE_HEADERS if header.startswith("X-authentik-")
}}})
middleware("compress", {"compress": {
    "minResponseBodyBytes": 1024,
    # An allow-list of text-like types: binaries and event streams are never compressed.
    "includedContentTypes": [
        "text/html", "text/css", "text/plain", "text/xml", "text/javascript",
        "application/javascript", "application/json", "application/xml", "application/xhtml+xml",
        "application/rss+xml", "application/atom+xml", "image/svg+xml", "application/wasm",
        "font/woff2", "font/woff", "font/ttf", "application/manifest+json",
    ],
}}, force_conflicts=True)
middleware("ai-bot-block", forward_auth_spec("http://bot-block-proxy.traefik.svc.cluster.local:8080/auth"))
middleware("anti-ai-headers", {"headers": {"customResponseHeaders": {"X-Robots-Tag": "noai, noimageai"}}})
middleware("x402", forward_auth_spec("http://x402-gateway.traefik.svc.cluster.local:8080/auth"),
           depends_on=[x402])
middleware("retry", {"retry": {"attempts": 2, "initialInterval": "100ms"}})
middleware("real-ip", {"plugin": {"realip": {"trustedProxyCIDRs": [CLOUDFLARED_POD_CIDR]}}})
middleware("crowdsec", {"plugin": {"crowdsec": {
    "lapiUrl": "http://crowdsec-service.crowdsec.svc.cluster.local:8080",
    # The same Vault field the crowdsec stack registers with LAPI for this bouncer.
    "lapiKey": vault_field("platform", "traefik_bouncer_key"),
    "pollSeconds": 30,
    # Community (CAPI) bans are left out on purpose: their false positives would be user-visible.
    "origins": ["crowdsec", "cscli", "cscli-import", "lists", "console"],
    "trustedProxyCIDRs": [CLOUDFLARED_POD_CIDR],
    # Never lock anyone out of the login flow they would need to lift a ban.
    "skipHosts": [f"authentik.{settings.root_domain}", f"public-auth.{settings.root_domain}"],
    "dryRun": False,
}}})
middleware("error-pages", errors_spec(["500-504"], service="error-pages", namespace=NS, port=8080),
           depends_on=[error_pages])
# Opt-in 403 page for allow-list-gated hosts; list it before the allow-list in the chain.
middleware("error-pages-403", errors_spec(["403"], service="error-pages", namespace=NS, port=8080),
           depends_on=[error_pages])

# --- TLS and transport objects, catch-all router ----------------------------------------------
traefik_object("TLSOption", "mtls", {"clientAuth": {
    "secretNames": ["ca-secret"], "clientAuthType": "RequireAndVerifyClientCert"}})
traefik_object("ServersTransport", "insecure-skip-verify", {"insecureSkipVerify": True})
# Unknown hosts get the wildcard certificate instead of Traefik's self-signed default.
traefik_object("TLSStore", "default", {"defaultCertificate": {"secretName": settings.tls_secret_name}},
               depends_on=[tls])
# Lowest-priority router: a themed 404 for unmatched subdomains of the root domain only, so
# foreign domains pointed at the address never see the wildcard certificate.
domain_pattern = settings.root_domain.replace(".", "\\.")
traefik_object("IngressRoute", "catchall-error-pages", {
    "entryPoints": ["websecure"],
    "routes": [{
        "match": f"HostRegexp(`^(.+\\.)?{domain_pattern}$`)",
        "kind": "Rule",
        "priority": 1,
        "middlewares": [{"name": "rate-limit", "namespace": NS}],
        "services": [{"name": "error-pages", "namespace": NS, "port": 8080}],
    }],
    "tls": {},
}, depends_on=[error_pages], annotations={
    # Posture of the route (policy ingressroute-auth-posture), written at adoption.
    AUTH_ANNOTATION: "none",
    AUTH_REASON_ANNOTATION: "catch-all for unmatched subdomains: serves only the themed 404 page, no app behind it",
})

pulumi.export("namespace", NS)
pulumi.export("release_name", release.release_name)
