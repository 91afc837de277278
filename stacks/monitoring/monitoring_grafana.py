"""monitoring, Grafana part: the chart, its database credentials, the dashboards, folder ACLs.

Also the static PersistentVolume the Prometheus chart's Alertmanager binds to (declared
beside Grafana upstream, kept with it here). The Grafana section of README.md lists the differences.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from components.database_credentials import PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs
from components.grafana import GrafanaDashboard, GrafanaDashboardArgs
from components.helm import HelmRelease, HelmReleaseArgs
from components.kube_patch import kubectl_command
from components.namespace import Namespace
from components.secret_inputs import vault_field
from components.settings import ClusterSettings

import pulumi
import pulumi_kubernetes as k8s

HERE = Path(__file__).parent
NS = "monitoring"

GRAFANA_CHART = "grafana"
GRAFANA_REPOSITORY = "https://grafana.github.io/helm-charts"
# Upstream left the chart floating; this repository froze the chart at 10.5.15 when it moved to
# grafana-community, so an unpinned install resolves to it. Confirm at cut-over (README.md, Grafana).
GRAFANA_VERSION = "10.5.15"
HOST = "grafana.viktorbarzin.me"

# Which Grafana folder each dashboard file is filed under (the sidecar's folder annotation).
# Every file has one: the fallback, "General", is Grafana's built-in folder, which the
# sidecar cannot create, and one such dashboard stops the whole import.
DASHBOARD_FOLDERS = {
    "api_server.json": "Cluster",
    "cluster_health.json": "Cluster",
    "nodes.json": "Cluster",
    "pods.json": "Cluster",
    "kube-state-metrics.json": "Cluster",
    "core_dns.json": "Networking",
    "technitium-dns.json": "Networking",
    "nginx_ingress.json": "Networking",
    "network_traffic.json": "Networking",
    "node_exporter_full.json": "Hardware",
    "proxmox_node_exporter.json": "Hardware",
    "idrac.json": "Hardware",
    "ups.json": "Hardware",
    "nvidia.json": "Hardware",
    "rpi-sofia.json": "Hardware",
    "backup_health.json": "Operations",
    "registry.json": "Operations",
    "loki.json": "Operations",
    "k8s-audit.json": "Operations",
    "cluster-logs.json": "Logs",
    "qbittorrent.json": "Applications",
    "realestate-crawler.json": "Applications",
    "openclaw.json": "Applications",
    "terminal-lobby-usage.json": "Applications",
    "claude-usage.json": "Applications",
    "uk-payslip.json": "Finance (Personal)",
    "wealth.json": "Finance (Personal)",
    "job-hunter.json": "Finance",
    "fire-planner.json": "Finance",
    "cost-of-living.json": "Finance",
    "proxy_visits.json": "Security (Personal)",
}
DEFAULT_FOLDER = "General"

# Folders only Grafana admins may open (the owner's finances, proxy users' browsing).
ADMIN_ONLY_FOLDERS = ("Finance (Personal)", "Security (Personal)")


def dashboard_files() -> list[str]:
    """The dashboard files shipped, as Terraform's fileset("dashboards", "*.json") lists them."""
    return sorted(p.name for p in (HERE / "files" / "dashboards").glob("*.json"))


def dashboard_config_map_name(file_name: str) -> str:
    """`node_exporter_full.json` -> `grafana-dashboard-node-exporter-full`."""
    return "grafana-dashboard-" + file_name.removesuffix(".json").replace("_", "-")


