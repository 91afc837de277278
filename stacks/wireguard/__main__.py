"""WireGuard VPN endpoint: wg0 on UDP 51820 of the shared MetalLB address.

The interface config, its private key and the firewall script live in Vault
(secret/platform); the static peers are `files/clients.conf`, appended to the interface
config. A sidecar adds and removes the VPN portal's peers (Vault secret/vpn-portal, synced
every minute) on the running interface, and an exporter serves per-peer metrics.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.metallb import MetalLbAddress
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "wireguard"
IMAGE = "sclevine/wg:latest"
# The server's public key, written into the key Secret's wg-ui-config alongside the private key.
PUBLIC_KEY = "3OeDa6Z3Z6vPVxn/WKJujYL7DoDYPPpI5W+2glUYLHU="
LB = MetalLbAddress(ip="10.0.20.200", shared=True)
RELOAD = {"reloader.stakater.com/match": "true"}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CORE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

clients = load_payload(HERE, "clients.conf")
k8s.core.v1.ConfigMap(
    "wg0-conf",
    metadata={"name": "wg0-conf", "namespace": NS, "labels": {"app": "wireguard"}, "annotations": RELOAD},
    data={
        "setup-firewall.sh": vault_field("platform", "wireguard_firewall_sh"),
        "wg0.conf": vault_field("platform", "wireguard_wg_0_conf").apply(lambda conf: conf + clients),
    },
    opts=ns_opts,
)
private_key = vault_field("platform", "wireguard_wg_0_key")
k8s.core.v1.Secret(
    "wg0-key",
    metadata={"name": "wg0-key", "namespace": NS, "annotations": RELOAD},
    type="generic",  # as created upstream; the type is immutable
    string_data={
        "wg0.key": private_key,
        "wg-ui-config": private_key.apply(
            lambda key: f'{{"PrivateKey": "{key}","PublicKey": "{PUBLIC_KEY}","Users": {{}}}}'),
    },
    opts=ns_opts,
)

# The VPN portal's peers, rendered one "<public key> <address>" per line for the sidecar.
ExternalSecret("vpn-portal-wg-peers", ExternalSecretArgs(
    namespace=NS, refresh_interval="1m", creation_policy="Owner",
    data=[SecretKey(secret_key="wg_peers", key="vpn-portal", property="wg_peers")],
    template={"engineVersion": "v2", "data": {
        "peers.txt": "{{ range ( .wg_peers | fromJson ) }}{{ .publicKey }} {{ .address }}\n{{ end }}"}},
), opts=ns_opts)

# Applies the portal's desired peers every 30s and removes the ones it added that are gone.
PEER_SYNC = """set -u
STATE=/run/wg-managed/managed.list
DESIRED=/etc/wg-peers/peers.txt
mkdir -p /run/wg-managed; : > "$STATE"
while true; do
  if wg show wg0 >/dev/null 2>&1 && [ -f "$DESIRED" ]; then
    while read -r pk ip; do
      [ -z "$pk" ] && continue
      wg set wg0 peer "$pk" allowed-ips "$ip" || true
    done < "$DESIRED"
    desired=$(awk '{print $1}' "$DESIRED" | sort -u)
    while read -r ppk; do
      [ -z "$ppk" ] && continue
      echo "$desired" | grep -qx "$ppk" || wg set wg0 peer "$ppk" remove || true
    done < "$STATE"
    awk '{print $1}' "$DESIRED" | sort -u > "$STATE"
  fi
  sleep 30
done
"""
WG0_CONF_MOUNT = {"name": "wg0-conf", "mount_path": "/etc/wireguard/wg0.conf", "sub_path": "wg0.conf"}
WebApp("wireguard", WebAppArgs(
    namespace=NS,
    tier=c.TIER_CORE,
    keel=True,
    keel_containers=(0, 1, 2),
    annotations={"reloader.stakater.com/search": "true"},
    rolling_update={"max_surge": "2", "max_unavailable": "0"},
    pod_annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "9586"},
    pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    init_containers=[{
        "name": "sysctl-setup",
        "image": "busybox",
        "command": ["/bin/sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"],
        "security_context": {"privileged": True},
    }],
    containers=[
        {
            "name": "wireguard",
            "image": IMAGE,
            # The interface is brought up by the postStart hook; the main process only idles.
            "command": ["tail", "-f", "/dev/null"],
            "lifecycle": {
                "post_start": {"exec": {"command": [
                    "sh", "-c", "update-alternatives --set iptables /usr/sbin/iptables-nft >/dev/null && "
                                "update-alternatives --set ip6tables /usr/sbin/ip6tables-nft >/dev/null && "
                                "exec wg-quick up wg0"]}},
                "pre_stop": {"exec": {"command": ["wg-quick", "down", "wg0"]}},
            },
            "ports": [{"container_port": 51820, "protocol": "UDP"}],
            "volume_mounts": [
                {"name": "wg0-key", "mount_path": "/etc/wireguard/wg0.key", "sub_path": "wg0.key"},
                WG0_CONF_MOUNT,
                {"name": "wg0-conf", "mount_path": "/etc/wireguard/setup-firewall.sh", "sub_path": "setup-firewall.sh"},
            ],
            "security_context": {"capabilities": {"add": ["NET_ADMIN", "SYS_MODULE"]}},
            "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
        },
        {
            "name": "wg-peer-sync",
            "image": IMAGE,
            "command": ["/bin/sh", "-c", PEER_SYNC],
            "volume_mounts": [{"name": "wg-peers", "mount_path": "/etc/wg-peers", "read_only": True},
                              {"name": "wg-managed", "mount_path": "/run/wg-managed"}],
            "security_context": {"capabilities": {"add": ["NET_ADMIN"]}},
            "resources": {"requests": {"cpu": "5m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}},
        },
        {
            "name": "prometheus-exporter",
            "image": "mindflavor/prometheus-wireguard-exporter",
            "command": ["prometheus_wireguard_exporter", "-a", "true", "-v", "true", "-n", "/etc/wireguard/wg0.conf"],
            "volume_mounts": [WG0_CONF_MOUNT],
            "security_context": {"capabilities": {"add": ["NET_ADMIN"]}},
            "ports": [{"container_port": 9586, "protocol": "TCP"}],
            "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "32Mi"}},
        },
    ],
    volumes=[
        {"name": "wg0-key", "secret": {"secret_name": "wg0-key"}},
        {"name": "wg0-conf", "config_map": {"name": "wg0-conf"}},
        {"name": "wg-peers", "secret": {"secret_name": "vpn-portal-wg-peers", "optional": True}},
        {"name": "wg-managed", "empty_dir": {}},
    ],
    service_type="LoadBalancer",
    service_labels={"app": "wireguard"},
    service_annotations={**LB.annotations, c.AUTH_ANNOTATION: "app",
                         c.AUTH_REASON_ANNOTATION: "WireGuard answers only peers whose key pair it knows; "
                                                   "the UDP port is the VPN itself"},
    service_spec={"external_traffic_policy": "Cluster"},
    service_ports=[{"port": 51820, "protocol": "UDP"}],
    service_ignore_changes=LB.ignore_changes,
), opts=ns_opts)

k8s.core.v1.Service(
    "wireguard-exporter",
    metadata={"name": "wireguard-exporter", "namespace": NS, "labels": {"app": "wireguard-exporter"}},
    spec={"selector": {"app": "wireguard"}, "ports": [{"port": 9102, "target_port": 9586}]},
    opts=ns_opts,
)

pulumi.export("load_balancer_ip", LB.ip)
