"""T3 Code edge: t3.<domain> routed to the t3 instances each user runs on the DevVM.

The DevVM side (t3-dispatch on :3780 picking the user's `t3 serve` by the Authentik
identity, and wizard's own `t3 serve` on :3773) is deployed outside this repository.
This stack owns the cluster edge only: two selector-less Services pointing at the DevVM,
the browser Ingress (Authentik, T3 Users), the native-client carve-out IngressRoute, and
an in-cluster probe of the shared path.
"""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_service import ExternalService, ExternalServiceArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.settings import ClusterSettings
from components.traefik_route import TraefikRoute, TraefikRouteArgs
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "t3code"
HOST = f"t3.{settings.root_domain}"
DEVVM_IP = "10.0.10.10"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled",
                                                                  "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
# The wildcard TLS secret is cloned into the namespace by Kyverno (sync-tls-secret), as upstream.

# t3-dispatch (browser traffic, per-user routing) and wizard's t3 serve (native clients).
for name, port in (("t3", 3780), ("t3-native", 3773)):
    ExternalService(name, ExternalServiceArgs(
        namespace=NS, address=DEVVM_IP, labels={"app": "t3"},
        ports=[{"name": "http", "port": 80, "target_port": port}],
    ), opts=ns_opts)

IngressFactory("t3", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="t3",
    dns_type="proxied",
    # Forward-auth injects X-authentik-username, which t3-dispatch routes on.
    auth="required",
    allowed_groups=["T3 Users"],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "T3 Code",
        "gethomepage.dev/description": "Coding-agent GUI (per-user, t3 serve on DevVM)",
        "gethomepage.dev/icon": "mdi-robot",
        "gethomepage.dev/group": "Infrastructure",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

IngressFactory("t3-probe", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="t3",
    full_host=HOST,
    ingress_path=["/probe"],
    auth="none",
    auth_reason="t3-dispatch's WebSocket echo and healthz for the in-cluster path probe: no user data and no "
                "t3 instance behind /probe, and Authentik would break the synthetic client",
    anti_ai_scraping=False,  # the probe is a bot by design
    dns_type="none",  # the t3 ingress owns the host's record
    homepage_enabled=False,
), opts=ns_opts)

# Native (bearer-token) clients cannot follow Authentik's browser redirect. Three
# higher-priority rules send them straight to wizard's t3 serve, never to t3-dispatch
# (without forward-auth a client could forge the identity header dispatch trusts).
# Browsers stay on the Ingress: they send no bearer, carry the Authentik cookie, never a
# T3Code/ user agent and never a wsTicket.
NATIVE_MIDDLEWARES = [{"name": mw, "namespace": "traefik"} for mw in ("retry", "error-pages", "rate-limit")]
NATIVE_MATCHES = [
    f"Host(`{HOST}`) && HeaderRegexp(`Authorization`, `(?i)^Bearer `)",
    f"Host(`{HOST}`) && (Path(`/.well-known/t3/environment`) || Path(`/oauth/token`)) && "
    "(!HeaderRegexp(`Cookie`, `authentik_proxy_`) || HeaderRegexp(`User-Agent`, `(?i)^T3Code/`))",
    f"Host(`{HOST}`) && Path(`/ws`) && QueryRegexp(`wsTicket`, `.+`)",
]
TraefikRoute("t3-native", TraefikRouteArgs(
    namespace=NS,
    auth="app",
    auth_reason="native T3 clients cannot do Authentik's browser SSO; t3's own bearer/pairing auth gates these "
                "routes, which reach only wizard's instance, with the shared rate limit against guessing",
    spec={
        "entryPoints": ["websecure"],
        "routes": [{"kind": "Rule", "match": match, "priority": 1000, "middlewares": NATIVE_MIDDLEWARES,
                    "services": [{"name": "t3-native", "port": 80}]} for match in NATIVE_MATCHES],
        "tls": {"secretName": settings.tls_secret_name},
    },
), opts=ns_opts)

# --- t3-probe: the shared path measured from inside the cluster, scraped by Prometheus ---
probe_script = PayloadConfigMap("t3-probe", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"probe.py": "probe.py"}, hash_annotation="checksum/probe"), opts=ns_opts)
# A pinned pip install at start, retried over transient DNS failures, instead of an image of its own.
PROBE_START = """for i in 1 2 3 4 5; do
  pip install --no-cache-dir --quiet aiohttp==3.9.5 prometheus-client==0.20.0 && break
  echo "pip attempt $i failed; retrying" >&2; sleep 10
done
exec python /app/probe.py
"""
WebApp("t3-probe", WebAppArgs(
    namespace=NS,
    keel=True,
    ignore_changes=['metadata.labels["tier"]'],
    pod_annotations=probe_script.pod_annotations,
    containers=[{
        "name": "probe",
        "image": "python:3.12-alpine",
        "command": ["sh", "-c", PROBE_START],
        "ports": [{"container_port": 9108, "name": "metrics"}],
        "volume_mounts": [{"name": "app", "mount_path": "/app", "read_only": True}],
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "192Mi"}},
    }],
    volumes=[probe_script.volume("app")],
    service_ports=[{"name": "metrics", "port": 9108, "target_port": 9108}],
), opts=ns_opts)

pulumi.export("host", HOST)
