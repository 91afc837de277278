"""cloudflared: the Cloudflare tunnel that fronts every proxied host, and the zone around it.

In the cluster: the connector Deployment (three replicas spread over nodes), its Service
and disruption budget. At Cloudflare: the tunnel's ingress rules (everything to Traefik),
the `*` CNAME that IngressFactory's proxied hosts ride, the mail and mx2 records, bot
management, HTTP/3 and the outage-failover Worker with its routes. README.md lists the
differences from the Terraform stack and the provider v4 -> v6 mapping.
"""

from pathlib import Path

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_kubernetes as k8s

from components.constants import TIER_CORE
from components.errors import ArgumentError
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.platform_users import owner_domains, read_k8s_users
from components.secret_inputs import preview_config, vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import Pdb, WebApp, WebAppArgs
from components.workload import secret_env
from records import Record, non_proxied_records, proxied_records, wildcard, zone_records
from worker import COMPATIBILITY_DATE, COVERED_HOSTS, MAIN_MODULE, SCRIPT_NAME, worker_source

STACK_DIR = Path(__file__).resolve().parent
NS = "cloudflared"
APP = {"app": "cloudflared"}
TRAEFIK_ORIGIN = "https://traefik.traefik.svc.cluster.local:443"

settings = ClusterSettings.load()
config = pulumi.Config()
zone_id = settings.dns.zone_id
root = settings.root_domain


def name_list(key: str, *, required: bool) -> list[str]:
    """A list of host names from stack config (upstream: config.tfvars)."""
    value = config.get_object(key)
    if value is None:
        if required and not pulumi.runtime.is_dry_run():
            raise ArgumentError("cloudflared", f"config cloudflared:{key}",
                                "is unset; copy the list from the Terraform config.tfvars (README.md)")
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ArgumentError("cloudflared", f"config cloudflared:{key}", f"must be a list of host names, got {value!r}")
    return value


account_id = preview_config(config, "accountId")

# --- connector in the cluster -------------------------------------------------------------
namespace = Namespace(NS, NamespaceArgs(tier=TIER_CORE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# The tunnel token lives in a Secret the pods reference, not in the pod spec: whoever may
# read Deployments (or a ReplicaSet's history) would otherwise hold the tunnel (SEC-015).
TOKEN_SECRET = "cloudflared-tunnel-token"
token_secret = k8s.core.v1.Secret(
    "cloudflared-tunnel-token",
    metadata={"name": TOKEN_SECRET, "namespace": NS, "annotations": {"reloader.stakater.com/match": "true"}},
    type="Opaque",
    string_data={"token": vault_field("platform", "cloudflare_tunnel_token")},
    opts=ns_opts,
)

WebApp("cloudflared", WebAppArgs(
    namespace=NS,
    tier=TIER_CORE,
    # Keel rolls the tag forward (namespace enrolled); the live pin is ignored.
    keel=True,
    replicas=3,
    strategy="RollingUpdate",
    annotations={"reloader.stakater.com/search": "true"},
    pod_spec={
        "topology_spread_constraints": [{
            "max_skew": 1,
            "topology_key": "kubernetes.io/hostname",
            "when_unsatisfiable": "ScheduleAnyway",
            "label_selector": {"match_labels": APP},
        }],
        "dns_config": {"options": [{"name": "ndots", "value": "2"}]},
    },
    containers=[{
        "name": "cloudflared",
        "image": "cloudflare/cloudflared",
        # No self-update: an in-place update exits the process and cuts every
        # WebSocket on the tunnel. New versions arrive as pod rollouts.
        "command": ["cloudflared", "tunnel", "--no-autoupdate", "run"],
        "env": secret_env(TOKEN_SECRET, {"TUNNEL_TOKEN": "token"}),
        "ports": [{"container_port": 14333}],
        "resources": {"requests": {"cpu": "15m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    service_ports=[{"name": "http", "port": 80, "target_port": 14333, "protocol": "TCP"}],
    pdb=Pdb(max_unavailable=1),
), opts=pulumi.ResourceOptions(depends_on=[namespace, token_secret]))

# --- the tunnel's routing -------------------------------------------------------------------
# Every host goes to Traefik's Service by DNS name (never its LB address, which has moved
# before and took the whole site down); Traefik routes by Host header.
to_traefik = {"service": TRAEFIK_ORIGIN, "origin_request": {"no_tls_verify": True}}
cloudflare.ZeroTrustTunnelCloudflaredConfig(
    "tunnel-config",
    account_id=account_id,
    tunnel_id=settings.dns.tunnel_id,
    config={"ingresses": [
        {"hostname": f"*.{root}", **to_traefik},
        {"hostname": root, **to_traefik},
        {"service": "http_status:404"},
    ]},
)

# --- zone records -----------------------------------------------------------------------------
# k8s_users decides which records exist, so it is read synchronously (offline: no users).
owner_hosts = owner_domains(read_k8s_users())
records: list[Record] = [
    wildcard(root, settings.dns.tunnel_id),
    *proxied_records([*name_list("proxiedNames", required=False), *owner_hosts], root, settings.dns.tunnel_id),
    *non_proxied_records(name_list("nonProxiedNames", required=True), root, settings.dns.public_ip),
    *zone_records(root),
]
for record in records:
    extra = {"priority": record.priority} if record.priority is not None else {}
    if record.proxied is not None:
        extra["proxied"] = record.proxied
    cloudflare.DnsRecord(record.logical, zone_id=zone_id, name=record.name, type=record.type,
                         content=record.content, ttl=record.ttl, **extra)

# --- zone settings ----------------------------------------------------------------------------
# AI crawlers are let through to Traefik so the in-cluster x402 gateway can answer them with
# HTTP 402; Bot Fight Mode and the JS detections stay on. Crawler protection and the managed
# robots.txt are left as they are live (not managed here).
cloudflare.BotManagement("bot-management", zone_id=zone_id, enable_js=True, fight_mode=True,
                         ai_bots_protection="disabled")
cloudflare.ZoneSetting("http3", zone_id=zone_id, setting_id="http3", value="on")

# --- outage-failover Worker -------------------------------------------------------------------
script = cloudflare.WorkersScript(
    "outage-failover",
    account_id=account_id,
    script_name=SCRIPT_NAME,
    content=worker_source(load_payload(STACK_DIR, "worker.js"), load_payload(STACK_DIR, "outage.html")),
    main_module=MAIN_MODULE,
    compatibility_date=COMPATIBILITY_DATE,
)
# Routes must stay fail-open on quota exhaustion (request_limit_fail_open): the provider does
# not manage that flag, see README.md.
for host in COVERED_HOSTS:
    cloudflare.WorkersRoute(f"outage-failover-{host}", zone_id=zone_id, pattern=f"{host}.{root}/*",
                            script=script.script_name)
# No `*.` pattern matches the apex, so it gets its own route.
cloudflare.WorkersRoute("outage-failover-apex", zone_id=zone_id, pattern=f"{root}/*", script=script.script_name)

pulumi.export("tunnel_target", f"{settings.dns.tunnel_id}.cfargotunnel.com")
pulumi.export("worker_routes", len(COVERED_HOSTS) + 1)
