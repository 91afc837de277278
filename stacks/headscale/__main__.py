"""headscale: the Tailscale control plane of the tailnet, its web UI and its health checks.

One pod runs headscale and the headscale-ui admin page. Tailscale clients reach the control
API and the DERP relay on `headscale.<domain>` (headscale's own node-key / pre-auth-key
auth, so no forward-auth), peer traffic and STUN on the shared MetalLB address. The admin UI
sits behind Authentik on `/web`. The SQLite database lives on an encrypted Proxmox volume
and is copied to NFS every six hours; a probe joins the tailnet every six hours and checks
that the subnet routes carry traffic.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.constants import TIER_CORE
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.grafana import GrafanaDashboard, GrafanaDashboardArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.traefik_route import TraefikRoute, TraefikRouteArgs
from components.web_app import WebApp, WebAppArgs

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "headscale"
HOST = f"headscale.{settings.root_domain}"
SELECTOR = {"app": "headscale"}
KEEL = {"keel.sh/policy": "patch", "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 1h"}

namespace = Namespace(NS, NamespaceArgs(tier=TIER_CORE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Copies of the database for the cloud sync (upstream hard-codes this NFS server).
backup_volume = NfsVolume("headscale-data-host", NfsVolumeArgs(
    namespace=NS, nfs_server="192.168.1.127", nfs_path="/srv/nfs/headscale"), opts=ns_opts)
data = ProxmoxVolume("headscale-data-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="1Gi", storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)

# config.yaml and derp.yaml stay in Vault as upstream; the ACL policy is the operator's
# (git-crypt encrypted) file, brought over into files/.
config = k8s.core.v1.ConfigMap("headscale-config", metadata={
    "name": "headscale-config", "namespace": NS, "annotations": {"reloader.stakater.com/match": "true"},
}, data={
    "config.yaml": vault_field("platform", "headscale_config"),
    "acl.yaml": load_payload(HERE, "acl.hujson"),
    "derp.yaml": vault_field("platform", "headscale_derp_map"),
}, opts=ns_opts)

HTTP_HEALTH = {"http_get": {"path": "/health", "port": 8080}, "period_seconds": 30, "timeout_seconds": 5}
headscale = WebApp("headscale", WebAppArgs(
    namespace=NS,
    tier=TIER_CORE,
    selector=SELECTOR,
    strategy="Recreate",
    keel=True,
    keel_containers=(0, 1),
    keel_enforced_annotations=tuple(KEEL),  # codified upstream; `up` must restore them
    annotations={"reloader.stakater.com/search": "true", **KEEL},
    pod_annotations={"diun.enable": "false", "diun.include_tags": r"^\d+(?:\.\d+)?(?:\.\d+)?$"},
    containers=[
        {
            "name": "headscale",
            "image": "headscale/headscale:0.29.3",
            "command": ["headscale", "serve"],
            "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
            "ports": [{"container_port": 8080}, {"container_port": 9090}, {"container_port": 41641},
                      {"container_port": 3479, "protocol": "UDP"}],
            "liveness_probe": {**HTTP_HEALTH, "initial_delay_seconds": 15, "failure_threshold": 5},
            "readiness_probe": {**HTTP_HEALTH, "initial_delay_seconds": 5, "failure_threshold": 3},
            "volume_mounts": [{"name": "config-volume", "mount_path": "/etc/headscale"},
                              {"name": "nfs-config", "mount_path": "/mnt"}],
        },
        {
            # Digest-pinned upstream; Keel may still move it.
            "name": "headscale-ui",
            "image": "ghcr.io/gurucomputing/headscale-ui@sha256:"
                     "015f5ba04bcbd5ee03178540a1dbbfc97b6896d7411032e3bf33c2f3e08f8b6f",
            "resources": {"requests": {"cpu": "25m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
            "ports": [{"container_port": 8081}],
            # Upstream passes the two UI secrets as plain env values (SEC-110), kept for adoption.
            "env": [
                {"name": "HTTP_PORT", "value": "8081"},
                {"name": "HEADSCALE_URL", "value": "http://localhost:8080"},
                {"name": "COOKIE_SECRET", "value": vault_field("platform", "headscale_ui_cookie_secret")},
                {"name": "ROOT_API_KEY", "value": vault_field("platform", "headscale_ui_api_key")},
            ],
        },
    ],
    volumes=[
        {"name": "config-volume", "config_map": {"name": "headscale-config", "items": [
            {"key": key, "path": key} for key in ("config.yaml", "acl.yaml", "derp.yaml")]}},
        {"name": "nfs-config", "persistent_volume_claim": {"claim_name": data.claim_name}},
    ],
    pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    service_labels=SELECTOR,
    service_annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
    service_ports=[
        {"name": "headscale", "port": 8080, "protocol": "TCP"},
        {"name": "headscale-ui", "port": 80, "target_port": 8081, "protocol": "TCP"},
        {"name": "metrics", "port": 9090, "protocol": "TCP"},
    ],
), opts=pulumi.ResourceOptions(depends_on=[namespace, config]))

# Tailscale peer traffic and STUN on the shared LAN address.
shared = settings.shared_lb()
k8s.core.v1.Service("headscale-server", metadata={
    "name": "headscale-server", "namespace": NS, "labels": SELECTOR,
    "annotations": {
        **shared.annotations,
        "infra.viktorbarzin.me/auth": "app",
        "infra.viktorbarzin.me/auth-reason":
            "WireGuard peer traffic and STUN: every packet is sealed with node keys headscale issued",
    },
}, spec={
    "type": "LoadBalancer", "external_traffic_policy": "Cluster", "selector": SELECTOR,
    "ports": [{"name": "headscale-udp", "port": 41641, "protocol": "UDP"},
              {"name": "stun", "port": 3479, "protocol": "UDP"}],
}, opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=shared.ignore_changes))

ingress_common = dict(namespace=NS, tls_secret_name=settings.tls_secret_name,
                      root_domain=settings.root_domain, dns=settings.dns)
IngressFactory("headscale", IngressArgs(
    **ingress_common,
    auth="app",
    auth_reason="Tailscale control API: clients authenticate with node keys and pre-auth keys / OIDC "
                "inside headscale; forward-auth would lock every client out",
    dns_type="non-proxied",
    port=8080,
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Headscale",
        "gethomepage.dev/description": "VPN mesh network",
        "gethomepage.dev/icon": "headscale.png",
        "gethomepage.dev/group": "Identity & Security",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)
IngressFactory("headscale-ui", IngressArgs(
    **ingress_common,
    auth="required",
    homepage_enabled=False,
    host="headscale",
    service_name="headscale",
    port=80,
    ingress_path=["/web"],
), opts=ns_opts)

# DERP relay (an HTTP Upgrade protocol): only retry and rate-limit, none of the default chain.
TraefikRoute("headscale-derp", TraefikRouteArgs(
    namespace=NS,
    auth="app",
    auth_reason="DERP relays WireGuard packets already encrypted end to end; clients prove node keys to headscale",
    spec={
        "entryPoints": ["websecure"],
        "routes": [{
            "match": f"Host(`{HOST}`) && PathPrefix(`/derp`)",
            "kind": "Rule",
            "services": [{"name": "headscale", "port": 8080}],
            "middlewares": [{"name": "retry", "namespace": "traefik"},
                            {"name": "rate-limit", "namespace": "traefik"}],
        }],
        "tls": {"secretName": settings.tls_secret_name},
    },
), opts=pulumi.ResourceOptions(depends_on=[namespace, headscale]))

# SQLite backup next to the headscale pod (the data claim is ReadWriteOnce).
ScheduledJob("headscale-backup", ScheduledJobArgs(
    namespace=NS,
    schedule="0 */6 * * *",
    concurrency_policy="Replace",
    successful_jobs_history_limit=1,
    failed_jobs_history_limit=3,
    backoff_limit=3,
    ttl_seconds_after_finished=10,
    restart_policy="OnFailure",
    pod_spec={"affinity": {"pod_affinity": {"required_during_scheduling_ignored_during_execution": [
        {"label_selector": {"match_labels": SELECTOR}, "topology_key": "kubernetes.io/hostname"}]}}},
    containers=[{
        "name": "backup",
        "image": "docker.io/library/alpine",
        "command": ["/bin/sh", "-c", load_payload(HERE, "backup.sh")],
        "volume_mounts": [{"name": "data", "mount_path": "/data", "read_only": True},
                          {"name": "backup", "mount_path": "/backup"}],
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}},
             {"name": "backup", "persistent_volume_claim": {"claim_name": backup_volume.claim_name}}],
), opts=ns_opts)

# Subnet-router probe: joins the tailnet with an ephemeral tag:probe key and fetches two LAN
# endpoints through tailscaled's userspace proxy, then pushes the verdict to the Pushgateway.
probe_key = ExternalSecret("headscale-probe-preauthkey", ExternalSecretArgs(
    namespace=NS,
    data=[SecretKey(secret_key="TS_AUTHKEY", key="platform", property="headscale_probe_preauthkey")],
), opts=ns_opts)
PROBE = "tailscale-subnet-router-probe"
ScheduledJob(PROBE, ScheduledJobArgs(
    namespace=NS,
    labels={"app": PROBE, "tier": TIER_CORE},
    schedule="7 */6 * * *",
    concurrency_policy="Forbid",
    successful_jobs_history_limit=2,
    failed_jobs_history_limit=3,
    starting_deadline_seconds=600,
    job_metadata={"labels": {"app": PROBE}},
    pod_metadata={"labels": {"app": PROBE}},
    backoff_limit=1,
    active_deadline_seconds=420,
    restart_policy="Never",
    volumes=[{"name": "shared", "empty_dir": {}}],
    # An init container writes the metrics file, so the push never races it.
    init_containers=[{
        "name": "probe",
        "image": "ghcr.io/tailscale/tailscale:v1.86.2",
        "command": ["/bin/sh", "-c"],
        "args": [load_payload(HERE, "subnet-router-probe.sh")],
        "env": [{"name": "TS_AUTHKEY", "value_from": {"secret_key_ref": {
            "name": "headscale-probe-preauthkey", "key": "TS_AUTHKEY"}}}],
        "volume_mounts": [{"name": "shared", "mount_path": "/shared"}],
        "resources": {"requests": {"cpu": "20m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }],
    containers=[{
        "name": "push",
        "image": "docker.io/curlimages/curl:8.11.1",
        "command": ["curl", "-sf", "-m", "20", "--data-binary", "@/shared/metrics.prom",
                    f"http://prometheus-prometheus-pushgateway.monitoring:9091/metrics/job/{PROBE}"],
        "volume_mounts": [{"name": "shared", "mount_path": "/shared"}],
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}},
    }],
), opts=pulumi.ResourceOptions(depends_on=[namespace, probe_key]))

GrafanaDashboard("grafana-headscale-dashboard", GrafanaDashboardArgs(
    stack_dir=HERE, files={"headscale.json": "dashboards/headscale.json"}, folder="Networking"))

pulumi.export("host", HOST)
