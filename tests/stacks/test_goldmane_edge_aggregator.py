"""goldmane-edge-aggregator: the mTLS material copied from calico-system, the DB wiring, the digest schedule."""

NS = "goldmane-edge-aggregator"


def test_mtls_material_comes_from_calico_system_and_is_mounted(synth_stack):
    stack = synth_stack(NS)
    ca = stack.k8s("ConfigMap", "tigera-ca-bundle", NS)["inputs"]
    assert set(ca["data"]) == {"ca-bundle.crt", "tigera-ca-bundle.crt"}
    assert all("PLACEHOLDER: ConfigMap calico-system/tigera-ca-bundle" in v for v in ca["data"].values())
    tls = stack.k8s("Secret", "goldmane-client-tls", NS)["inputs"]
    # The key pair stays a secret end to end (the synth records it as "[secret]").
    assert tls["type"] == "Opaque" and tls["stringData"] == "[secret]"
    pod = stack.k8s("Deployment", "goldmane-edge-aggregator", NS)["inputs"]["spec"]["template"]["spec"]
    assert pod["volumes"] == [{"name": "goldmane-client-tls", "secret": {"secretName": "goldmane-client-tls"}},
                              {"name": "tigera-ca", "configMap": {"name": "tigera-ca-bundle"}}]
    container = pod["containers"][0]
    assert container["args"] == ["aggregate"]
    assert {"name": "GOLDMANE_HOST", "value": "goldmane.calico-system.svc.cluster.local:7443"} in container["env"]
    assert [m["mountPath"] for m in container["volumeMounts"]] == ["/etc/goldmane-client-tls", "/etc/tigera-ca"]
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]


def test_database_url_from_the_rotated_role_and_reloader(synth_stack):
    stack = synth_stack(NS)
    spec = stack.k8s("ExternalSecret", "goldmane-edges-db-creds", NS)["inputs"]["spec"]
    assert spec["target"]["template"] == {"data": {
        "DATABASE_URL": "postgresql://goldmane_edges:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/goldmane_edges"}}
    assert spec["data"][0]["remoteRef"] == {"key": "static-creds/pg-goldmane-edges", "property": "password"}
    deployment = stack.k8s("Deployment", "goldmane-edge-aggregator", NS)["inputs"]
    assert deployment["metadata"]["annotations"] == {"secret.reloader.stakater.com/reload": "goldmane-edges-db-creds"}
    job = stack.k8s("Job", "goldmane-edges-db-init", NS)["inputs"]["spec"]
    assert job["backoffLimit"] == 3 and job["template"]["spec"]["restartPolicy"] == "Never"


def test_daily_digest_posts_to_alerts(synth_stack):
    stack = synth_stack(NS)
    cron = stack.k8s("CronJob", "goldmane-edges-digest", NS)["inputs"]["spec"]
    assert (cron["schedule"], cron["timeZone"], cron["concurrencyPolicy"], cron["startingDeadlineSeconds"]) == \
        ("0 8 * * *", "Europe/London", "Forbid", 600)
    container = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "SLACK_CHANNEL", "value": "#alerts"} in container["env"]
    slack = stack.k8s("ExternalSecret", "goldmane-edges-slack", NS)["inputs"]["spec"]
    assert slack["secretStoreRef"]["name"] == "vault-kv" and slack["refreshInterval"] == "1h"
    assert slack["data"] == [{"secretKey": "SLACK_WEBHOOK_URL",
                              "remoteRef": {"key": "viktor", "property": "alertmanager_slack_api_url"}}]
