"""nodelocal-dns: the per-node cache every pod resolves through, its Corefile byte for byte."""

import hashlib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
NS = "kube-system"
# The live ConfigMap's Corefile digest (what the pod template's corefile-hash carries today).
COREFILE_SHA256 = "81a8a84ef93093a638b9c15f8aa7c888ff54b53203fd670884298a636081a927"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("nodelocal-dns")


def test_one_dns_change_unit_with_technitium():
    meta = yaml.safe_load((REPO / "stacks" / "nodelocal-dns" / "stack.yaml").read_text())
    assert meta["human_only"] is True and meta["depends_on"] == ["technitium"]


def test_corefile_is_byte_identical(stack):
    corefile = stack.k8s("ConfigMap", "node-local-dns", NS)["inputs"]["data"]["Corefile"]
    assert hashlib.sha256(corefile.encode()).hexdigest() == COREFILE_SHA256
    assert "viktorbarzin.lan:53 {" in corefile and "forward . 10.96.0.53\n" in corefile


def test_daemonset_runs_on_every_node_on_the_host_network(stack):
    ds = stack.k8s("DaemonSet", "node-local-dns", NS)
    spec = ds["inputs"]["spec"]
    pod = spec["template"]["spec"]
    assert spec["selector"] == {"matchLabels": {"k8s-app": "node-local-dns"}}
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}}
    assert spec["template"]["metadata"]["annotations"] == {"node-local-dns/corefile-hash": COREFILE_SHA256}
    assert pod["hostNetwork"] is True and pod["dnsPolicy"] == "Default"
    assert pod["tolerations"] == [{"operator": "Exists"}]
    assert pod["priorityClassName"] == "system-node-critical" and pod["terminationGracePeriodSeconds"] == 0
    [container] = pod["containers"]
    assert container["image"] == "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1"
    assert container["args"] == ["-localip", "169.254.20.10,10.96.0.10", "-conf", "/etc/Corefile",
                                 "-upstreamsvc", "kube-dns-upstream", "-skipteardown=true"]
    assert container["securityContext"] == {"capabilities": {"add": ["NET_ADMIN"]}}
    assert container["livenessProbe"]["httpGet"] == {"host": "169.254.20.10", "path": "/health", "port": "8080"}
    assert ds["inputs"]["metadata"]["labels"] == {"k8s-app": "node-local-dns", "tier": "0-core"}
    assert 'metadata.labels["keel.sh/policy"]' in ds["options"]["ignoreChanges"]


def test_upstream_service_selects_coredns_and_metrics_are_headless(stack):
    upstream = stack.k8s("Service", "kube-dns-upstream", NS)["inputs"]["spec"]
    assert upstream["selector"] == {"k8s-app": "kube-dns"}
    assert {(p["protocol"], p["port"]) for p in upstream["ports"]} == {("UDP", 53), ("TCP", 53)}
    metrics = stack.k8s("Service", "node-local-dns", NS)["inputs"]
    assert metrics["spec"]["clusterIP"] == "None"
    assert metrics["metadata"]["annotations"] == {"prometheus.io/port": "9253", "prometheus.io/scrape": "true"}
