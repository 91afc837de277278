"""proxy: the broker (its code, hash roll and runtime RBAC), the permanent UK gateway and its two Services."""

import hashlib
from pathlib import Path

import pytest

NS = "proxy"
FILES = Path(__file__).resolve().parents[2] / "stacks" / "proxy" / "files"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("proxy")


def _env(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_namespace_owns_its_quota(stack):
    ns = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert ns["tier"] == "4-aux" and ns["resource-governance/custom-quota"] == "true"
    quota = stack.k8s("ResourceQuota", "proxy", NS)["inputs"]["spec"]["hard"]
    assert quota == {"requests.cpu": "10", "requests.memory": "28Gi", "limits.memory": "34Gi", "count/pods": "28"}


def test_broker_runs_its_code_and_rolls_on_a_code_change(stack):
    deployment = stack.k8s("Deployment", "proxy-broker", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    assert deployment["inputs"]["metadata"]["annotations"]["reloader.stakater.com/auto"] == "true"
    template = spec["template"]
    digests = [hashlib.sha256((FILES / "broker" / f).read_bytes()).hexdigest()
               for f in ("broker.py", "pool.py", "wgkeys.py", "index.html")]
    assert template["metadata"]["annotations"] == {
        "prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics",
        "checksum/broker-scripts": hashlib.sha256(",".join(digests).encode()).hexdigest(),
    }
    pod = template["spec"]
    assert pod["serviceAccountName"] == "proxy-broker"
    assert pod["securityContext"] == {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    [container] = pod["containers"]
    assert container["image"] == "python:3.12-slim"
    assert container["command"] == ["python3", "-u", "/broker/broker.py"]
    env = _env(container)
    assert [e["name"] for e in container["env"]] == [
        "NAMESPACE", "HOST", "TLS_SECRET", "GW_IDLE_SECONDS", "NEKO_IMAGE", "TURN_SECRET", "PORT", "NORDVPN_TOKEN"]
    assert env["HOST"] == "proxy.viktorbarzin.me" and env["GW_IDLE_SECONDS"] == "600"
    assert env["NEKO_IMAGE"] == ("ghcr.io/m1k1o/neko/nvidia-chromium:3.1.4@sha256:"
                                 "0a00e6d56b3c09615c59eba944c4b513497058bbe1c231419f2ffb6743d11ed7")
    assert env["TURN_SECRET"] == {"secretKeyRef": {"name": "proxy-turn", "key": "turn_secret"}}
    assert env["NORDVPN_TOKEN"] == {"secretKeyRef": {"name": "proxy-secrets", "key": "nordvpn_token"}}
    assert pod["volumes"] == [{"name": "broker", "configMap": {"name": "proxy-broker-scripts", "defaultMode": 0o555}}]
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored and 'metadata.labels["tier"]' in ignored
    scripts = stack.k8s("ConfigMap", "proxy-broker-scripts", NS)["inputs"]["data"]
    assert set(scripts) == {"broker.py", "pool.py", "wgkeys.py", "index.html"}


def test_broker_role_is_upstreams_runtime_grant(stack):
    role = stack.k8s("Role", "proxy-broker", NS)["inputs"]
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods", "services", "secrets", "configmaps", "persistentvolumeclaims"],
         "verbs": ["get", "list", "watch", "create", "delete", "patch", "update"]},
        {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
        {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"],
         "verbs": ["get", "list", "watch", "create", "delete", "patch"]},
    ]
    binding = stack.k8s("RoleBinding", "proxy-broker", NS)["inputs"]
    assert binding["roleRef"]["name"] == "proxy-broker"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "proxy-broker", "namespace": NS}]


