"""Web terminal edge: terminal.<domain> routed to ttyd and its helper APIs on the DevVM.

The DevVM runs ttyd (read-write and read-only), the clipboard/asset server and the session,
file and skills APIs; they are deployed outside this repository. This stack owns the cluster
edge: one selector-less Service per DevVM port, the Authentik-gated Ingresses and
IngressRoutes that carve paths of the one host out to the helpers, and a (suspended) probe.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_service import ExternalService, ExternalServiceArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.traefik_middleware import TraefikMiddleware, TraefikMiddlewareArgs, middleware_reference
from components.traefik_route import TraefikRoute, TraefikRouteArgs

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "terminal"
HOST = f"terminal.{settings.root_domain}"
DEVVM_IP = "10.0.10.10"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled",
                                                                  "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# One Service per DevVM listener, all on port 80 in the cluster.
DEVVM_PORTS = {
    "terminal": 7681,  # ttyd, read-write
    "terminal-ro": 7682,  # ttyd, read-only
    "clipboard-upload": 7683,  # clipboard upload, term.html and the PWA assets
    "tmux-api": 7684,
    "session-events": 7685,
    "file-api": 7686,
    "skills-api": 7688,
}
for name, port in DEVVM_PORTS.items():
    ExternalService(name, ExternalServiceArgs(
        namespace=NS, address=DEVVM_IP, labels={"app": name},
        ports=[{"name": "http", "port": 80, "target_port": port}],
    ), opts=ns_opts)

TraefikMiddleware("compress", TraefikMiddlewareArgs(namespace=NS, spec={"compress": {}}), opts=ns_opts)
for name, prefix in (("clipboard-strip-prefix", "/clipboard"), ("tmux-api-strip-prefix", "/api/sessions")):
    TraefikMiddleware(name, TraefikMiddlewareArgs(namespace=NS, spec={"stripPrefix": {"prefixes": [prefix]}}),
                      opts=ns_opts)

HOMEPAGE = {
    "gethomepage.dev/enabled": "true",
    "gethomepage.dev/icon": "mdi-console",
    "gethomepage.dev/group": "Infrastructure",
    "gethomepage.dev/pod-selector": "",
}
IngressFactory("terminal", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_middlewares=[middleware_reference(NS, "compress")],
    extra_annotations={**HOMEPAGE, "gethomepage.dev/name": "Terminal",
                       "gethomepage.dev/description": "Web terminal (ttyd)"},
), opts=ns_opts)
IngressFactory("terminal-ro", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied",
    extra_annotations={**HOMEPAGE, "gethomepage.dev/name": "Terminal (Read-Only)",
                       "gethomepage.dev/description": "Read-only web terminal (ttyd)"},
), opts=ns_opts)
# The PWA manifest, icons, service worker and fonts load before the browser has a session.
IngressFactory("terminal-assets", IngressArgs.on_cluster(
    settings, namespace=NS, service_name="clipboard-upload", port=80,
    full_host=HOST,  # the carve-out only works on the main host
    ingress_path=["/manifest.webmanifest", "/icon-192.png", "/icon-512.png", "/icon-512-maskable.png", "/sw.js",
                  "/fonts/JetBrainsMono-Regular.woff2", "/fonts/JetBrainsMono-Bold.woff2",
                  "/fonts/JetBrainsMono-Italic.woff2", "/fonts/JetBrainsMono-BoldItalic.woff2",
                  "/fonts/dm-sans-latin-wght-normal.woff2"],
    auth="none",
    auth_reason="static PWA manifest, icons, service worker and OFL fonts the browser fetches without a session; "
                "no terminal or user data behind these paths",
    anti_ai_scraping=False,
    dns_type="none",  # the terminal ingress owns the record
    homepage_enabled=False,
), opts=ns_opts)

# Helper APIs on path prefixes of the main host, each behind Authentik forward-auth (the
# posture the policy infers from the middleware, so no annotations, as live).
FORWARD_AUTH = {"name": "authentik-forward-auth", "namespace": "traefik"}
ROUTES = [
    ("clipboard-upload", "PathPrefix(`/clipboard/`)", "clipboard-upload", "clipboard-strip-prefix"),
    ("tmux-api", "PathPrefix(`/api/sessions/`)", "tmux-api", "tmux-api-strip-prefix"),
    ("session-events", "(" + " || ".join(f"PathPrefix(`/{p}/`)" for p in (
        "events", "prompt", "cancel", "earlier", "result", "pane", "keys", "commands", "search", "answer-text")) + ")",
     "session-events", None),
    ("file-api", "PathPrefix(`/files/`)", "file-api", None),
    ("skills-api", "(Path(`/skills`) || PathPrefix(`/skills/`))", "skills-api", None),
    # term.html is served by the clipboard server but is the terminal UI itself.
    ("terminal-term-html", "Path(`/term.html`)", "clipboard-upload", None),
]
for name, paths, service, strip in ROUTES:
    middlewares = [FORWARD_AUTH] + ([{"name": strip, "namespace": NS}] if strip else [])
    TraefikRoute(name, TraefikRouteArgs(namespace=NS, spec={
        "entryPoints": ["websecure"],
        "routes": [{"match": f"Host(`{HOST}`) && {paths}", "kind": "Rule", "middlewares": middlewares,
                    "services": [{"name": service, "port": 80}]}],
        "tls": {"secretName": settings.tls_secret_name},
    }), opts=ns_opts)

# Suspended upstream; kept declared so re-enabling it is one line.
ScheduledJob("webterminal-probe", ScheduledJobArgs(
    namespace=NS,
    schedule="*/5 * * * *",
    suspend=True,
    concurrency_policy="Forbid",
    successful_jobs_history_limit=1,
    failed_jobs_history_limit=3,
    backoff_limit=1,
    active_deadline_seconds=300,
    ttl_seconds_after_finished=600,
    restart_policy="OnFailure",
    pod_metadata={"labels": {"app": "webterminal-probe"}},
    containers=[{
        "name": "probe",
        "image": "docker.io/library/alpine:3.20",
        "image_pull_policy": "IfNotPresent",
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "96Mi"}},
        "env": [{"name": "TARGET_HOST", "value": HOST},
                {"name": "PUSHGATEWAY",
                 "value": "http://prometheus-prometheus-pushgateway.monitoring:9091/metrics/job/webterminal-probe"}],
        "command": ["/bin/sh", "-c", load_payload(HERE, "webterminal-probe.sh")],
    }],
), opts=ns_opts)

pulumi.export("host", HOST)
