"""proxy: per-user remote browsers that egress through NordVPN, brokered on demand.

The broker (stock python image, code from ConfigMap proxy-broker-scripts) serves an
Authentik-gated country picker and creates the session objects itself at runtime: browser
and gateway pods, their Services, Secrets, peer ConfigMaps, profile claims and per-session
Ingresses (its namespaced Role, SEC-112). This program owns the fixed part: namespace and
quota, the secrets the broker reads, its RBAC and Deployment, the shared strip-session
Middleware, and the permanent United Kingdom gateway (index 1) that also serves the cluster
as an HTTP/SOCKS5 egress proxy.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.kube_patch import node_patch
from components.namespace import Namespace, NamespaceArgs, Quota
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.settings import ClusterSettings
from components.tf_encoding import jsonencode
from components.traefik_middleware import TraefikMiddleware, TraefikMiddlewareArgs
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "proxy"
HOST = "proxy.viktorbarzin.me"
LABELS = {"app": "proxy"}
BROKER = "proxy-broker"
IGNORE_TIER_LABEL = 'metadata.labels["tier"]'  # stamped by Kyverno from the namespace

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_AUX,
    # Owning the quota also sets the custom-quota label that stops Kyverno's tier quota.
    # Sized for the broker, up to ~6 gateways and ~9 browsers (~1 core, ~2.6Gi each);
    # count/pods stops a runaway broker.
    quota=Quota(name="proxy", hard={
        "requests.cpu": "10", "requests.memory": "28Gi", "limits.memory": "34Gi", "count/pods": "28"}),
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# NordVPN access token: the broker re-fetches the NordLynx key with it.
nordvpn = ExternalSecret("proxy-secrets", ExternalSecretArgs(
    namespace=NS, extract=["proxy"], refresh_interval="1h"), opts=ns_opts)
# coturn's shared secret: the broker mints short-lived TURN credentials for each browser.
turn = ExternalSecret("proxy-turn", ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    data=[SecretKey(secret_key="turn_secret", key="coturn", property="turn_secret")]), opts=ns_opts)

# Mounted by the broker into every browser pod: Chromium policy (no --no-sandbox warning
# bar) and the visit collector with its CDP-on-loopback flag file.
k8s.core.v1.ConfigMap(
    "proxy-chrome-policy",
    metadata={"name": "proxy-chrome-policy", "namespace": NS, "labels": LABELS},
    data={"policy.json": jsonencode({"CommandLineFlagSecurityWarningsEnabled": False})},
    opts=ns_opts)
PayloadConfigMap("proxy-visit-collector", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, labels=LABELS,
    files={"visit_collector.py": "collector/visit_collector.py", "50-remote-debug": "collector/50-remote-debug"},
), opts=ns_opts)

# The broker's namespaced CRUD on the objects it creates per session (kept as upstream has it).
rbac = WorkloadRbac(BROKER, WorkloadRbacArgs(namespace=NS, rules=[
    Rule(api_groups=[""], resources=["pods", "services", "secrets", "configmaps", "persistentvolumeclaims"],
         verbs=["get", "list", "watch", "create", "delete", "patch", "update"]),
    Rule(api_groups=[""], resources=["pods/log"], verbs=["get"]),
    Rule(api_groups=["networking.k8s.io"], resources=["ingresses"],
         verbs=["get", "list", "watch", "create", "delete", "patch"]),
]), opts=ns_opts)

# One regex Middleware for every session Ingress the broker creates: drops /s/<token>.
TraefikMiddleware("strip-session", TraefikMiddlewareArgs(
    namespace=NS, spec={"stripPrefixRegex": {"regex": ["^/s/[^/]+"]}}), opts=ns_opts)

scripts = PayloadConfigMap("proxy-broker-scripts", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, labels=LABELS,
    files={"broker.py": "broker/broker.py", "pool.py": "broker/pool.py",
           "wgkeys.py": "broker/wgkeys.py", "index.html": "broker/index.html"},
    # A code change rolls the broker in the same update (and before the gateway below),
    # instead of waiting on Reloader.
    hash_annotation="checksum/broker-scripts",
), opts=ns_opts)


def http_probe(initial_delay: int, period: int) -> dict:
    return {"http_get": {"path": "/healthz", "port": 8080},
            "initial_delay_seconds": initial_delay, "period_seconds": period}


broker = WebApp(BROKER, WebAppArgs(
    namespace=NS,
    keel=True,
    annotations={"reloader.stakater.com/auto": "true"},
    strategy="RollingUpdate",
    rolling_update={"max_surge": 1, "max_unavailable": 0},
    pod_annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "8080",
                     "prometheus.io/path": "/metrics", **scripts.pod_annotations},
    pod_spec={
        "service_account_name": rbac.service_account_name,
        "security_context": {"run_as_user": 1000, "run_as_group": 1000, "fs_group": 1000,
                             "seccomp_profile": {"type": "RuntimeDefault"}},
    },
    containers=[{
        "name": "broker",
        "image": "python:3.12-slim",
        "image_pull_policy": "IfNotPresent",
        "command": ["python3", "-u", "/broker/broker.py"],
        "env": [
            *env({"NAMESPACE": NS, "HOST": HOST, "TLS_SECRET": settings.tls_secret_name,
                  # An unused country gateway is reaped after this long (browsers persist).
                  "GW_IDLE_SECONDS": "600",
                  # neko GPU browser, digest-pinned; bump deliberately.
                  "NEKO_IMAGE": "ghcr.io/m1k1o/neko/nvidia-chromium:3.1.4"
                                "@sha256:0a00e6d56b3c09615c59eba944c4b513497058bbe1c231419f2ffb6743d11ed7"}),
            *secret_env("proxy-turn", {"TURN_SECRET": "turn_secret"}),
            *env({"PORT": "8080"}),
            *secret_env("proxy-secrets", {"NORDVPN_TOKEN": "nordvpn_token"}),
        ],
        "ports": [{"name": "http", "container_port": 8080, "protocol": "TCP"}],
        "liveness_probe": http_probe(15, 30),
        "readiness_probe": http_probe(5, 10),
        "volume_mounts": [{"name": "broker", "mount_path": "/broker", "read_only": True}],
        "resources": {"requests": {"cpu": "20m", "memory": "64Mi"}, "limits": {"memory": "192Mi"}},
    }],
    volumes=[scripts.volume("broker", default_mode=0o555)],
    ignore_changes=[IGNORE_TIER_LABEL],
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080, "protocol": "TCP"}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, nordvpn, turn]))

# The UI/API needs a login: the broker keys each user's browser on X-authentik-username.
# The session Ingresses it creates under /s/<token> are its own (token-gated, no forward-auth).
IngressFactory("proxy", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    host="proxy",
    service_name=BROKER,
    port=8080,
    dns_type="proxied",
    auth="required",
    allowed_groups=["Proxy Users", "Home Server Admins"],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Proxy",
        "gethomepage.dev/description": "Remote browser via NordVPN, any country",
        "gethomepage.dev/icon": "chromium.png",
        "gethomepage.dev/group": "Infrastructure",
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace, broker]))

# Gateways need the net.ipv4.ip_forward unsafe sysctl, which only node2-5's kubelets allow.
GATEWAY_NODE_LABEL = "proxy.viktorbarzin.me/gateway"
gateway_nodes = [
    node_patch(f"proxy-gateway-{node}", node=node, labels={GATEWAY_NODE_LABEL: "true"})
    for node in ("k8s-node2", "k8s-node3", "k8s-node4", "k8s-node5")
]

# --- The permanent United Kingdom gateway (index 1) ----------------------------------
# Names, labels and the sidecar script must match what broker.py builds for index 1:
# the broker finds this gateway's Service and peers ConfigMap by name and never reaps it.
GW_IDX = 1
GW = f"proxy-gw-{GW_IDX}"
GW_COUNTRY = "United Kingdom"
GW_SUBNET = f"10.13.{GW_IDX}.0/24"
GW_IP = f"10.13.{GW_IDX}.1"
GW_SELECTOR = {"app": "proxy-gateway", "proxy/gw-idx": str(GW_IDX)}
GW_POD_LABELS = {"proxy/country": "united-kingdom", "proxy/permanent": "true"}

# wgserver sidecar: wait for gluetun's tun0, bring up wg0 as the browsers' server, NAT
# their subnet out of the tunnel (the `ip rule` keeps replies on wg0), then keep wg0's
# peers in step with the broker-written peers file.
WG_SCRIPT = "\n".join([
    "set -x",
    "for i in $(seq 1 120); do ip link show tun0 >/dev/null 2>&1 && break; sleep 2; done",
    "ip link show tun0 || { echo TUN0_NEVER_UP; sleep 3600; }",
    "ip link add wg0 type wireguard 2>/dev/null || true",
    "wg set wg0 private-key /gw-wg/privkey listen-port 51820",
    f"ip addr add {GW_IP}/24 dev wg0 2>/dev/null || true",
    "ip link set wg0 up",
    f"iptables -t nat -C POSTROUTING -s {GW_SUBNET} -o tun0 -j MASQUERADE 2>/dev/null"
    f" || iptables -t nat -I POSTROUTING 1 -s {GW_SUBNET} -o tun0 -j MASQUERADE",
    "iptables -C FORWARD -i wg0 -o tun0 -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 -i wg0 -o tun0 -j ACCEPT",
    "iptables -C FORWARD -i tun0 -o wg0 -m state --state RELATED,ESTABLISHED -j ACCEPT 2>/dev/null"
    " || iptables -I FORWARD 1 -i tun0 -o wg0 -m state --state RELATED,ESTABLISHED -j ACCEPT",
    f"ip rule show | grep -q 'to {GW_SUBNET} lookup main' || ip rule add to {GW_SUBNET} lookup main pref 90",
    "echo GATEWAY_READY",
    "while true; do",
    "  if [ -f /peers/peers ]; then",
    '    while read pub aip; do [ -n "$pub" ] && wg set wg0 peer "$pub" allowed-ips "$aip"; done < /peers/peers',
    "    want=$(awk '{print $1}' /peers/peers | sort -u)",
    '    for p in $(wg show wg0 peers); do echo "$want" | grep -qx "$p" || wg set wg0 peer "$p" remove; done',
    "  fi",
    "  sleep 10",
    "done",
]) + "\n"

# Created here so the pod's volume has something to bind; the broker owns its contents.
peers = k8s.core.v1.ConfigMap(
    f"{GW}-peers",
    metadata={"name": f"{GW}-peers", "namespace": NS, "labels": GW_SELECTOR},
    data={"peers": "\n"},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=["data"]))

WebApp(GW, WebAppArgs(
    namespace=NS,
    selector=GW_SELECTOR,
    labels=LABELS | GW_SELECTOR,
    pod_labels=GW_POD_LABELS,
    pod_annotations={"proxy/country-name": GW_COUNTRY},
    annotations={
        # Every image change replaces the pod and drops the tunnel (NordVPN then cools
        # down ~10 min), so Keel stays off; images are pinned below.
        "keel.sh/policy": "never",
        # The broker rotates the NordLynx key into nordvpn-wg; restart to pick it up.
        "secret.reloader.stakater.com/reload": "nordvpn-wg",
        # Terraform's wait_for_rollout = false: a VPN cooldown must not block the update.
        "pulumi.com/skipAwait": "true",
    },
    # Two pods would hold two tunnels on the one account-wide key.
    strategy="Recreate",
    pod_spec={
        "node_selector": {GATEWAY_NODE_LABEL: "true"},
        "security_context": {"sysctls": [{"name": "net.ipv4.ip_forward", "value": "1"}]},
        # DNS answered by gluetun inside the tunnel, not CoreDNS.
        "dns_policy": "None",
        "dns_config": {"nameservers": ["127.0.0.1"]},
    },
    containers=[
        {
            "name": "gluetun",
            # Digest of a :latest build that has both the HTTP proxy and SOCKS5 listeners.
            "image": "ghcr.io/qdm12/gluetun@sha256:e3272b29a4bc177b389fbdcb54cf9716ccbfc30f04d8b7a35b0a5be9cdb58461",
            "security_context": {"capabilities": {"add": ["NET_ADMIN", "SYS_MODULE"]}},
            "env": [
                *env({
                    "VPN_SERVICE_PROVIDER": "nordvpn",
                    "VPN_TYPE": "wireguard",
                    "SERVER_COUNTRIES": GW_COUNTRY,
                    "DOT": "on",
                    # gluetun's firewall drops inbound ports not listed here.
                    "FIREWALL_INPUT_PORTS": "51820,8888,1080",
                    # Pod + Service CIDRs and the browsers' /24 leave outside the tunnel.
                    "FIREWALL_OUTBOUND_SUBNETS": f"10.10.0.0/16,10.96.0.0/12,{GW_SUBNET}",
                    "HTTPPROXY": "on",
                    "SOCKS5_ENABLED": "on",
                }),
                *secret_env("nordvpn-wg", {"WIREGUARD_PRIVATE_KEY": "wg_key"}),  # broker-maintained
            ],
            "ports": [{"name": "http-proxy", "container_port": 8888, "protocol": "TCP"},
                      {"name": "socks5", "container_port": 1080, "protocol": "TCP"}],
            # Tunnel health; no liveness on purpose (gluetun reconnects by itself).
            "readiness_probe": {"exec": {"command": ["/gluetun-entrypoint", "healthcheck"]},
                                "initial_delay_seconds": 20, "period_seconds": 30,
                                "timeout_seconds": 5, "failure_threshold": 3},
            "resources": {"requests": {"cpu": "20m", "memory": "80Mi"}, "limits": {"memory": "256Mi"}},
        },
        {
            "name": "wgserver",
            "image": "ghcr.io/linuxserver/wireguard:1.0.20260223",
            "security_context": {"capabilities": {"add": ["NET_ADMIN"]}},
            "command": ["bash", "-c", WG_SCRIPT],
            "ports": [{"name": "wg", "container_port": 51820, "protocol": "UDP"}],
            "volume_mounts": [{"name": "gw-wg", "mount_path": "/gw-wg", "read_only": True},
                              {"name": "peers", "mount_path": "/peers", "read_only": True}],
            "resources": {"requests": {"cpu": "10m", "memory": "48Mi"}, "limits": {"memory": "128Mi"}},
        },
    ],
    volumes=[
        # The gateway's WireGuard server key; the broker creates it if absent.
        {"name": "gw-wg", "secret": {"secret_name": f"{GW}-wg", "default_mode": 0o400}},
        {"name": "peers", "config_map": {"name": peers.metadata["name"], "optional": True}},
    ],
    ignore_changes=[IGNORE_TIER_LABEL],
    # The WireGuard endpoint browsers dial (by ClusterIP, so adopt the live Service).
    service_name=GW,
    service_ports=[{"name": "wg", "port": 51820, "target_port": 51820, "protocol": "UDP"}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, broker, *gateway_nodes]))

# The cluster's egress endpoint: HTTPS_PROXY/ALL_PROXY=http://...:8888, or socks5h://...:1080.
# Deliberately cluster-internal and unauthenticated (no Ingress).
k8s.core.v1.Service(
    "proxy-egress-uk",
    metadata={
        "name": "proxy-egress-uk", "namespace": NS, "labels": GW_SELECTOR,
        "annotations": {
            "gethomepage.dev/enabled": "true",
            "gethomepage.dev/name": "VPN egress (UK)",
            "gethomepage.dev/description": (
                "Route a workload's traffic out through NordVPN UK — set HTTPS_PROXY/ALL_PROXY to the endpoint "
                "(socks5h://…:1080 also served). For geo-restricted content and keeping requests off the home IP; "
                "it does NOT defeat anti-bot walls."),
            "gethomepage.dev/group": "Infrastructure",
            "homelab/endpoint": "proxy-egress-uk.proxy.svc.cluster.local:8888",
        },
    },
    spec={"selector": GW_SELECTOR, "ports": [
        {"name": "http-proxy", "port": 8888, "target_port": 8888, "protocol": "TCP"},
        {"name": "socks5", "port": 1080, "target_port": 1080, "protocol": "TCP"},
    ]},
    opts=ns_opts)

pulumi.export("namespace", NS)