def test_ui_needs_login_and_sessions_share_one_strip_middleware(stack):
    ingress = stack.k8s("Ingress", "proxy", NS)["inputs"]
    assert ingress["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "required"
    [rule] = ingress["spec"]["rules"]
    assert rule["host"] == "proxy.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "proxy-broker", "port": {"number": 8080}}
    middleware = stack.k8s("Middleware", "strip-session", NS)["inputs"]
    assert middleware["spec"] == {"stripPrefixRegex": {"regex": ["^/s/[^/]+"]}}
    for key in ("proxy-secrets", "proxy-turn"):
        assert stack.k8s("ExternalSecret", key, NS)["inputs"]["spec"]["refreshInterval"] == "1h"


def test_gateway_nodes_are_labelled(stack):
    patches = [r["inputs"] for r in stack.of_type("kubernetes:core/v1:NodePatch")]
    assert sorted(p["metadata"]["name"] for p in patches) == ["k8s-node2", "k8s-node3", "k8s-node4", "k8s-node5"]
    assert all(p["metadata"]["labels"] == {"proxy.viktorbarzin.me/gateway": "true"} for p in patches)


def test_permanent_uk_gateway(stack):
    deployment = stack.k8s("Deployment", "proxy-gw-1", NS)
    meta = deployment["inputs"]["metadata"]
    assert meta["labels"] == {"app": "proxy-gateway", "proxy/gw-idx": "1"}
    assert meta["annotations"] == {"keel.sh/policy": "never", "secret.reloader.stakater.com/reload": "nordvpn-wg",
                                   "pulumi.com/skipAwait": "true"}
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    assert spec["selector"]["matchLabels"] == {"app": "proxy-gateway", "proxy/gw-idx": "1"}
    assert spec["template"]["metadata"] == {
        "labels": {"app": "proxy-gateway", "proxy/gw-idx": "1", "proxy/country": "united-kingdom",
                   "proxy/permanent": "true"},
        "annotations": {"proxy/country-name": "United Kingdom"},
    }
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"proxy.viktorbarzin.me/gateway": "true"}
    assert pod["securityContext"] == {"sysctls": [{"name": "net.ipv4.ip_forward", "value": "1"}]}
    assert pod["dnsPolicy"] == "None" and pod["dnsConfig"] == {"nameservers": ["127.0.0.1"]}
    gluetun, wgserver = pod["containers"]
    assert gluetun["image"] == ("ghcr.io/qdm12/gluetun@sha256:"
                                "e3272b29a4bc177b389fbdcb54cf9716ccbfc30f04d8b7a35b0a5be9cdb58461")
    assert gluetun["securityContext"] == {"capabilities": {"add": ["NET_ADMIN", "SYS_MODULE"]}}
    env = _env(gluetun)
    assert env["FIREWALL_INPUT_PORTS"] == "51820,8888,1080"
    assert env["FIREWALL_OUTBOUND_SUBNETS"] == "10.10.0.0/16,10.96.0.0/12,10.13.1.0/24"
    assert env["HTTPPROXY"] == "on" and env["SOCKS5_ENABLED"] == "on" and env["SERVER_COUNTRIES"] == "United Kingdom"
    assert env["WIREGUARD_PRIVATE_KEY"] == {"secretKeyRef": {"name": "nordvpn-wg", "key": "wg_key"}}
    assert "livenessProbe" not in gluetun
    assert gluetun["readinessProbe"]["exec"]["command"] == ["/gluetun-entrypoint", "healthcheck"]
    assert wgserver["image"] == "ghcr.io/linuxserver/wireguard:1.0.20260223"
    script = wgserver["command"][2]
    assert "ip addr add 10.13.1.1/24 dev wg0" in script
    assert "ip rule add to 10.13.1.0/24 lookup main pref 90" in script and script.endswith("done\n")
    assert pod["volumes"] == [
        {"name": "gw-wg", "secret": {"secretName": "proxy-gw-1-wg", "defaultMode": 0o400}},
        {"name": "peers", "configMap": {"name": "proxy-gw-1-peers", "optional": True}},
    ]
    assert 'metadata.labels["tier"]' in deployment["options"]["ignoreChanges"]
    peers = stack.k8s("ConfigMap", "proxy-gw-1-peers", NS)
    assert peers["inputs"]["data"] == {"peers": "\n"} and peers["options"]["ignoreChanges"] == ["data"]


def test_gateway_services_select_only_the_gateway(stack):
    selector = {"app": "proxy-gateway", "proxy/gw-idx": "1"}
    wg = stack.k8s("Service", "proxy-gw-1", NS)["inputs"]["spec"]
    assert wg["selector"] == selector
    assert wg["ports"] == [{"name": "wg", "port": 51820, "targetPort": 51820, "protocol": "UDP"}]
    egress = stack.k8s("Service", "proxy-egress-uk", NS)["inputs"]
    assert egress["spec"]["selector"] == selector
    assert [p["port"] for p in egress["spec"]["ports"]] == [8888, 1080]
    assert egress["metadata"]["annotations"]["homelab/endpoint"] == "proxy-egress-uk.proxy.svc.cluster.local:8888"
