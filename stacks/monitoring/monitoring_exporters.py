"""The stand-alone exporters Prometheus scrapes: goflow2 (NetFlow), the iDRAC Redfish exporter,
the Proxmox VE exporter, the SNMP exporter and the blackbox exporter behind the Authentik
wall-off probe.

Every Deployment here is Keel-enrolled (the namespace is), so Keel owns the image tag and its
annotations; each carries a `service-identity` label on the Deployment and the pod template
(the namespace fronts many Services, so flow logs need the pod to say which one it is).
"""

from __future__ import annotations

import re
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace
from components.payload import PLACEHOLDER_MARKER, load_payload
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tf_encoding import yamlencode
from components.web_app import WebApp, WebAppArgs

STACK_DIR = Path(__file__).parent
NDOTS = {"dns_config": {"options": [{"name": "ndots", "value": "2"}]}}
# Reloader rolls a Deployment marked `search` when a ConfigMap/Secret marked `match` that it
# mounts changes.
RELOADER_MATCH = {"reloader.stakater.com/match": "true"}
RELOADER_SEARCH = {"reloader.stakater.com/search": "true"}

# The Dell R730's iDRAC; the module default upstream, never overridden by the root stack.
IDRAC_HOST = "192.168.1.4"
# The Proxmox VE host the PVE exporter queries (the exporter runs in-cluster, the API is remote).
PVE_TARGET = "192.168.1.127"
# Tokens the brought-over Redfish config carries where upstream interpolated its variables
# (tools/import_plan/bring_over.toml `keep`).
IDRAC_TOKENS = ("@IDRAC_HOST@", "@IDRAC_USERNAME@", "@IDRAC_PASSWORD@")


def _resources(cpu: str, memory: str, limit: str | None = None) -> dict:
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": limit or memory}}


def _identity(name: str) -> dict[str, str]:
    return {"service-identity": name}


def _lan_ingress(name: str, namespace: str, settings: ClusterSettings, *, port: int, description: str,
                 icon: str, opts: pulumi.ResourceOptions) -> IngressFactory:
    """A `.lan` metrics endpoint polled by Home Assistant and Prometheus, LAN-only."""
    return IngressFactory(name, IngressArgs(
        namespace=namespace, tls_secret_name=settings.tls_secret_name, root_domain="viktorbarzin.lan",
        dns=settings.dns, auth="none",
        auth_reason="LAN-only (local-only allowlist); Home Assistant REST sensors and Prometheus poll the "
                    "metrics without cookies and cannot follow a forward-auth redirect",
        allow_local_access_only=True, port=port,
        extra_annotations={"gethomepage.dev/description": description, "gethomepage.dev/icon": icon},
    ), opts=opts)


def redfish_config(template: str, host: str, username: str, password: str) -> str:
    """The brought-over Redfish exporter config with the iDRAC address and login filled in."""
    for token, value in zip(IDRAC_TOKENS, (host, username, password)):
        template = template.replace(token, value)
    return template


def pve_config(password: str) -> str:
    """pve.yml: the exporter's default module, logging in as root@pam without TLS verification."""
    return ("default:\n"
            '    user: "root@pam"\n'
            f"    password: {password}\n"
            "    verify_ssl: false\n"
            "    timeout: 30\n")


def blackbox_modules(traefik_lb_ip: str) -> dict:
    """The blackbox exporter's modules (rendered with Terraform's yamlencode, keys sorted).

    `http_no_authentik_redirect` accepts every plausible carve-out answer (404s included, and
    redirects, judged by their Location alone) and fails only on a redirect to Authentik; the
    ICMP/DNS/TCP/HTTPS modules drive the egress, apex-record, backup-MX and status-page jobs.
    """
    ip4 = {"preferred_ip_protocol": "ip4", "ip_protocol_fallback": False}
    authentik = r"(authentik\.viktorbarzin\.me|/outpost\.goauthentik\.io|/application/o/authorize)"
    return {"modules": {
        "http_no_authentik_redirect": {"prober": "http", "timeout": "10s", "http": {
            "method": "GET", "no_follow_redirects": True, **ip4, "fail_if_not_ssl": False,
            "valid_http_versions": ["HTTP/1.1", "HTTP/2.0"],
            "valid_status_codes": [200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405, 409, 410,
                                   426, 429],
            "fail_if_header_matches": [{"header": "Location", "regexp": authentik, "allow_missing": True}],
        }},
        "icmp_egress": {"prober": "icmp", "timeout": "5s", "icmp": dict(ip4)},
        "dns_external": {"prober": "dns", "timeout": "5s", "dns": {
            "transport_protocol": "udp", **ip4, "query_name": "cloudflare.com", "query_type": "A",
            "valid_rcodes": ["NOERROR"],
        }},
        # The apex A record must name Traefik's live LB address; NOERROR alone would pass on a
        # stale one, so the answer itself is matched.
        "dns_apex": {"prober": "dns", "timeout": "5s", "dns": {
            "transport_protocol": "udp", **ip4, "query_name": "viktorbarzin.me", "query_type": "A",
            "valid_rcodes": ["NOERROR"],
            "validate_answer_rrs": {"fail_if_not_matches_regexp": [rf".*\s+A\s+{re.escape(traefik_lb_ip)}$"]},
        }},
        "tcp_connect": {"prober": "tcp", "timeout": "10s", "tcp": dict(ip4)},
        "http_2xx": {"prober": "http", "timeout": "10s", "http": {
            "method": "GET", **ip4, "fail_if_not_ssl": True, "valid_http_versions": ["HTTP/1.1", "HTTP/2.0"],
        }},
    }}


