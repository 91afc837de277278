"""monitoring, Grafana part: the chart, its database login, the 31 dashboards, the folder ACLs."""

import re

import pytest

NS = "monitoring"

# Upstream's for_each over fileset("dashboards", "*.json"): ConfigMap name -> (key, folder).
DASHBOARDS = {
    "grafana-dashboard-api-server": ("api_server.json", "Cluster"),
    "grafana-dashboard-backup-health": ("backup_health.json", "Operations"),
    "grafana-dashboard-claude-usage": ("claude-usage.json", "Applications"),
    "grafana-dashboard-cluster-logs": ("cluster-logs.json", "Logs"),
    "grafana-dashboard-cluster-health": ("cluster_health.json", "Cluster"),
    "grafana-dashboard-core-dns": ("core_dns.json", "Networking"),
    "grafana-dashboard-cost-of-living": ("cost-of-living.json", "Finance"),
    "grafana-dashboard-fire-planner": ("fire-planner.json", "Finance"),
    "grafana-dashboard-idrac": ("idrac.json", "Hardware"),
    "grafana-dashboard-job-hunter": ("job-hunter.json", "Finance"),
    "grafana-dashboard-k8s-audit": ("k8s-audit.json", "Operations"),
    "grafana-dashboard-kube-state-metrics": ("kube-state-metrics.json", "Cluster"),
    "grafana-dashboard-loki": ("loki.json", "Operations"),
    "grafana-dashboard-network-traffic": ("network_traffic.json", "Networking"),
    "grafana-dashboard-nginx-ingress": ("nginx_ingress.json", "Networking"),
    "grafana-dashboard-node-exporter-full": ("node_exporter_full.json", "Hardware"),
    "grafana-dashboard-nodes": ("nodes.json", "Cluster"),
    "grafana-dashboard-nvidia": ("nvidia.json", "Hardware"),
    "grafana-dashboard-openclaw": ("openclaw.json", "Applications"),
    "grafana-dashboard-pods": ("pods.json", "Cluster"),
    "grafana-dashboard-proxmox-node-exporter": ("proxmox_node_exporter.json", "Hardware"),
    "grafana-dashboard-proxy-visits": ("proxy_visits.json", "Security (Personal)"),
    "grafana-dashboard-qbittorrent": ("qbittorrent.json", "Applications"),
    "grafana-dashboard-realestate-crawler": ("realestate-crawler.json", "Applications"),
    "grafana-dashboard-registry": ("registry.json", "Operations"),
    "grafana-dashboard-rpi-sofia": ("rpi-sofia.json", "Hardware"),
    "grafana-dashboard-technitium-dns": ("technitium-dns.json", "Networking"),
    "grafana-dashboard-terminal-lobby-usage": ("terminal-lobby-usage.json", "Applications"),
    "grafana-dashboard-uk-payslip": ("uk-payslip.json", "Finance (Personal)"),
    "grafana-dashboard-ups": ("ups.json", "Hardware"),
    "grafana-dashboard-wealth": ("wealth.json", "Finance (Personal)"),
}


def release(stack, name):
    [found] = [r for r in stack.of_type("kubernetes:helm.sh/v3:Release") if r["inputs"]["name"] == name]
    return found["inputs"]