def grafana_values(admin_password: pulumi.Input[str], mysql_host: str) -> dict:
    """The Grafana chart's values (upstream's grafana_chart_values.yaml, as a dict)."""
    return {
        "deploymentStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
        "replicas": 1,
        "adminPassword": admin_password,
        "plugins": ["netsage-sankey-panel"],
        "resources": {"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        "topologySpreadConstraints": [{
            "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "grafana"}},
        }],
        "podAnnotations": {
            "dependency.kyverno.io/wait-for": "mysql.dbaas:3306",
            "reloader.stakater.com/auto": "true",
        },
        "podDisruptionBudget": {"maxUnavailable": 1},
        # The database is the external MySQL; the claim name is inert while disabled.
        "persistence": {"enabled": False, "existingClaim": "grafana-pvc"},
        "ingress": {
            "enabled": "true",
            "ingressClassName": "traefik",
            "annotations": {
                "traefik.ingress.kubernetes.io/router.middlewares":
                    "traefik-rate-limit@kubernetescrd,traefik-csp-headers@kubernetescrd,"
                    "traefik-authentik-forward-auth@kubernetescrd",
                "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
                "gethomepage.dev/enabled": "true",
                "gethomepage.dev/name": "Grafana",
                "gethomepage.dev/description": "Dashboards & observability",
                "gethomepage.dev/icon": "grafana.png",
                "gethomepage.dev/group": "Core Platform",
                "gethomepage.dev/pod-selector": "",
                "gethomepage.dev/widget.type": "grafana",
                "gethomepage.dev/widget.url": "http://grafana.monitoring.svc.cluster.local",
                "gethomepage.dev/widget.username": "admin",
                "gethomepage.dev/widget.password": admin_password,
            },
            "tls": [{"secretName": "tls-secret", "hosts": [HOST]}],
            "hosts": [HOST],
        },
        "sidecar": {
            "datasources": {"enabled": "true"},
            "dashboards": {
                "enabled": True,
                "label": "grafana_dashboard",
                "folderAnnotation": "grafana_folder",
                "provider": {"foldersFromFilesStructure": True},
            },
        },
        "dashboardProviders": {"dashboardproviders.yaml": {
            "apiVersion": 1, "name": "default", "ordId": 1, "type": "file",
            "options": {"path": "/var/lib/grafana/dashboards/default"},
        }},
        # The app stacks' datasource passwords (their ExternalSecrets in `monitoring`) are
        # optional, so Grafana starts before those stacks exist.
        "envFromSecrets": [
            {"name": "grafana-db-creds", "optional": False},
            {"name": "grafana-wealth-pg-creds", "optional": True},
            {"name": "grafana-payslips-pg-creds", "optional": True},
            {"name": "grafana-job-hunter-pg-creds", "optional": True},
            {"name": "grafana-fire-planner-pg-creds", "optional": True},
        ],
        "env": {"GF_SERVER_ROOT_URL": f"https://{HOST}"},
        "grafana.ini": {
            "database": {
                "type": "mysql", "host": f"{mysql_host}:3306", "name": "grafana", "user": "grafana",
                "password": "$__env{GF_DATABASE_PASSWORD}", "ssl_mode": "disable",
            },
            "auth.anonymous": {"enabled": False},
            # Authentik's forward-auth sets the user header; Grafana signs the user up as Viewer.
            "auth.proxy": {
                "enabled": True, "header_name": "X-authentik-username", "header_property": "username",
                "auto_sign_up": True, "sync_ttl": 60, "whitelist": "", "enable_login_token": False,
            },
            "users": {"auto_assign_org": True, "auto_assign_org_role": "Viewer"},
            "analytics": {"check_for_updates": "true"},
            "grafana_net": {"url": "https://grafana.net"},
            "log": {"mode": "console"},
            "paths": {
                "data": "/var/lib/grafana/data",
                "logs": "/var/log/grafana",
                "plugins": "/var/lib/grafana/plugins",
                "provisioning": "/etc/grafana/provisioning",
            },
            "security": {"allow_embedding": True},
        },
    }


