"""monitoring, logs part: Loki and Alloy, the Loki datasource and rules, the push ingresses,
the inotify DaemonSet."""

from pathlib import Path

import pytest
import yaml

NS = "monitoring"
STACK = Path(__file__).resolve().parents[2] / "stacks" / "monitoring"


def release(stack, name):
    [found] = [r for r in stack.of_type("kubernetes:helm.sh/v3:Release") if r["inputs"]["name"] == name]
    return found["inputs"]


def test_loki_is_the_pinned_single_binary_with_the_ruler_wired(synth_stack):
    loki = release(synth_stack("monitoring"), "loki")
    assert (loki["chart"], loki["version"], loki["namespace"]) == ("loki", "7.0.0", NS)
    assert loki["repositoryOpts"] == {"repo": "https://grafana.github.io/helm-charts"}
    assert loki["atomic"] is False and loki["timeout"] == 600
    values = loki["values"]
    assert values["deploymentMode"] == "SingleBinary" and values["singleBinary"]["replicas"] == 1
    assert values["singleBinary"]["persistence"] == {"enabled": True, "size": "50Gi", "storageClass": "proxmox-lvm"}
    assert {"name": "rules", "configMap": {"name": "loki-alert-rules"}} in values["singleBinary"]["extraVolumes"]
    ruler = values["loki"]["rulerConfig"]
    assert ruler["alertmanager_url"] == "http://prometheus-alertmanager.monitoring.svc.cluster.local:9093"
    assert values["loki"]["limits_config"]["retention_period"] == "720h"
    assert values["loki"]["auth_enabled"] is False and values["gateway"] == {"enabled": False}
    assert values["read"] == {"replicas": 0} and values["bloomGateway"] == {"replicas": 0}


def test_alloy_is_pinned_and_tails_node_journals(synth_stack):
    alloy = release(synth_stack("monitoring"), "alloy")
    assert (alloy["chart"], alloy["version"], alloy["namespace"]) == ("alloy", "1.11.0", NS)
    assert alloy["atomic"] is True and alloy["timeout"] == 900
    values = alloy["values"]
    assert values["alloy"]["mounts"]["varlog"] is True
    assert [v["hostPath"]["path"] for v in values["controller"]["volumes"]["extra"]] == [
        "/run/log/journal", "/var/log/journal", "/etc/machine-id"]
    assert [t["key"] for t in values["controller"]["tolerations"]] == [
        "node-role.kubernetes.io/control-plane", "nvidia.com/gpu"]
    assert values["controller"]["updateStrategy"]["rollingUpdate"] == {"maxUnavailable": "50%"}
    # Its pipeline is the brought-over alloy.yaml's (a placeholder in the offline synth).
    assert values["alloy"]["configMap"]["content"].startswith("PLACEHOLDER")


def test_loki_datasource_by_name(synth_stack):
    config_map = synth_stack("monitoring").k8s("ConfigMap", "grafana-loki-datasource", NS)["inputs"]
    assert config_map["metadata"]["labels"] == {"grafana_datasource": "1"}
    document = yaml.safe_load(config_map["data"]["loki-datasource.yaml"])
    assert document == {"apiVersion": 1, "datasources": [{
        "name": "Loki", "type": "loki", "access": "proxy",
        "url": "http://loki.monitoring.svc.cluster.local:3100", "isDefault": False}]}


def test_ruler_rules_config_map(synth_stack):
    config_map = synth_stack("monitoring").k8s("ConfigMap", "loki-alert-rules", NS)["inputs"]
    assert list(config_map["data"]) == ["rules.yaml"]


def test_inotify_daemonset_runs_privileged_in_the_host_pid_namespace_on_every_node(synth_stack):
    daemonset = synth_stack("monitoring").k8s("DaemonSet", "sysctl-inotify", NS)
    pod = daemonset["inputs"]["spec"]["template"]["spec"]
    assert pod["hostPID"] is True and "hostNetwork" not in pod
    assert pod["tolerations"] == [{"operator": "Exists"}]
    assert not any("hostPath" in v for v in pod.get("volumes", []))
    [init] = pod["initContainers"]
    assert init["image"] == "busybox:1.37" and init["securityContext"] == {"privileged": True}
    assert "fs.inotify.max_user_watches=1048576" in init["command"][2]
    [pause] = pod["containers"]
    assert pause["image"] == "registry.k8s.io/pause:3.10"
    assert pause["resources"]["limits"] == {"cpu": "1m", "memory": "4Mi"}
    ignored = daemonset["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored and 'metadata.labels["tier"]' in ignored
    assert "spec.template.spec.dnsConfig" in ignored


@pytest.mark.parametrize("name, host, path, rate_limited", [
    ("loki", "loki.viktorbarzin.lan", "/", True),
    ("loki-otlp", "loki-otlp.viktorbarzin.me", "/otlp", False),
])
def test_push_ingresses_are_lan_only_without_forward_auth(synth_stack, name, host, path, rate_limited):
    ingress = synth_stack("monitoring").k8s("Ingress", name, NS)["inputs"]
    [rule] = ingress["spec"]["rules"]
    assert rule["host"] == host
    [backend] = rule["http"]["paths"]
    assert backend["path"] == path and backend["backend"]["service"] == {"name": "loki", "port": {"number": 3100}}
    annotations = ingress["metadata"]["annotations"]
    middlewares = annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert "traefik-local-only@kubernetescrd" in middlewares and "authentik" not in middlewares
    assert ("traefik-rate-limit@kubernetescrd" in middlewares) is rate_limited


def test_brought_over_alloy_file_must_match_the_declared_values(tmp_path, monkeypatch):
    import sys
    monkeypatch.syspath_prepend(str(STACK))
    sys.modules.pop("monitoring_loki", None)
    import monitoring_loki
    (tmp_path / "files").mkdir()
    values = monitoring_loki.alloy_values("logging {\n  level = \"info\"\n}\n")
    (tmp_path / "files" / "alloy.yaml").write_text(yaml.safe_dump(values))
    assert monitoring_loki.alloy_config(tmp_path) == "logging {\n  level = \"info\"\n}\n"
    values["alloy"]["resources"]["limits"]["memory"] = "2Gi"
    (tmp_path / "files" / "alloy.yaml").write_text(yaml.safe_dump(values))
    with pytest.raises(ValueError, match="alloy_values"):
        monitoring_loki.alloy_config(tmp_path)