def test_grafana_release_is_pinned_and_keeps_its_database_and_sign_in(synth_stack):
    grafana = release(synth_stack("monitoring"), "grafana")
    assert (grafana["chart"], grafana["version"]) == ("grafana", "10.5.15")
    assert grafana["repositoryOpts"] == {"repo": "https://grafana.github.io/helm-charts"}
    assert grafana["namespace"] == NS and grafana["atomic"] is True and grafana["timeout"] == 600
    values = grafana["values"]
    database = values["grafana.ini"]["database"]
    assert database["type"] == "mysql" and database["host"] == "mysql.dbaas.svc.cluster.local:3306"
    assert database["password"] == "$__env{GF_DATABASE_PASSWORD}"
    assert values["grafana.ini"]["auth.proxy"]["header_name"] == "X-authentik-username"
    assert [s["name"] for s in values["envFromSecrets"]] == [
        "grafana-db-creds", "grafana-wealth-pg-creds", "grafana-payslips-pg-creds",
        "grafana-job-hunter-pg-creds", "grafana-fire-planner-pg-creds"]
    assert values["envFromSecrets"][0]["optional"] is False
    assert values["sidecar"]["dashboards"]["label"] == "grafana_dashboard"
    assert values["sidecar"]["dashboards"]["folderAnnotation"] == "grafana_folder"
    assert values["ingress"]["hosts"] == ["grafana.viktorbarzin.me"]
    assert "traefik-authentik-forward-auth@kubernetescrd" in \
        values["ingress"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"]
    assert values["resources"] == {"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}}


def test_database_password_comes_from_the_rotated_mysql_role(synth_stack):
    secret = synth_stack("monitoring").k8s("ExternalSecret", "grafana-db-creds", NS)["inputs"]["spec"]
    assert secret["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "vault-database"}
    assert secret["refreshInterval"] == "15m"
    assert secret["data"] == [{"secretKey": "password",
                               "remoteRef": {"key": "static-creds/mysql-grafana", "property": "password"}}]
    assert secret["target"]["template"]["data"] == {"GF_DATABASE_PASSWORD": "{{ .password }}"}


def test_every_dashboard_file_is_one_config_map_in_its_folder(synth_stack):
    stack = synth_stack("monitoring")
    shipped = {r["inputs"]["metadata"]["name"] for r in stack.resources
               if r["custom"] and r["inputs"].get("kind") == "ConfigMap"
               and r["inputs"]["metadata"].get("labels", {}).get("grafana_dashboard") == "1"}
    assert shipped == set(DASHBOARDS)
    for name, (key, folder) in DASHBOARDS.items():
        config_map = stack.k8s("ConfigMap", name, NS)["inputs"]
        assert list(config_map["data"]) == [key], name
        assert config_map["metadata"]["annotations"] == {"grafana_folder": folder}, name


def test_the_largest_dashboard_carries_nothing_but_its_file(synth_stack):
    # node_exporter_full.json is 99.4% of the 1 MiB limit: no extra keys, labels or annotations.
    config_map = synth_stack("monitoring").k8s("ConfigMap", "grafana-dashboard-node-exporter-full", NS)["inputs"]
    assert config_map["metadata"] == {"name": "grafana-dashboard-node-exporter-full", "namespace": NS,
                                      "labels": {"grafana_dashboard": "1"},
                                      "annotations": {"grafana_folder": "Hardware"}}
    assert set(config_map) == {"apiVersion", "kind", "metadata", "data"}


def test_alertmanager_volume_is_the_static_nfs_share(synth_stack):
    spec = synth_stack("monitoring").k8s("PersistentVolume", "alertmanager-pv")["inputs"]["spec"]
    assert spec["csi"] == {"driver": "nfs.csi.k8s.io", "volumeHandle": "alertmanager-pv",
                           "volumeAttributes": {"server": "192.168.1.127", "share": "/srv/nfs/alertmanager"}}
    assert spec["storageClassName"] == "nfs-truenas" and spec["persistentVolumeReclaimPolicy"] == "Retain"
    assert spec["mountOptions"] == ["soft", "timeo=30", "retrans=3", "actimeo=5"]
    assert spec["capacity"] == {"storage": "2Gi"} and spec["accessModes"] == ["ReadWriteOnce"]


@pytest.mark.parametrize("folder", ["Finance (Personal)", "Security (Personal)"])
def test_admin_only_folders_are_locked_without_running_every_up(synth_stack, folder):
    commands = [r["inputs"] for r in synth_stack("monitoring").of_type("command:local:Command")
                if r["inputs"].get("environment", {}).get("FOLDER") == folder]
    assert len(commands) == 1, folder
    [command] = commands
    assert f"folder={folder}" in command["triggers"]
    assert not any(t.startswith(("always=", "timestamp=")) for t in command["triggers"])
    assert '"permission":4' in command["create"] and "/api/folders/$uid/permissions" in command["create"]


def _real_size_shaped(value: str) -> str:
    """A placeholder stood in for by as many bytes as the upstream file it names had."""
    from components.payload import is_placeholder
    if not is_placeholder(value):
        return value
    match = re.search(r"\b(\d[\d,]*) bytes\b", value)
    return "x" * int(match.group(1).replace(",", "")) if match else value


def test_no_config_map_outgrows_the_api_limit_once_the_real_files_are_in(synth_stack):
    # The synth's own size check sees the short placeholders; this one sizes every placeholder
    # as the upstream file it stands for (the byte count its text names).
    from tools.synth.schema import DATA_SIZE_LIMIT, data_size, size_errors
    stack = synth_stack("monitoring")
    sized = {}
    for resource in stack.resources:
        manifest = resource["inputs"]
        if not resource["custom"] or manifest.get("kind") != "ConfigMap":
            continue
        shaped = {**manifest, "data": {k: _real_size_shaped(v) if isinstance(v, str) else v
                                       for k, v in (manifest.get("data") or {}).items()}}
        assert size_errors(shaped) == [], resource["urn"]
        sized[manifest["metadata"]["name"]] = data_size(shaped)
    assert sized["grafana-dashboard-node-exporter-full"] == 1_042_733
    assert DATA_SIZE_LIMIT - sized["grafana-dashboard-node-exporter-full"] < 6 * 1024  # 99.4 %: no room to add
    assert sized["loki-alert-rules"] == 29_470
