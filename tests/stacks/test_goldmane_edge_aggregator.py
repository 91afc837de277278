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


def test_db_init_script_is_the_brought_over_one_with_its_tokens_filled(monkeypatch):
    # The Job is adopted, so its script is upstream's heredoc verbatim (files/db-init.sh via
    # bring-over); only the three interpolations are substituted. A stand-in script with the
    # tokens shows the program adds nothing and fills each token from Vault / settings.
    import runpy
    from pathlib import Path

    from pulumi.runtime import rpc

    from components import payload
    from tools.synth import mockrt

    stack_dir = Path(__file__).resolve().parents[2] / "stacks" / NS
    stand_in = "set -e\nA '@ROOT_PASSWORD@' -h @PG_HOST@ B '@DB_PASSWORD@'\n"
    real = payload.load_payload
    monkeypatch.setattr(payload, "load_payload",
                        lambda d, rel: stand_in if rel == "db-init.sh" else real(d, rel))
    seen = {}
    original = mockrt._Mocks.new_resource

    def plain(value):
        # A secret reaches the mock in Pulumi's envelope ({<sig>: ..., "value": ...}), and the
        # secret command makes the whole spec one.
        if isinstance(value, dict):
            if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
                seen["secret"] = True
                return plain(value["value"])
            return {k: plain(v) for k, v in value.items()}
        return [plain(v) for v in value] if isinstance(value, list) else value

    def new_resource(self, args):
        if args.typ == "kubernetes:batch/v1:Job":
            seen["containers"] = plain(args.inputs["spec"])["template"]["spec"]["containers"]
        return original(self, args)

    monkeypatch.setattr(mockrt._Mocks, "new_resource", new_resource)
    monkeypatch.chdir(stack_dir)
    result = mockrt.run_callable(
        lambda: runpy.run_path(str(stack_dir / "__main__.py"), run_name="__main__"),
        project=NS, invokes={"vault:kv/getSecretV2:getSecretV2": {
            "data": {"dbaas_root_password": "root-pw", "db_password": "role-pw"}}})
    assert result.error is None, result.error
    [container] = seen["containers"]
    assert (container["name"], container["image"]) == ("db-init", "postgres:16-alpine")
    assert seen["secret"]
    assert container["command"] == [
        "sh", "-c", "set -e\nA 'root-pw' -h pg-cluster-rw.dbaas.svc.cluster.local B 'role-pw'\n"]
