"""kms: the objects an outage would be about (the KMS listener and the activators' paths)."""


def test_vlmcsd_service_has_its_own_address_and_local_traffic(synth_stack):
    stack = synth_stack("kms")
    service = stack.k8s("Service", "windows-kms", "kms")
    spec = service["inputs"]["spec"]
    assert spec["type"] == "LoadBalancer" and spec["externalTrafficPolicy"] == "Local"
    assert spec["selector"] == {"app": "kms-service"}
    assert [p["port"] for p in spec["ports"]] == [1688]
    annotations = service["inputs"]["metadata"]["annotations"]
    assert annotations["metallb.io/loadBalancerIPs"] == "10.0.20.202"
    assert "metallb.io/allow-shared-ip" not in annotations
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert 'metadata.annotations["metallb.io/ip-allocated-from-pool"]' in service["options"]["ignoreChanges"]


def test_vlmcsd_ready_only_when_listening_and_notifier_reads_its_log(synth_stack):
    stack = synth_stack("kms")
    pod = stack.k8s("Deployment", "kms", "kms")["inputs"]["spec"]["template"]
    kms, notifier = pod["spec"]["containers"]
    assert kms["image"] == "kebe/vlmcsd:latest"
    assert kms["command"] == ["/usr/bin/vlmcsd"] and kms["args"] == ["-D", "-v", "-l", "/var/log/vlmcsd/vlmcsd.log"]
    assert kms["readinessProbe"] == {"tcpSocket": {"port": 1688}, "initialDelaySeconds": 1, "periodSeconds": 5, "failureThreshold": 3}
    assert kms["livenessProbe"]["tcpSocket"] == {"port": 1688}
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in notifier["env"]}
    assert env["VLMCSD_LOG"] == "/var/log/vlmcsd/vlmcsd.log" and env["DEDUP_WINDOW_SECONDS"] == "3600"
    assert env["SLACK_WEBHOOK_URL"] == {"secretKeyRef": {"name": "kms-slack-webhook", "key": "url"}}
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == "9101"
    assert len(pod["metadata"]["annotations"]["checksum/notifier"]) == 40  # a SHA-1, as upstream's sha1()


def test_slack_webhook_comes_from_vault_kms(synth_stack):
    stack = synth_stack("kms")
    spec = stack.k8s("ExternalSecret", "kms-slack-webhook", "kms")["inputs"]["spec"]
    assert spec["refreshInterval"] == "1h"
    assert spec["target"] == {"name": "kms-slack-webhook", "creationPolicy": "Owner"}
    assert spec["data"] == [{"secretKey": "url", "remoteRef": {"key": "kms", "property": "slack_webhook_url"}}]


def test_vlmcs_record_is_a_only_and_not_proxied(synth_stack):
    stack = synth_stack("kms")
    records = {r["inputs"]["name"]: r["inputs"] for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")}
    vlmcs = records["vlmcs.viktorbarzin.me"]
    assert vlmcs["type"] == "A" and vlmcs["content"] == "176.12.22.76" and vlmcs["proxied"] is False
    assert not any(r["type"] == "AAAA" and name.startswith("vlmcs") for name, r in records.items())


def test_script_and_diag_paths_skip_anubis_on_the_site_host(synth_stack):
    stack = synth_stack("kms")
    site = stack.k8s("Ingress", "kms", "kms")["inputs"]
    backend = site["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert site["spec"]["rules"][0]["host"] == "kms.viktorbarzin.me"
    assert backend == {"name": "anubis-kms", "port": {"number": 8080}}
    for name, paths, service, port in (("kms-scripts", ["/scripts", "/keys.json"], "kms", 80),
                                       ("kms-diag", ["/diag"], "kms-diag", 9102)):
        rule = stack.k8s("Ingress", name, "kms")["inputs"]["spec"]["rules"][0]
        assert rule["host"] == "kms.viktorbarzin.me", name
        assert [p["path"] for p in rule["http"]["paths"]] == paths
        assert {p["backend"]["service"]["name"] for p in rule["http"]["paths"]} == {service}
        assert {p["backend"]["service"]["port"]["number"] for p in rule["http"]["paths"]} == {port}
    anubis = stack.k8s("Deployment", "anubis-kms", "kms")["inputs"]
    env = {e["name"]: e.get("value") for e in anubis["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["TARGET"] == "http://kms.kms.svc.cluster.local"
