"""kms: a Windows KMS activation server (vlmcsd) on its own MetalLB address, and its website.

`vlmcs.<domain>` (A only) reaches vlmcsd on TCP 1688 from outside through the WAN NAT and
inside through split-horizon DNS. `kms.<domain>` is the website behind Anubis; the
PowerShell activators and their diagnostics POSTs cannot solve a proof-of-work, so
`/scripts`, `/keys.json` and `/diag` skip it. A sidecar tails vlmcsd's log into Slack and
Prometheus.
"""

from pathlib import Path

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_kubernetes as k8s

from components.anubis import SERVICE_PORT as ANUBIS_PORT, AnubisArgs, AnubisInstance
from components.constants import TIER_AUX
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.metallb import MetalLbAddress
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env

HERE = Path(__file__).parent
settings = ClusterSettings.load()
# The website image is built off-cluster; CI sets the live tag with `kubectl set image`.
image_tag = pulumi.Config().get("image_tag") or "latest"
NS = "kms"
SITE_HOST = f"kms.{settings.root_domain}"
# Not the shared address: externalTrafficPolicy Local keeps client IPs in vlmcsd's log, and
# MetalLB allows only one traffic policy per shared IP (the shared one's holders use Cluster).
KMS_ADDRESS = MetalLbAddress(ip="10.0.20.202")
SMALL = {"limits": {"memory": "64Mi"}, "requests": {"cpu": "10m", "memory": "64Mi"}}
SIDECAR = {"limits": {"memory": "64Mi"}, "requests": {"cpu": "5m", "memory": "48Mi"}}
LISTENER = {"tcp_socket": {"port": 1688}}

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- website, behind Anubis -------------------------------------------------------------------
WebApp("kms-web-page", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    labels={"kubernetes.io/cluster-service": "true"},
    pod_labels={"kubernetes.io/cluster-service": "true"},
    pod_spec={"image_pull_secrets": [{"name": "registry-credentials"}]},
    containers=[{
        "name": "kms-web-page",
        "image": f"ghcr.io/viktorbarzin/kms-website:{image_tag}",
        "image_pull_policy": "IfNotPresent",
        "ports": [{"container_port": 80, "protocol": "TCP"}],
        "resources": SMALL,
    }],
    service_name="kms",
    service_ports=[{"port": 80, "protocol": "TCP"}],
), opts=ns_opts)

AnubisInstance("kms", AnubisArgs(
    namespace=NS,
    target_url=f"http://kms.{NS}.svc.cluster.local",
    shared_store_url=f"redis://{settings.redis_host}:6379/8",
), opts=ns_opts)

common = dict(namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain=settings.root_domain,
              dns=settings.dns, auth="none", anti_ai_scraping=False)
site = IngressFactory("kms", IngressArgs(
    **common,
    auth_reason="Public KMS website; Anubis' proof-of-work wall gates bots, there is no login",
    dns_type="non-proxied",
    service_name="anubis-kms",
    port=ANUBIS_PORT,
    extra_middlewares=["traefik-x402@kubernetescrd"],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "KMS",
        "gethomepage.dev/description": "License activation server",
        "gethomepage.dev/icon": "microsoft.png",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)


def carve_out(name: str, service: str, port: int, paths: list[str], reason: str) -> None:
    """Paths of the site host that bypass Anubis: PowerShell cannot solve a proof-of-work.

    Same host as the site (its DNS record belongs to the site's ingress); Traefik prefers
    these longer prefixes over the site's `/`.
    """
    IngressFactory(name, IngressArgs(
        **common, auth_reason=reason, full_host=SITE_HOST, dns_type="none", homepage_enabled=False,
        service_name=service, port=port, ingress_path=paths,
    ), opts=ns_opts)


carve_out("kms-scripts", "kms", 80, ["/scripts", "/keys.json"],
          "Public read-only activation scripts and key list fetched by PowerShell, which cannot solve a proof-of-work")

# --- anonymous diagnostics from the activators, logged to stdout for Loki ------------------------
collector = PayloadConfigMap("kms-diag-collector", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"diag-collector.py": "diag-collector.py"},
    hash_annotation="checksum/collector", hash_algorithm="sha1",
), opts=ns_opts)

