"""technitium: the LAN and cluster DNS.

Three Technitium DNS servers (a primary and two zone-transfer replicas, one per node) on
encrypted Proxmox claims answer on the MetalLB address 10.0.20.201 for the LAN and on the
pinned ClusterIP 10.96.0.53 for CoreDNS. This stack also owns kube-system's CoreDNS
Corefile, spreads and scales the kubeadm CoreDNS Deployment, and runs the CronJobs that keep
the zones, apps and records of the three servers in step. A readiness gate checks every
instance after each `pulumi up`. See the README for what runs when.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs
from components.grafana import GrafanaDashboard, GrafanaDashboardArgs, GrafanaDatasource, GrafanaDatasourceArgs
from components.ingress import IngressArgs, IngressFactory
from components.kube_patch import kubectl_command
from components.live_read import LiveReadArgs, read_live
from components.metallb import MetalLbAddress
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload, offline_synth
from components.postgres_init_job import PostgresInitJob, PostgresInitJobArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field, vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
config = pulumi.Config()
HERE = Path(__file__).parent
NS = "technitium"
IMAGE = "technitium/dns-server:14.3.0"
DB_SECRET = "technitium-db-creds"
DNS_POD = {"dns-server": "true"}
DNS_LB = MetalLbAddress(ip="10.0.20.201")
INTERNAL_DNS_IP = "10.96.0.53"
"""The ClusterIP CoreDNS forwards .lan, viktorbarzin.me and reverse-LAN queries to."""


def payload(name: str) -> str:
    return load_payload(HERE, name)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# Vault `secret/platform`: the admin login every sync job and replica uses.
# The login name is not a credential: unsecret, so it is not flagged as one in six CronJobs.
tech_user = pulumi.Output.unsecret(vault_field("platform", "technitium_username"))
tech_pass = vault_field("platform", "technitium_password")
root_password = vault_field("platform", "dbaas_postgresql_root_password")
homepage_token = vault_json_field("platform", "homepage_credentials", placeholder={}).apply(
    lambda creds: str(((creds or {}).get("technitium") or {}).get("token", "")))
login_env = [{"name": "TECH_USER", "value": tech_user}, {"name": "TECH_PASS", "value": tech_pass}]

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_CORE, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- CoreDNS (kube-system) ------------------------------------------------------------------
# Pods reach Traefik through its ClusterIP (its LB address is externalTrafficPolicy=Local),
# so the Corefile pins forgejo.viktorbarzin.me to the live clusterIP.
traefik_ip = read_live("traefik", LiveReadArgs(
    namespace="traefik", kind="Service", keys=["cluster_ip"],
    placeholders={"cluster_ip": "10.96.0.1"}, source="the traefik stack's Service",
    resource_name="traefik-service-live"))["cluster_ip"]
# A clusterIP is no secret (read_live marks every value secret).
corefile = pulumi.Output.unsecret(traefik_ip).apply(lambda ip: payload("Corefile").replace("@TRAEFIK_CLUSTER_IP@", ip))
coredns_config = k8s.core.v1.ConfigMap(
    "coredns-corefile",
    metadata={"name": "coredns", "namespace": "kube-system"},
    data={"Corefile": corefile},
)

# The kubeadm Deployment: three replicas, required one-pod-per-node spread, and a PDB keeping
# two up. Scale and spread are one command (see the README for why not a DeploymentPatch):
# a kubeadm upgrade resets the pod template, and the next `up` after a change re-asserts it.
coredns_scale_script = payload("coredns-scale.sh")
coredns_scale = kubectl_command(
    "coredns-scale",
    script=coredns_scale_script,
    # Re-runs when the replica count or the script changes (not on every up).
    triggers={"replicas": 3, "script_sha256": sha256(coredns_scale_script)},
    rerun_safe="scaling to the current count, replacing the affinity with the same value and waiting for a settled rollout change nothing",
)
k8s.policy.v1.PodDisruptionBudget(
    "coredns-pdb",
    metadata={"name": "coredns", "namespace": "kube-system"},
    spec={"min_available": "2", "selector": {"match_labels": {"k8s-app": "kube-dns"}}},
)

# --- the three DNS servers ------------------------------------------------------------------
DNS_ANTI_AFFINITY = {"pod_anti_affinity": {"required_during_scheduling_ignored_during_execution": [{
    "label_selector": {"match_expressions": [{"key": "dns-server", "operator": "In", "values": ["true"]}]},
    "topology_key": "kubernetes.io/hostname",
}]}}
TCP_53 = {"tcp_socket": {"port": 53}}


def dns_server(name: str, *, claim: str, storage_limit: str, memory: str, volume: str,
               replicas_env: bool, pod_annotations: dict | None = None,
               service_ports: list[dict], extra_mounts: list[dict] = (),
               extra_volumes: list[dict] = ()) -> WebApp:
    """One Technitium instance: its encrypted claim, Deployment (Recreate) and web Service."""
    data = ProxmoxVolume(claim, ProxmoxVolumeArgs(
        namespace=NS, storage="2Gi", storage_limit=storage_limit, storage_class="proxmox-lvm-encrypted"),
        opts=ns_opts)
    container = {
        "name": "technitium", "image": IMAGE,
        **({"env": [{"name": "DNS_SERVER_ADMIN_PASSWORD", "value": tech_pass},
                    {"name": "DNS_SERVER_ENABLE_BLOCKING", "value": "true"}]} if replicas_env else {}),
        "resources": {"requests": {"cpu": "100m", "memory": memory}, "limits": {"memory": memory}},
        "ports": [{"container_port": 5380}, {"container_port": 53}, {"container_port": 80}],
        "liveness_probe": {**TCP_53, "initial_delay_seconds": 10, "period_seconds": 10},
        "readiness_probe": {**TCP_53, "initial_delay_seconds": 5, "period_seconds": 5},
        "volume_mounts": [{"mount_path": "/etc/dns", "name": volume}, *extra_mounts],
    }
    return WebApp(name, WebAppArgs(
        namespace=NS, tier=c.TIER_CORE, selector={"app": name}, pod_labels=DNS_POD,
        pod_annotations=pod_annotations or {}, strategy="Recreate", keel=True,
        containers=[container],
        volumes=[{"name": volume, "persistent_volume_claim": {"claim_name": data.claim_name}}, *extra_volumes],
        pod_spec={"affinity": DNS_ANTI_AFFINITY, "dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
        service_name=f"{name}-web" if name != "technitium" else "technitium-web",
        service_ports=service_ports,
    ), opts=ns_opts)


primary = dns_server(
    "technitium", claim="technitium-primary-config-encrypted", storage_limit="10Gi", memory="1Gi",
    volume="nfs-config", replicas_env=False,
    pod_annotations={"diun.enable": "true", "diun.include_tags": "^\\d+\\.\\d+\\.\\d+$"},
    service_ports=[{"name": "technitium-dns", "port": 5380, "target_port": 5380, "protocol": "TCP"},
                   {"name": "technitium-doh", "port": 80, "target_port": 80, "protocol": "TCP"}],
    extra_mounts=[{"mount_path": "/etc/tls/", "name": "tls-cert"}],
    extra_volumes=[{"name": "tls-cert", "secret": {"secret_name": settings.tls_secret_name}}],
)
# Upstream left targetPort to the API default (= port); it is spelled out so the first `up`
# after import does not see it as dropped.
API_PORT = [{"name": "api", "port": 5380, "target_port": 5380, "protocol": "TCP"}]
secondary = dns_server("technitium-secondary", claim="technitium-secondary-config-encrypted",
                       storage_limit="5Gi", memory="512Mi", volume="nfs-config", replicas_env=True,
                       service_ports=API_PORT)
tertiary = dns_server("technitium-tertiary", claim="technitium-tertiary-config-encrypted",
                      storage_limit="5Gi", memory="512Mi", volume="config", replicas_env=True,
                      service_ports=API_PORT)

DNS_PORTS = [{"name": "dns-udp", "port": 53, "target_port": 53, "protocol": "UDP"},
             {"name": "dns-tcp", "port": 53, "target_port": 53, "protocol": "TCP"}]
APP_LABELS = {"app": "technitium"}
# LAN clients: externalTrafficPolicy=Local keeps their source address in the query log.
dns_lb = k8s.core.v1.Service(
    "technitium-dns",
    metadata={"name": "technitium-dns", "namespace": NS, "labels": APP_LABELS, "annotations": DNS_LB.annotations},
    spec={"type": "LoadBalancer", "external_traffic_policy": "Local", "selector": DNS_POD, "ports": DNS_PORTS},
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=DNS_LB.ignore_changes),
)
k8s.core.v1.Service(
    "technitium-dns-internal",
    metadata={"name": "technitium-dns-internal", "namespace": NS, "labels": APP_LABELS},
    spec={"type": "ClusterIP", "cluster_ip": INTERNAL_DNS_IP, "selector": DNS_POD, "ports": DNS_PORTS},
    opts=ns_opts,
)
# The zone source the replicas transfer from (its clusterIP goes to the zone-sync job).
primary_service = k8s.core.v1.Service(
    "technitium-primary",
    metadata={"name": "technitium-primary", "namespace": NS, "labels": APP_LABELS},
    spec={"selector": APP_LABELS, "ports": [
        {"name": "dns-tcp", "port": 53, "target_port": 53, "protocol": "TCP"},
        {"name": "dns-udp", "port": 53, "target_port": 53, "protocol": "UDP"},
        {"name": "api", "port": 5380, "target_port": 5380, "protocol": "TCP"}]},
    opts=ns_opts,
)
dns_pdb = k8s.policy.v1.PodDisruptionBudget(
    "technitium-dns-pdb",
    metadata={"name": "technitium-dns", "namespace": NS},
    spec={"min_available": "2", "selector": {"match_labels": DNS_POD}},
    opts=ns_opts,
)

IngressFactory("technitium", IngressArgs.on_cluster(
    settings, namespace=NS, auth="required", dns_type="proxied", port=5380, service_name="technitium-web",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/description": "Internal DNS Server and Recursive Resolver",
        "gethomepage.dev/group": "Infrastructure",
        "gethomepage.dev/icon": "technitium.png",
        "gethomepage.dev/name": "Technitium",
        "gethomepage.dev/widget.type": "technitium",
        "gethomepage.dev/widget.url": "http://technitium-web.technitium.svc.cluster.local:5380",
        "gethomepage.dev/widget.key": homepage_token,
        "gethomepage.dev/widget.range": "LastWeek",
        "gethomepage.dev/widget.fields": "[\"totalQueries\", \"totalCached\", \"totalBlocked\", \"totalRecursive\"]",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

# --- query logs in PostgreSQL ---------------------------------------------------------------
PostgresInitJob("technitium-pg-db-init", PostgresInitJobArgs(
    namespace=NS,
    script=root_password.apply(lambda pw: payload("pg-db-init.sh")
                               .replace("@ROOT_PASSWORD@", pw).replace("@PG_HOST@", settings.postgresql_host)),
    secret_script=True,
    resources={"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    restart_policy="OnFailure", backoff_limit=4, wait_for_completion=False, create_timeout=None,
), opts=ns_opts)

db_creds = DatabaseCredentials(DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="pg-technitium", password_key="db_password"), opts=ns_opts)
db_password = read_live(DB_SECRET, LiveReadArgs(
    namespace=NS, keys=["db_password"], source="Vault static role pg-technitium (ESO)",
    depends_on=[db_creds]))["db_password"]


# Grafana's sidecar picks both up from `monitoring`. The datasource file carries the password
# itself (read_live above), as upstream; the monitoring stack ships the same dashboard JSON
# under another ConfigMap name (see the README).
GrafanaDatasource("grafana-technitium-datasource", GrafanaDatasourceArgs(
    file_name="technitium-datasource.yaml",
    datasources=[{
        "name": "Technitium PostgreSQL", "type": "postgres", "access": "proxy",
        "url": f"{settings.postgresql_host}:5432", "database": "technitium", "user": "technitium",
        "uid": "technitium-pg",
        "jsonData": {"sslmode": "disable", "postgresVersion": 1600, "timescaledb": False},
        "secureJsonData": {"password": db_password},
    }],
))
GrafanaDashboard("grafana-technitium-dashboard", GrafanaDashboardArgs(
    stack_dir=HERE, files={"technitium-dns.json": "technitium-dns.json"}, folder="Networking"))

# --- sync CronJobs --------------------------------------------------------------------------
SMALL = {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "32Mi"}}


def sync_job(name: str, schedule: str, script: str, *, image: str = "curlimages/curl:latest",
             container: str = "sync", extra_env: list = (), resources: dict | None = SMALL,
             successful: int = 1, concurrency: str = "Allow", backoff_limit: int | None = None,
             pod_spec: dict | None = None, service_account: pulumi.Input[str] | None = None) -> None:
    """One of the six sync CronJobs (Terraform's default concurrency, Allow, unless noted)."""
    ScheduledJob(name, ScheduledJobArgs(
        namespace=NS, schedule=schedule, concurrency_policy=concurrency,
        successful_jobs_history_limit=successful, failed_jobs_history_limit=3,
        backoff_limit=backoff_limit, restart_policy="OnFailure",
        job_metadata={}, pod_metadata={}, service_account_name=service_account,
        pod_spec=pod_spec or {},
        containers=[{
            "name": container, "image": image,
            **({"resources": resources} if resources else {}),
            "env": [*extra_env],
            "command": ["/bin/sh", "-c", script],
        }],
    ), opts=ns_opts)


sync_job("technitium-password-sync", "0 */6 * * *",
         payload("password-sync.sh").replace("@PG_HOST@", settings.postgresql_host),
         extra_env=[*secret_env(DB_SECRET, {"DB_PASSWORD": "db_password"}), *login_env])
sync_job("technitium-split-horizon-sync", "15 */6 * * *", payload("split-horizon-sync.sh"), extra_env=login_env)
sync_job("technitium-dns-optimization", "30 */6 * * *", payload("dns-optimization.sh"), extra_env=login_env)

STATIC_A_RECORDS = {"turn": "10.0.20.205"}
STATIC_LAN_A_RECORDS = {"mbp-london": "192.168.8.168"}
records = "\n".join([*(f"viktorbarzin.me {n} {ip}" for n, ip in STATIC_A_RECORDS.items()),
                     *(f"viktorbarzin.lan {n} {ip}" for n, ip in STATIC_LAN_A_RECORDS.items())])
sync_job("technitium-static-records", "35 * * * *", payload("static-records.sh"),
         extra_env=[*login_env, {"name": "RECORDS", "value": records}])

sync_job("technitium-zone-sync", "*/30 * * * *", payload("zone-sync.sh"), container="zone-sync",
         resources=None, successful=3, concurrency="Forbid", backoff_limit=2,
         pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
         extra_env=[*login_env, {"name": "PRIMARY_HOST", "value": primary_service.spec.cluster_ip}])

# The ingress -> DNS sync lists every ingress, reads Traefik's Service and valia-sites'
# `valia-sites-dns` ConfigMap (owned by the valia-sites stack; read only).
sync_rbac = WorkloadRbac("ingress-dns-sync", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole",
    rules=[Rule(api_groups=["networking.k8s.io"], resources=["ingresses"], verbs=["list"]),
           Rule(api_groups=[""], resources=["services"], verbs=["get", "list"]),
           Rule(api_groups=[""], resources=["configmaps"], resource_names=["valia-sites-dns"], verbs=["get"])],
), opts=ns_opts)
sync_job("technitium-ingress-dns-sync", "0 * * * *", payload("ingress-dns-sync.sh"),
         image="bitnami/kubectl:latest", extra_env=login_env, service_account=sync_rbac.service_account_name,
         resources={"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}})

# --- readiness gate -------------------------------------------------------------------------
# Runs on every `pulumi up` (a fresh trigger each run), after the servers, the LB Service and
# the PDB: rollouts finished, every dns-server pod answers, and all three agree.
# `pulumi config set technitium:skip_readiness true` drops it for emergency maintenance.
if not config.get_bool("skip_readiness"):
    run_id = "offline" if offline_synth() else datetime.now(timezone.utc).isoformat()
    kubectl_command(
        "technitium-readiness-gate",
        script=payload("readiness-gate.sh"),
        triggers={"always": run_id, "corefile_sha256": corefile.apply(sha256)},
        rerun_safe="the gate only reads rollout status and queries the DNS pods; it changes nothing",
        opts=pulumi.ResourceOptions(depends_on=[primary, secondary, tertiary, dns_lb, dns_pdb]),
    )

pulumi.export("dns_lb_ip", DNS_LB.ip)
pulumi.export("internal_dns_ip", INTERNAL_DNS_IP)
pulumi.export("coredns_corefile_sha256", pulumi.Output.secret(corefile.apply(sha256)))