# Sets a folder's ACL to "Admin: Admin" only, which replaces the inherited Viewer/Editor
# access (anonymous viewers included); the server admin keeps access regardless. The
# folder exists once the dashboard sidecar has imported a dashboard filed under it.
ADMIN_ONLY_ACL_SCRIPT = r"""
pod=$(kubectl get pod -n monitoring -l app.kubernetes.io/name=grafana -o jsonpath='{.items[0].metadata.name}')
password=$(kubectl get secret -n monitoring grafana -o jsonpath='{.data.admin-password}' | base64 -d)
grafana() {
  kubectl exec -n monitoring "$pod" -c grafana -- curl -sf -u "admin:$password" "$@"
}
uid=""
for _ in $(seq 1 12); do
  uid=$(grafana http://localhost:3000/api/folders \
        | jq -r --arg title "$FOLDER" 'first(.[] | select(.title == $title) | .uid) // ""' || true)
  [ -n "$uid" ] && break
  sleep 5
done
if [ -z "$uid" ]; then
  echo "Grafana has no folder '$FOLDER' after 60s" >&2
  exit 1
fi
# Permission 4 is Admin (1 View, 2 Edit).
grafana -X POST -H "Content-Type: application/json" -d '{"items":[{"role":"Admin","permission":4}]}' \
  "http://localhost:3000/api/folders/$uid/permissions" >/dev/null
echo "folder '$FOLDER' ($uid): admin only"
"""


def declare(namespace: Namespace, settings: ClusterSettings) -> None:
    ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

    # Alertmanager (Prometheus chart) claims this volume; Retain keeps its silences.
    k8s.core.v1.PersistentVolume(
        "alertmanager-pv",
        metadata={"name": "alertmanager-pv"},
        spec={
            "capacity": {"storage": "2Gi"},
            "access_modes": ["ReadWriteOnce"],
            "csi": {
                "driver": "nfs.csi.k8s.io",
                "volume_handle": "alertmanager-pv",
                "volume_attributes": {"server": "192.168.1.127", "share": "/srv/nfs/alertmanager"},
            },
            "mount_options": ["soft", "timeo=30", "retrans=3", "actimeo=5"],
            "storage_class_name": "nfs-truenas",
            "persistent_volume_reclaim_policy": "Retain",
        },
    )

    # GF_DATABASE_PASSWORD, rotated by Vault's database engine; Reloader restarts Grafana.
    db_creds = DatabaseCredentials("grafana-db-creds", DatabaseCredentialsArgs(
        namespace=NS, role="mysql-grafana", template={"GF_DATABASE_PASSWORD": PASSWORD},
    ), opts=ns_opts)

    grafana = HelmRelease("grafana", HelmReleaseArgs(
        namespace=NS,
        repository=GRAFANA_REPOSITORY,
        chart=GRAFANA_CHART,
        version=GRAFANA_VERSION,
        values=grafana_values(vault_field("platform", "grafana_admin_password"), settings.mysql_host),
        timeout=600,
        create_namespace=True,
    ), opts=pulumi.ResourceOptions(depends_on=[namespace, db_creds]))

    dashboards = [
        GrafanaDashboard(dashboard_config_map_name(file_name), GrafanaDashboardArgs(
            stack_dir=HERE,
            files={file_name: f"dashboards/{file_name}"},
            folder=DASHBOARD_FOLDERS.get(file_name, DEFAULT_FOLDER),
        ), opts=ns_opts)
        for file_name in dashboard_files()
    ]

    acl_script_sha256 = hashlib.sha256(ADMIN_ONLY_ACL_SCRIPT.encode()).hexdigest()
    for folder in ADMIN_ONLY_FOLDERS:
        slug = folder.lower().replace(" (", "-").replace(")", "").replace(" ", "-")
        kubectl_command(
            f"grafana-admin-only-folder-acl-{slug}",
            script=ADMIN_ONLY_ACL_SCRIPT,
            environment={"FOLDER": folder},
            # Upstream re-ran on every apply (a timestamp trigger); here on create, on a
            # change of folder or script, and when a new Grafana release is applied.
            triggers={"folder": folder, "script_sha256": acl_script_sha256, "grafana_chart": GRAFANA_VERSION},
            rerun_safe="posting the same admin-only ACL to a folder that already has it changes nothing",
            opts=pulumi.ResourceOptions(depends_on=[grafana, *dashboards]),
        )