WebApp("kms-diag", WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    keel=True,
    pod_annotations=collector.pod_annotations,
    containers=[{
        "name": "diag-collector",
        "image": "python:3.12-alpine",
        "command": ["python3", "/app/diag-collector.py"],
        "ports": [{"container_port": 9102}],
        "resources": SIDECAR,
        "volume_mounts": [{"name": "diag-collector-script", "mount_path": "/app", "read_only": True}],
    }],
    volumes=[collector.volume("diag-collector-script")],
    service_ports=[{"port": 9102, "protocol": "TCP"}],
), opts=ns_opts)

carve_out("kms-diag", "kms-diag", 9102, ["/diag"],
          "Anonymous write-only telemetry from the activation scripts, which cannot solve a proof-of-work")

# --- vlmcsd on its own address, with the Slack/Prometheus notifier sidecar ----------------------
# A-only: the IPv6 tunnel does not forward 1688. Cloudflare's proxy speaks HTTP only.
cloudflare.DnsRecord(
    "vlmcs", zone_id=settings.dns.zone_id, name=f"vlmcs.{settings.root_domain}", type="A",
    content=settings.dns.public_ip, proxied=False, ttl=1,
)

notifier = PayloadConfigMap("kms-slack-notifier", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"notifier.py": "slack-notifier.py"},
    hash_annotation="checksum/notifier", hash_algorithm="sha1",
), opts=ns_opts)

webhook = ExternalSecret("kms-slack-webhook", ExternalSecretArgs(
    namespace=NS, refresh_interval="1h", target_name="kms-slack-webhook", creation_policy="Owner",
    data=[SecretKey(secret_key="url", key="kms", property="slack_webhook_url")],
), opts=ns_opts)

WebApp("kms", WebAppArgs(
    namespace=NS,
    selector={"app": "kms-service"},
    tier=TIER_AUX,
    keel=True,
    keel_containers=(0, 1),
    pod_annotations={
        **notifier.pod_annotations,
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9101",
        "prometheus.io/path": "/metrics",
    },
    containers=[
        {
            "name": "windows-kms",
            "image": "kebe/vlmcsd:latest",
            "command": ["/usr/bin/vlmcsd"],
            "args": ["-D", "-v", "-l", "/var/log/vlmcsd/vlmcsd.log"],
            "ports": [{"container_port": 1688}],
            "resources": SMALL,
            # Ready only once 1688 is bound: with traffic policy Local MetalLB announces the
            # address from the node of a Ready pod, so an early Ready sends clients nowhere.
            "readiness_probe": {**LISTENER, "initial_delay_seconds": 1, "period_seconds": 5, "failure_threshold": 3},
            "liveness_probe": {**LISTENER, "initial_delay_seconds": 5, "period_seconds": 30, "failure_threshold": 3},
            "volume_mounts": [{"name": "vlmcsd-log", "mount_path": "/var/log/vlmcsd"}],
        },
        {
            "name": "slack-notifier",
            "image": "python:3.12-alpine",
            "command": ["python3", "-u", "/scripts/notifier.py"],
            "env": [
                *env({"VLMCSD_LOG": "/var/log/vlmcsd/vlmcsd.log", "SLACK_CHANNEL": "#alerts",
                      "DEDUP_WINDOW_SECONDS": "3600"}),
                {"name": "SLACK_WEBHOOK_URL",
                 "value_from": {"secret_key_ref": {"name": "kms-slack-webhook", "key": "url"}}},
            ],
            "ports": [{"container_port": 9101, "name": "metrics"}],
            "resources": SIDECAR,
            "volume_mounts": [
                {"name": "vlmcsd-log", "mount_path": "/var/log/vlmcsd", "read_only": True},
                {"name": "slack-notifier-script", "mount_path": "/scripts", "read_only": True},
            ],
        },
    ],
    volumes=[{"name": "vlmcsd-log", "empty_dir": {}}, notifier.volume("slack-notifier-script")],
    service_name="windows-kms",
    service_type="LoadBalancer",
    service_annotations={
        **KMS_ADDRESS.annotations,
        "infra.viktorbarzin.me/auth": "none",
        "infra.viktorbarzin.me/auth-reason":
            "The KMS protocol has no authentication; vlmcsd is published on purpose (WAN NAT 1688 and the vlmcs record)",
    },
    service_ignore_changes=KMS_ADDRESS.ignore_changes,
    service_spec={"external_traffic_policy": "Local"},
    service_ports=[{"port": 1688}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, webhook]))

pulumi.export("host", site.host)
pulumi.export("kms_address", KMS_ADDRESS.ip)
