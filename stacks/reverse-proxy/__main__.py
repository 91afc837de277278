"""Reverse proxy for LAN appliances: <name>.<domain> through Traefik to a device outside the cluster.

Each host is a ProxiedHost (stacks/reverse-proxy/reverse_proxy_hosts.py): an ExternalName
Service (or Service + EndpointSlice for an IP), the Ingress with its stated posture, and
its Cloudflare records. The Home Assistant hosts get their own rate limit, retry and a
fail-fast ServersTransport.
"""

import pulumi

from components.namespace import Namespace, NamespaceArgs
from components.secret_inputs import vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.traefik_middleware import TraefikMiddleware, TraefikMiddlewareArgs, middleware_reference, rate_limit_spec
from components.traefik_route import ServersTransport, ServersTransportArgs, servers_transport_reference
from reverse_proxy_hosts import NAMESPACE as NS
from reverse_proxy_hosts import ProxiedHost, declare_host

settings = ClusterSettings.load()

namespace = Namespace(NS, NamespaceArgs(
    tier=None, no_tier_reason="upstream never gave it one; it holds only Services, Ingresses and middlewares "
                              "for LAN appliances, nothing for the tier LimitRange/quota to size",
    labels={"keel.sh/enrolled": "true"},
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Homepage's pfSense widget logs in with this token (Vault secret/platform, homepage_credentials JSON).
pfsense_token = vault_json_field("platform", "homepage_credentials",
                                 placeholder={"reverse_proxy": {"pfsense_token": "placeholder"}}
                                 ).apply(lambda creds: creds["reverse_proxy"]["pfsense_token"])

# Home Assistant: generous own limits (a cold frontend load bursts dozens of chunks), retries,
# and a 500ms dial timeout so a stalled connection fails over to the retry quickly.
ha_sofia_rate_limit = TraefikMiddleware("ha-sofia-rate-limit", TraefikMiddlewareArgs(
    namespace=NS, spec=rate_limit_spec(200, 500)), opts=ns_opts)
ha_sofia_retry = TraefikMiddleware("ha-sofia-retry", TraefikMiddlewareArgs(
    namespace=NS, spec={"retry": {"attempts": 3, "initialInterval": "100ms"}}), opts=ns_opts)
ha_sofia_transport = ServersTransport("ha-sofia-transport", ServersTransportArgs(
    namespace=NS, forwarding_timeouts={"dialTimeout": "500ms", "responseHeaderTimeout": "30s",
                                       "idleConnTimeout": "90s"}), opts=ns_opts)
ha_london_rate_limit = TraefikMiddleware("ha-london-rate-limit", TraefikMiddlewareArgs(
    namespace=NS, spec=rate_limit_spec(200, 500)), opts=ns_opts)
# A router naming a missing middleware or transport 404s: create those first.
ha_sofia_opts = pulumi.ResourceOptions(depends_on=[namespace, ha_sofia_retry, ha_sofia_transport])
ha_london_opts = pulumi.ResourceOptions(depends_on=[namespace, ha_london_rate_limit])
HA_SOFIA_MIDDLEWARES = [middleware_reference(NS, "ha-sofia-rate-limit"), middleware_reference(NS, "ha-sofia-retry")]
HA_SOFIA_TRANSPORT = {"traefik.ingress.kubernetes.io/service.serverstransport":
                      servers_transport_reference(NS, "ha-sofia-transport")}


def homepage(name: str, description: str, icon: str, group: str = "Infrastructure") -> dict:
    return {"gethomepage.dev/enabled": "true", "gethomepage.dev/name": name,
            "gethomepage.dev/description": description, "gethomepage.dev/icon": icon,
            "gethomepage.dev/group": group, "gethomepage.dev/pod-selector": ""}


HIDDEN = {"gethomepage.dev/enabled": "false"}

HOSTS: list[tuple[ProxiedHost, pulumi.ResourceOptions]] = [
    (ProxiedHost(name="pfsense", external_name="pfsense.viktorbarzin.lan", port=8443, backend_protocol="HTTPS",
                 dns_type="proxied", auth="required", extra_annotations={
                     "gethomepage.dev/enabled": "true",
                     "gethomepage.dev/description": "Cluster Firewall",
                     "gethomepage.dev/group": "Identity & Security",
                     "gethomepage.dev/icon": "pfsense.png",
                     "gethomepage.dev/name": "pFsense",
                     "gethomepage.dev/widget.type": "pfsense",
                     "gethomepage.dev/widget.version": "2",
                     "gethomepage.dev/widget.url": "https://10.0.20.1",
                     "gethomepage.dev/widget.username": "admin",
                     "gethomepage.dev/widget.password": pfsense_token,
                     "gethomepage.dev/widget.fields": '["load", "memory", "temp", "disk"]',
                     "gethomepage.dev/widget.wan": "vtnet0",
                 }), ns_opts),
    (ProxiedHost(name="nas", external_name="nas.viktorbarzin.lan", port=5001, backend_protocol="HTTPS",
                 dns_type="proxied", auth="required",
                 extra_annotations=homepage("Synology NAS", "Network storage", "synology.png")), ns_opts),
    (ProxiedHost(name="files", external_name="nas.viktorbarzin.lan", port=5001, backend_protocol="HTTPS",
                 dns_type="non-proxied", auth="app",
                 auth_reason="Synology file-sharing links: DSM serves only the shared files a link names and its own "
                             "login for anything else; open so anyone with a link can download",
                 ingress_path=["/sharing", "/scripts", "/webman", "/wfmlogindialog.js", "/fsdownload"],
                 extra_annotations=HIDDEN), ns_opts),
    (ProxiedHost(name="idrac", external_name="idrac.viktorbarzin.lan", port=443, backend_protocol="HTTPS",
                 dns_type="proxied", auth="required", strip_auth_headers=True,
                 extra_annotations=homepage("iDRAC", "Server management", "dell.png")), ns_opts),
    (ProxiedHost(name="gw", backend_ip="192.168.1.1", port=443, backend_protocol="HTTPS", dns_type="proxied",
                 auth="required", strip_auth_headers=True, extra_annotations=HIDDEN), ns_opts),
    (ProxiedHost(name="proxmox", external_name="proxmox.viktorbarzin.lan", port=8006, backend_protocol="HTTPS",
                 dns_type="proxied", auth="required",
                 extra_annotations=homepage("Proxmox", "Hypervisor", "proxmox.png")), ns_opts),
    # The registry UI's chain is set outright: CSP and forward-auth only.
    (ProxiedHost(name="docker", external_name="docker-registry.viktorbarzin.lan", port=8080, dns_type="proxied",
                 auth="required", extra_annotations={
                     "traefik.ingress.kubernetes.io/router.middlewares":
                         "traefik-csp-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd",
                     **homepage("Docker Registry", "Container registry", "docker.png"),
                 }), ns_opts),
    (ProxiedHost(name="valchedrym", external_name="valchedrym.viktorbarzin.lan", port=80, dns_type="proxied",
                 auth="required", extra_annotations=HIDDEN), ns_opts),
    # Internal record and home-LANs-only: resolvable everywhere, routable only from home networks.
    (ProxiedHost(name="mladost3", external_name="mladost3.ddns.net", port=8080, dns_type="internal",
                 auth="required", extra_middlewares=["traefik-home-lans-only@kubernetescrd"],
                 external_monitor=False, extra_annotations=HIDDEN), ns_opts),
    (ProxiedHost(name="ha-sofia", external_name="ha-sofia.viktorbarzin.lan", port=8123, dns_type="non-proxied",
                 auth="app", auth_reason="Home Assistant's own login (and its companion apps' tokens), which "
                                         "Authentik's browser redirect would break",
                 skip_global_rate_limit=True, extra_middlewares=HA_SOFIA_MIDDLEWARES,
                 extra_annotations={**homepage("Home Assistant Sofia", "Smart home hub", "home-assistant.png",
                                               "Smart Home"), **HA_SOFIA_TRANSPORT}), ha_sofia_opts),
    (ProxiedHost(name="music-assistant", external_name="ha-sofia.viktorbarzin.lan", port=8095,
                 dns_type="non-proxied", auth="app",
                 auth_reason="Music Assistant's own login (Home Assistant users); its apps cannot follow "
                             "Authentik's browser redirect",
                 skip_global_rate_limit=True, extra_middlewares=HA_SOFIA_MIDDLEWARES,
                 extra_annotations=HA_SOFIA_TRANSPORT), ha_sofia_opts),
    (ProxiedHost(name="ha-london", external_name="ha-london.viktorbarzin.lan", port=8123, dns_type="non-proxied",
                 auth="app", auth_reason="Home Assistant's own login (and its companion apps' tokens), which "
                                         "Authentik's browser redirect would break",
                 external_monitor=False, skip_global_rate_limit=True,
                 extra_middlewares=[middleware_reference(NS, "ha-london-rate-limit")],
                 extra_annotations=homepage("Home Assistant London", "Smart home hub", "home-assistant.png",
                                            "Smart Home")), ha_london_opts),
    (ProxiedHost(name="london", external_name="openwrt-london.viktorbarzin.lan", port=443, backend_protocol="HTTPS",
                 dns_type="proxied", auth="required", extra_annotations={
                     "gethomepage.dev/enabled": "false",
                     "gethomepage.dev/description": "OpenWRT London",
                     "gethomepage.dev/icon": "openwrt.png",
                     "gethomepage.dev/name": "OpenWRT London",
                     "gethomepage.dev/widget.type": "openwrt",
                     "gethomepage.dev/widget.url": "https://100.64.0.14",
                     "gethomepage.dev/widget.username": "homepage",
                     "gethomepage.dev/widget.password": "",
                     "gethomepage.dev/pod-selector": "",
                 }), ns_opts),
    (ProxiedHost(name="pi", external_name="ha-london.viktorbarzin.lan", port=5000, dns_type="proxied",
                 auth="required", extra_annotations=HIDDEN), ns_opts),
    (ProxiedHost(name="mbp14", external_name="mbp14.viktorbarzin.lan", port=4020, dns_type="proxied",
                 auth="required", extra_annotations=HIDDEN), ns_opts),
]

for host, opts in HOSTS:
    declare_host(host, root_domain=settings.root_domain, tls_secret_name=settings.tls_secret_name, dns=settings.dns,
                 opts=opts)

pulumi.export("hosts", [f"{host.name}.{settings.root_domain}" for host, _ in HOSTS])