def _config_value(config: pulumi.Config, key: str, what: str) -> str:
    """Plain (non-secret) stack config the operator must set; a marked placeholder in previews."""
    value = config.get(key)
    if value is not None:
        return value
    if pulumi.runtime.is_dry_run():
        return f"{PLACEHOLDER_MARKER}: config {config.name}:{key} ({what})"
    return config.require(key)


def _goflow2(ns: str, tier: str, opts: pulumi.ResourceOptions) -> None:
    name = "goflow2"
    WebApp(name, WebAppArgs(
        namespace=ns, tier=tier, labels=_identity(name), pod_labels=_identity(name), keel=True,
        containers=[{
            "name": name, "image": "netsampler/goflow2:v2.2.1", "args": ["-listen", "netflow://:2055"],
            "ports": [{"name": "netflow", "container_port": 2055, "protocol": "UDP"},
                      {"name": "metrics", "container_port": 8080, "protocol": "TCP"}],
            "resources": _resources("50m", "128Mi"),
        }],
        service_ports=[{"name": "metrics", "port": 8080, "target_port": 8080, "protocol": "TCP"}],
    ), opts=opts)
    # Routers export NetFlow to any node on this fixed port.
    k8s.core.v1.Service(
        "goflow2-netflow-service",
        metadata={"name": "goflow2-netflow", "namespace": ns, "labels": {"app": name}},
        spec={"type": "NodePort", "selector": {"app": name}, "ports": [
            {"name": "netflow", "port": 2055, "target_port": 2055, "protocol": "UDP", "node_port": 32055}]},
        opts=opts)


def _idrac(ns: str, tier: str, settings: ClusterSettings, opts: pulumi.ResourceOptions) -> None:
    name = "idrac-redfish-exporter"
    config_name = "redfish-exporter-config"
    config = pulumi.Config()
    username = _config_value(config, "idracUsername", "the iDRAC login, monitoring_idrac_username upstream")
    password = vault_field("platform", "monitoring_idrac_password")
    template = load_payload(STACK_DIR, "exporters/redfish-config.yml")
    k8s.core.v1.ConfigMap(
        "redfish-exporter-config",
        metadata={"name": config_name, "namespace": ns, "annotations": dict(RELOADER_MATCH)},
        data={"config.yml": password.apply(lambda p: redfish_config(template, IDRAC_HOST, username, p))},
        opts=opts)
    WebApp(name, WebAppArgs(
        namespace=ns, tier=tier, labels=_identity(name), pod_labels=_identity(name),
        annotations=dict(RELOADER_SEARCH), keel=True,
        pod_spec={"priority_class_name": "tier-1-cluster", **NDOTS},
        containers=[{
            # A patched 2.4.1 build that restores idrac_power_supply_input_voltage.
            "name": "redfish-exporter", "image": "viktorbarzin/idrac-redfish-exporter:2.4.1-voltage-fix",
            "ports": [{"container_port": 9610}],
            "volume_mounts": [{"name": config_name, "mount_path": "/etc/prometheus/idrac.yml",
                               "sub_path": "config.yml"}],
        }],
        volumes=[{"name": config_name, "config_map": {"name": config_name}}],
        service_ports=[{"name": "http", "port": 9090, "target_port": 9610}],
    ), opts=opts)
    _lan_ingress("idrac-redfish-exporter", ns, settings, port=9090,
                 description="iDRAC Redfish metrics exporter", icon="dell.png", opts=opts)


