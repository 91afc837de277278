"""monitoring, probes part: the watchdog and probe CronJobs, the Pushgateway NodePort, the redirect."""

import pytest


def _job(stack, name: str, namespace: str = "monitoring") -> dict:
    return stack.k8s("CronJob", name, namespace)["inputs"]["spec"]


def test_prometheus_watchdog_lives_in_default(synth_stack):
    spec = _job(synth_stack("monitoring"), "monitor-prometheus", "default")
    assert spec["schedule"] == "*/30 * * * *"
    assert spec["concurrencyPolicy"] == "Replace"
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 5)
    container = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["name"] == "monitor-prometheus"
    assert container["image"] == "alpine"
    command = container["command"]
    assert command[:2] == ["/bin/sh", "-c"]
    assert "curl --connect-timeout 2 prometheus-server.monitoring.svc.cluster.local" in command[2]
    assert "https://webhook.viktorbarzin.me/fb/message-viktor -d 'Prometheus is down!'" in command[2]


@pytest.mark.parametrize("name,image,policy,backoff,ttl,requests,limit,script", [
    ("dns-anomaly-monitor", "docker.io/library/alpine", "Replace", 2, 300,
     {"memory": "32Mi", "cpu": "10m"}, "64Mi", "dns-anomaly-monitor"),
    ("forgejo-integrity-probe", "docker.io/library/alpine:3.20", "Forbid", 1, 600,
     {"cpu": "10m", "memory": "48Mi"}, "96Mi", "forgejo-integrity-probe"),
])
def test_probe_cronjobs(synth_stack, name, image, policy, backoff, ttl, requests, limit, script):
    spec = _job(synth_stack("monitoring"), name)
    assert spec["schedule"] == "*/15 * * * *"
    assert spec["concurrencyPolicy"] == policy
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 3)
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (backoff, ttl)
    container = job["template"]["spec"]["containers"][0]
    assert (container["name"], container["image"]) == (name, image)
    assert container["resources"] == {"requests": requests, "limits": {"memory": limit}}
    # The script is the brought-over heredoc (a placeholder in this repository).
    assert container["command"][:2] == ["/bin/sh", "-c"]
    assert container["command"][2].startswith(f"PLACEHOLDER: the {script} CronJob script")


def test_dns_anomaly_monitor_writes_the_ndots_option(synth_stack):
    pod = _job(synth_stack("monitoring"), "dns-anomaly-monitor")["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["dnsConfig"] == {"options": [{"name": "ndots", "value": "2"}]}
    assert pod["restartPolicy"] == "Never"


def test_forgejo_probe_reads_the_cluster_puller_credentials(synth_stack):
    stack = synth_stack("monitoring")
    pod = _job(stack, "forgejo-integrity-probe")["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in pod["containers"][0]["env"]}
    for key in ("REG_USER", "REG_PASS"):
        assert env[key] == {"secretKeyRef": {"name": "forgejo-probe-credentials", "key": key}}
    assert env["REGISTRY_HOST"] == "forgejo.forgejo.svc.cluster.local"
    assert env["REGISTRY_SCHEME"] == "http"
    assert env["REGISTRY_INSTANCE"] == "forgejo.viktorbarzin.me"
    assert env["PUSHGATEWAY"] == ("http://prometheus-prometheus-pushgateway.monitoring:9091"
                                  "/metrics/job/forgejo-integrity-probe")
    assert env["TAGS_PER_REPO"] == "5"
    secret = stack.k8s("Secret", "forgejo-probe-credentials", "monitoring")["inputs"]
    assert secret["type"] == "Opaque"
    assert secret["stringData"] == "[secret]"  # the Vault token makes the whole map secret


def test_pushgateway_nodeport(synth_stack):
    spec = synth_stack("monitoring").k8s("Service", "pushgateway-nodeport", "monitoring")["inputs"]["spec"]
    assert spec["type"] == "NodePort"
    assert spec["selector"] == {"app.kubernetes.io/name": "prometheus-pushgateway",
                                "app.kubernetes.io/instance": "prometheus"}
    assert spec["ports"] == [{"port": 9091, "targetPort": 9091, "nodePort": 30091, "protocol": "TCP"}]


def test_yotovski_redirect(synth_stack):
    stack = synth_stack("monitoring")
    middleware = stack.k8s("Middleware", "yotovski-redirect", "monitoring")["inputs"]
    assert middleware["apiVersion"] == "traefik.io/v1alpha1"
    assert middleware["spec"] == {"redirectRegex": {
        "regex": ".*", "replacement": "https://hetrixtools.com/r/2ba9d7a5e017794db0fd91f0115a8b3b/", "permanent": True}}
    route = stack.k8s("IngressRoute", "hetrix-yotovski-redirect-ingress", "monitoring")["inputs"]
    assert route["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "none"
    assert route["spec"] == {
        "entryPoints": ["websecure"],
        "routes": [{
            "match": "Host(`yotovski-status.viktorbarzin.me`)", "kind": "Rule",
            "middlewares": [{"name": "yotovski-redirect", "namespace": "monitoring"}],
            "services": [{"kind": "TraefikService", "name": "noop@internal"}],
        }],
        "tls": {"secretName": "tls-secret"},
    }
