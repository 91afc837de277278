"""monitoring, exporters part: goflow2, iDRAC Redfish, PVE, SNMP and the blackbox wall-off probe."""

import sys
from pathlib import Path

import pytest
import yaml

STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "monitoring"
NS = "monitoring"
KEEL_IMAGE = "spec.template.spec.containers[0].image"

sys.path.insert(0, str(STACK_DIR))
import monitoring_exporters as exporters  # noqa: E402


@pytest.fixture(scope="module")
def monitoring(synth_stack):
    return synth_stack("monitoring")


def _pod(deployment: dict) -> dict:
    return deployment["inputs"]["spec"]["template"]["spec"]


@pytest.mark.parametrize("name, image", [
    ("goflow2", "netsampler/goflow2:v2.2.1"),
    ("idrac-redfish-exporter", "viktorbarzin/idrac-redfish-exporter:2.4.1-voltage-fix"),
    ("proxmox-exporter", "prompve/prometheus-pve-exporter:latest"),
    ("snmp-exporter", "prom/snmp-exporter"),
    ("blackbox-exporter", "prom/blackbox-exporter:v0.25.0"),
])
def test_exporter_images_identity_and_keel(monitoring, name, image):
    deployment = monitoring.k8s("Deployment", name, NS)
    meta, spec = deployment["inputs"]["metadata"], deployment["inputs"]["spec"]
    assert spec["replicas"] == 1
    assert spec["selector"]["matchLabels"] == {"app": name}, deployment["urn"]
    assert spec["template"]["metadata"]["labels"] == {"app": name, "service-identity": name}
    assert meta["labels"]["tier"] == "1-cluster" and meta["labels"]["service-identity"] == name
    [container] = _pod(deployment)["containers"]
    assert container["image"] == image
    ignored = deployment["options"]["ignoreChanges"]
    for path in (KEEL_IMAGE, "spec.template.spec.dnsConfig", 'metadata.annotations["keel.sh/policy"]',
                 'spec.template.metadata.annotations["keel.sh/update-time"]'):
        assert path in ignored, f"{deployment['urn']}: {path} not ignored"


def test_proxmox_deployment_labels_omit_the_selector(monitoring):
    meta = monitoring.k8s("Deployment", "proxmox-exporter", NS)["inputs"]["metadata"]
    assert meta["labels"] == {"tier": "1-cluster", "service-identity": "proxmox-exporter"}


def test_goflow2_ports_and_netflow_nodeport(monitoring):
    [container] = _pod(monitoring.k8s("Deployment", "goflow2", NS))["containers"]
    assert container["args"] == ["-listen", "netflow://:2055"]
    assert container["ports"] == [{"name": "netflow", "containerPort": 2055, "protocol": "UDP"},
                                  {"name": "metrics", "containerPort": 8080, "protocol": "TCP"}]
    assert container["resources"] == {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}}
    metrics = monitoring.k8s("Service", "goflow2", NS)["inputs"]
    assert metrics["spec"]["ports"] == [{"name": "metrics", "port": 8080, "targetPort": 8080, "protocol": "TCP"}]
    netflow = monitoring.k8s("Service", "goflow2-netflow", NS)["inputs"]
    assert netflow["metadata"]["labels"] == {"app": "goflow2"}
    assert netflow["spec"]["type"] == "NodePort" and netflow["spec"]["selector"] == {"app": "goflow2"}
    assert netflow["spec"]["ports"] == [{"name": "netflow", "port": 2055, "targetPort": 2055, "protocol": "UDP",
                                         "nodePort": 32055}]


