"""actualbudget: the objects an outage would be about (values from the Terragrunt stack)."""

NS = "actualbudget"


def test_each_enabled_person_has_a_server_on_its_encrypted_claim(synth_stack):
    stack = synth_stack("actualbudget")
    for who, size in (("viktor", "4Gi"), ("anca", "1Gi")):
        deployment = stack.k8s("Deployment", f"actualbudget-{who}", NS)["inputs"]
        assert deployment["metadata"]["labels"] == {"app": f"actualbudget-{who}", "tier": "3-edge"}
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["image"] == "actualbudget/actual-server:26.8.1"
        assert container["ports"] == [{"containerPort": 5006}]
        assert container["resources"] == {"requests": {"cpu": "15m", "memory": "320Mi"}, "limits": {"memory": "400Mi"}}
        assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": f"actualbudget-{who}-data-encrypted"}}]
        service = stack.k8s("Service", f"budget-{who}", NS)["inputs"]["spec"]
        assert service["selector"] == {"app": f"actualbudget-{who}"}
        assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 5006}]
        pvc = stack.k8s("PersistentVolumeClaim", f"actualbudget-{who}-data-encrypted", NS)["inputs"]
        assert pvc["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
        assert pvc["spec"]["resources"]["requests"]["storage"] == size
        assert pvc["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"


def test_disabled_person_keeps_only_the_data_claim(synth_stack):
    stack = synth_stack("actualbudget")
    stack.k8s("PersistentVolumeClaim", "actualbudget-emo-data-encrypted", NS)
    emo = [r["inputs"]["metadata"]["name"] for r in stack.resources
           if r["custom"] and "emo" in r["inputs"].get("metadata", {}).get("name", "")]
    assert emo == ["actualbudget-emo-data-encrypted"]


def test_ingress_is_app_auth_behind_the_dedicated_rate_limit(synth_stack):
    stack = synth_stack("actualbudget")
    ingress = stack.k8s("Ingress", "budget-anca", NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert ingress["spec"]["rules"][0]["host"] == "budget-anca.viktorbarzin.me"
    assert annotations["infra.viktorbarzin.me/auth"] == "app"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert annotations["gethomepage.dev/name"] == "Budget Anca"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-1] == "traefik-actualbudget-rate-limit@kubernetescrd"
    assert "traefik-rate-limit@kubernetescrd" not in chain
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain


def test_http_api_reaches_its_server_with_the_password_from_vault(synth_stack):
    stack = synth_stack("actualbudget")
    deployment = stack.k8s("Deployment", "actualbudget-http-api-viktor", NS)["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "RollingUpdate"}
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "jhonderson/actual-http-api:26.8.1"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["ACTUAL_SERVER_URL"] == "http://budget-viktor.actualbudget.svc.cluster.local"
    assert env["ACTUAL_SERVER_PASSWORD"] == "[secret]"
    assert stack.k8s("Service", "budget-http-api-viktor", NS)["inputs"]["spec"]["ports"] == [
        {"name": "http", "port": 80, "targetPort": 5007}]
    keys = [r["name"] for r in stack.of_type("random:index/randomString:RandomString")]
    assert sorted(keys) == ["actualbudget-anca-api-key", "actualbudget-emo-api-key", "actualbudget-viktor-api-key"]


def test_bank_sync_runs_daily_and_replaces_a_stuck_run(synth_stack):
    stack = synth_stack("actualbudget")
    for who in ("viktor", "anca"):
        spec = stack.k8s("CronJob", f"bank-sync-{who}", NS)["inputs"]["spec"]
        assert spec["schedule"] == "0 0 * * *"
        assert spec["concurrencyPolicy"] == "Replace"
        assert (spec["startingDeadlineSeconds"], spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (60, 10, 5)
        job = spec["jobTemplate"]["spec"]
        assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (1, 1800, 86400)
        [container] = job["template"]["spec"]["containers"]
        assert container["image"] == "alpine:3.20" and container["command"][:2] == ["/bin/sh", "-c"]