def _pve(ns: str, tier: str, opts: pulumi.ResourceOptions) -> None:
    name = "proxmox-exporter"
    secret_name = "pve-exporter-config"
    k8s.core.v1.Secret(
        "pve-exporter-config", metadata={"name": secret_name, "namespace": ns},
        string_data={"pve.yml": vault_field("platform", "pve_password").apply(pve_config)}, opts=opts)
    WebApp(name, WebAppArgs(
        namespace=ns, tier=tier, labels=_identity(name), labels_include_selector=False,
        pod_labels=_identity(name), keel=True, pod_spec=dict(NDOTS),
        containers=[{
            "name": name, "image": "prompve/prometheus-pve-exporter:latest",
            "ports": [{"container_port": 9221}],
            "resources": _resources("15m", "256Mi"),
            "volume_mounts": [{"name": "config-volume", "mount_path": "/etc/prometheus", "read_only": True}],
        }],
        volumes=[{"name": "config-volume", "secret": {
            "secret_name": secret_name, "items": [{"key": "pve.yml", "path": "pve.yml"}]}}],
        service_ports=[{"name": "http", "port": 9221, "target_port": 9221}],
        # The PVE API takes ~11 s with the host's many CSI volumes: Prometheus's slow job
        # (5 min interval, 30 s timeout) scrapes it, and the fast job skips it.
        service_annotations={
            "prometheus.io/scrape_slow": "true", "prometheus.io/port": "9221", "prometheus.io/path": "/pve",
            "prometheus.io/param_target": PVE_TARGET, "prometheus.io/param_node": "1",
            "prometheus.io/param_cluster": "1",
        },
    ), opts=opts)


def _snmp(ns: str, tier: str, settings: ClusterSettings, opts: pulumi.ResourceOptions) -> None:
    name = "snmp-exporter"
    config_name = "snmp-exporter-yaml"
    k8s.core.v1.ConfigMap(
        "snmp-exporter-yaml",
        metadata={"name": config_name, "namespace": ns, "annotations": dict(RELOADER_MATCH)},
        data={"snmp.yml": load_payload(STACK_DIR, "exporters/snmp.yml")}, opts=opts)
    WebApp(name, WebAppArgs(
        namespace=ns, tier=tier, labels=_identity(name), pod_labels=_identity(name),
        annotations=dict(RELOADER_SEARCH), keel=True, pod_spec=dict(NDOTS),
        containers=[{
            "name": name, "image": "prom/snmp-exporter",
            "resources": _resources("10m", "256Mi"),
            "ports": [{"container_port": 9116}],
            "volume_mounts": [{"name": "config-volume", "mount_path": "/etc/snmp_exporter/"}],
        }],
        volumes=[{"name": "config-volume", "config_map": {"name": config_name}}],
        service_ports=[{"name": "http", "port": 9116, "target_port": 9116}],
    ), opts=opts)
    _lan_ingress("snmp-exporter", ns, settings, port=9116, description="SNMP metrics exporter",
                 icon="mdi-lan", opts=opts)


def _blackbox(ns: str, tier: str, settings: ClusterSettings, opts: pulumi.ResourceOptions) -> None:
    name = "blackbox-exporter"
    config_name = "blackbox-exporter-config"
    k8s.core.v1.ConfigMap(
        "blackbox-exporter-config",
        metadata={"name": config_name, "namespace": ns, "annotations": dict(RELOADER_MATCH)},
        data={"blackbox.yml": yamlencode(blackbox_modules(settings.dns.internal_lb_ip))}, opts=opts)
    WebApp(name, WebAppArgs(
        namespace=ns, tier=tier, labels=_identity(name), pod_labels=_identity(name),
        annotations=dict(RELOADER_SEARCH), keel=True, pod_spec=dict(NDOTS),
        containers=[{
            "name": name, "image": "prom/blackbox-exporter:v0.25.0",
            "args": ["--config.file=/etc/blackbox_exporter/blackbox.yml"],
            "ports": [{"container_port": 9115, "name": "http"}],
            "resources": _resources("5m", "24Mi", "48Mi"),
            # ICMP echo needs raw sockets; NET_RAW alone, nothing privileged.
            "security_context": {"capabilities": {"add": ["NET_RAW"]}},
            "volume_mounts": [{"name": "config-volume", "mount_path": "/etc/blackbox_exporter/"}],
        }],
        volumes=[{"name": "config-volume", "config_map": {"name": config_name}}],
        service_ports=[{"name": "http", "port": 9115, "target_port": 9115}],
    ), opts=opts)


def declare(namespace: Namespace, settings: ClusterSettings) -> None:
    """The five exporters and their Services, config and LAN ingresses."""
    ns = "monitoring"
    tier = settings.tier("cluster")
    opts = pulumi.ResourceOptions(depends_on=[namespace])
    _goflow2(ns, tier, opts)
    _idrac(ns, tier, settings, opts)
    _pve(ns, tier, opts)
    _snmp(ns, tier, settings, opts)
    _blackbox(ns, tier, settings, opts)