def test_idrac_exporter_config_mount_priority_and_service(monitoring):
    deployment = monitoring.k8s("Deployment", "idrac-redfish-exporter", NS)
    assert deployment["inputs"]["metadata"]["annotations"]["reloader.stakater.com/search"] == "true"
    pod = _pod(deployment)
    assert pod["priorityClassName"] == "tier-1-cluster"
    assert pod["dnsConfig"] == {"options": [{"name": "ndots", "value": "2"}]}
    [container] = pod["containers"]
    assert container["name"] == "redfish-exporter" and container["ports"] == [{"containerPort": 9610}]
    assert container["volumeMounts"] == [{"name": "redfish-exporter-config", "mountPath": "/etc/prometheus/idrac.yml",
                                          "subPath": "config.yml"}]
    assert pod["volumes"] == [{"name": "redfish-exporter-config", "configMap": {"name": "redfish-exporter-config"}}]
    config = monitoring.k8s("ConfigMap", "redfish-exporter-config", NS)["inputs"]
    assert config["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}
    service = monitoring.k8s("Service", "idrac-redfish-exporter", NS)["inputs"]
    assert service["metadata"]["labels"] == {"app": "idrac-redfish-exporter"}
    assert service["spec"]["ports"] == [{"name": "http", "port": 9090, "targetPort": 9610}]


@pytest.mark.parametrize("name, port, description, icon", [
    ("idrac-redfish-exporter", 9090, "iDRAC Redfish metrics exporter", "dell.png"),
    ("snmp-exporter", 9116, "SNMP metrics exporter", "mdi-lan"),
])
def test_lan_ingresses_are_local_only_without_sso(monitoring, name, port, description, icon):
    ingress = monitoring.k8s("Ingress", name, NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert "traefik-local-only@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    assert annotations["gethomepage.dev/description"] == description
    assert annotations["gethomepage.dev/icon"] == icon
    [rule] = ingress["spec"]["rules"]
    assert rule["host"] == f"{name}.viktorbarzin.lan"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": name, "port": {"number": port}}


def test_pve_exporter_config_secret_and_slow_scrape_service(monitoring):
    pod = _pod(monitoring.k8s("Deployment", "proxmox-exporter", NS))
    [container] = pod["containers"]
    assert container["ports"] == [{"containerPort": 9221}]
    assert container["resources"] == {"requests": {"cpu": "15m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}}
    assert container["volumeMounts"] == [{"name": "config-volume", "mountPath": "/etc/prometheus", "readOnly": True}]
    assert pod["volumes"] == [{"name": "config-volume", "secret": {
        "secretName": "pve-exporter-config", "items": [{"key": "pve.yml", "path": "pve.yml"}]}}]
    monitoring.k8s("Secret", "pve-exporter-config", NS)
    service = monitoring.k8s("Service", "proxmox-exporter", NS)["inputs"]
    assert service["metadata"]["annotations"] == {
        "prometheus.io/scrape_slow": "true", "prometheus.io/port": "9221", "prometheus.io/path": "/pve",
        "prometheus.io/param_target": "192.168.1.127", "prometheus.io/param_node": "1",
        "prometheus.io/param_cluster": "1"}
    assert service["spec"]["ports"] == [{"name": "http", "port": 9221, "targetPort": 9221}]


def test_pve_config_file():
    assert exporters.pve_config("pw") == (
        'default:\n    user: "root@pam"\n    password: pw\n    verify_ssl: false\n    timeout: 30\n')


def test_redfish_config_fills_every_token():
    template = "hosts:\n  @IDRAC_HOST@:\n    username: @IDRAC_USERNAME@\n    password: @IDRAC_PASSWORD@\n"
    rendered = exporters.redfish_config(template, "192.168.1.4", "user", "pw")
    assert rendered == "hosts:\n  192.168.1.4:\n    username: user\n    password: pw\n"


def test_snmp_exporter_config_and_resources(monitoring):
    deployment = monitoring.k8s("Deployment", "snmp-exporter", NS)
    assert deployment["inputs"]["metadata"]["annotations"]["reloader.stakater.com/search"] == "true"
    pod = _pod(deployment)
    [container] = pod["containers"]
    assert container["ports"] == [{"containerPort": 9116}]
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}}
    assert container["volumeMounts"] == [{"name": "config-volume", "mountPath": "/etc/snmp_exporter/"}]
    assert pod["volumes"] == [{"name": "config-volume", "configMap": {"name": "snmp-exporter-yaml"}}]
    config = monitoring.k8s("ConfigMap", "snmp-exporter-yaml", NS)["inputs"]
    assert set(config["data"]) == {"snmp.yml"}
    assert config["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}
    service = monitoring.k8s("Service", "snmp-exporter", NS)["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 9116, "targetPort": 9116}]


def test_blackbox_exporter_net_raw_and_config(monitoring):
    pod = _pod(monitoring.k8s("Deployment", "blackbox-exporter", NS))
    [container] = pod["containers"]
    assert container["args"] == ["--config.file=/etc/blackbox_exporter/blackbox.yml"]
    assert container["ports"] == [{"containerPort": 9115, "name": "http"}]
    assert container["resources"] == {"requests": {"cpu": "5m", "memory": "24Mi"}, "limits": {"memory": "48Mi"}}
    assert container["securityContext"] == {"capabilities": {"add": ["NET_RAW"]}}
    assert pod["volumes"] == [{"name": "config-volume", "configMap": {"name": "blackbox-exporter-config"}}]
    config = monitoring.k8s("ConfigMap", "blackbox-exporter-config", NS)["inputs"]
    modules = yaml.safe_load(config["data"]["blackbox.yml"])["modules"]
    assert set(modules) == {"http_no_authentik_redirect", "icmp_egress", "dns_external", "dns_apex",
                            "tcp_connect", "http_2xx"}
    walloff = modules["http_no_authentik_redirect"]["http"]
    assert walloff["no_follow_redirects"] is True and 404 in walloff["valid_status_codes"]
    assert walloff["fail_if_header_matches"][0]["header"] == "Location"
    assert modules["dns_apex"]["dns"]["validate_answer_rrs"] == {
        "fail_if_not_matches_regexp": [r".*\s+A\s+10\.0\.20\.203$"]}
    service = monitoring.k8s("Service", "blackbox-exporter", NS)["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 9115, "targetPort": 9115}]
