"""tripit: the objects an outage would be about — app, listener, workers, stores, hosts, OIDC client."""

NS = "tripit"
HOST = "tripit.viktorbarzin.me"
IMAGE = "ghcr.io/viktorbarzin/tripit:latest"
ENV_FROM = [{"secretRef": {"name": "tripit-secrets"}}, {"secretRef": {"name": "tripit-db-creds"}}]


def _env(container: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_app_migrates_then_serves_from_both_document_stores(synth_stack):
    stack = synth_stack(NS)
    deployment = stack.k8s("Deployment", "tripit", NS)
    meta, spec = deployment["inputs"]["metadata"], deployment["inputs"]["spec"]
    assert meta["labels"] == {"app": "tripit", "tier": "4-aux"}
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]
    migrate, chown = pod["initContainers"]
    assert migrate["command"] == ["alembic", "upgrade", "head"] and migrate["envFrom"] == ENV_FROM
    assert chown["image"] == "busybox:1.37" and chown["securityContext"] == {"runAsUser": 0}
    [app] = pod["containers"]
    assert app["image"] == IMAGE and app["envFrom"] == ENV_FROM
    env = _env(app)
    assert env["AUTH_MODE"] == "normal" and env["OIDC_AUDIENCE"] == "tripit-app"
    assert env["STORAGE_DIR"] == "/data/documents" and env["MAIL_INGEST_ENABLED"] == "false"
    assert [e["name"] for e in app["env"]] == sorted(env), "Terraform renders map env in key order"
    assert app["resources"] == {"requests": {"cpu": "100m", "memory": "384Mi"}, "limits": {"memory": "768Mi"}}
    assert pod["volumes"] == [
        {"name": "documents", "persistentVolumeClaim": {"claimName": "tripit-documents-host"}},
        {"name": "personal-documents", "persistentVolumeClaim": {"claimName": "tripit-personal-documents"}}]
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored
    assert "spec.template.spec.initContainers[0].image" in ignored
    claim = stack.k8s("PersistentVolumeClaim", "tripit-personal-documents", NS)["inputs"]
    assert claim["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["spec"]["resources"]["requests"]["storage"] == "2Gi"
    nfs = stack.k8s("PersistentVolume", "tripit-documents-host")["inputs"]["spec"]
    assert nfs["csi"]["volumeAttributes"]["share"] == "/srv/nfs/tripit-documents"
    service = stack.k8s("Service", "tripit", NS)["inputs"]
    assert service["spec"]["selector"] == {"app": "tripit"}
    assert service["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"


def test_mail_listener_reads_plans_mail_with_spam_password(synth_stack):
    deployment = synth_stack(NS).k8s("Deployment", "tripit-mail-listener", NS)["inputs"]
    spec = deployment["spec"]
    assert spec["selector"]["matchLabels"] == {"app": "tripit-mail-listener", "component": "mail-listener"}
    assert spec["progressDeadlineSeconds"] == 900
    pod = spec["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] == 600
    [listener] = pod["containers"]
    env = _env(listener)
    assert listener["env"][-1]["name"] == "IMAP_PASSWORD"
    assert env["IMAP_PASSWORD"] == {"secretKeyRef": {"name": "tripit-secrets", "key": "PLANS_IMAP_PASSWORD"}}
    assert env["MAIL_INGEST_ENABLED"] == "true" and env["IMAP_SEARCH"] == 'TO "plans@viktorbarzin.me"'


def test_seven_workers_keep_their_schedules(synth_stack):
    stack = synth_stack(NS)
    expected = {
        "poll-flights": ("0 * * * *", None), "run-reminders": ("*/15 * * * *", None),
        "ingest-plans": ("*/15 * * * *", None), "transport-nudge": ("0 8 * * *", "Europe/London"),
        "weather-brief": ("0 21 * * *", "Europe/London"), "fill-tour-audio": ("20 2 * * *", "Europe/London"),
        "fill-tour-audio-retry": ("30 4 * * *", "Europe/London"),
    }
    for job, (schedule, zone) in expected.items():
        spec = stack.k8s("CronJob", f"tripit-{job}", NS)["inputs"]["spec"]
        assert (spec["schedule"], spec.get("timeZone")) == (schedule, zone), job
        assert spec["concurrencyPolicy"] == "Forbid" and spec["startingDeadlineSeconds"] == 300
        assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 5)
        job_spec = spec["jobTemplate"]["spec"]
        assert job_spec["backoffLimit"] == 3 and job_spec["ttlSecondsAfterFinished"] == 86400
        assert job_spec.get("activeDeadlineSeconds") == (600 if job == "ingest-plans" else None), job
        [worker] = job_spec["template"]["spec"]["containers"]
        assert worker["image"] == IMAGE and worker["envFrom"] == ENV_FROM
        assert ("IMAP_PASSWORD" in _env(worker)) == (job == "ingest-plans"), job


def test_hosts_and_their_gates(synth_stack):
    stack = synth_stack(NS)
    paths = {}
    for ingress in stack.of_type("kubernetes:networking.k8s.io/v1:Ingress"):
        meta = ingress["inputs"]["metadata"]
        rule = ingress["inputs"]["spec"]["rules"][0]
        paths[meta["name"]] = (rule["host"], [p["path"] for p in rule["http"]["paths"]])
    assert paths == {
        "tripit": (HOST, ["/"]), "tripit-app-api": (HOST, ["/api"]), "tripit-metrics": (HOST, ["/metrics"]),
        "tripit-calendar": (HOST, ["/api/calendar"]), "tripit-emails-confirm": (HOST, ["/api/emails/confirm"]),
        "tripit-planner-slack": (HOST, ["/api/planner/slack"]), "tripit-api": ("tripit-api.viktorbarzin.me", ["/"]),
    }
    metrics = stack.k8s("Ingress", "tripit-metrics", NS)["inputs"]["metadata"]["annotations"]
    assert "authentik" in metrics["traefik.ingress.kubernetes.io/router.middlewares"]
    api = stack.k8s("Ingress", "tripit-api", NS)["inputs"]["metadata"]["annotations"]
    assert "authentik" not in api["traefik.ingress.kubernetes.io/router.middlewares"]
    assert "traefik-tripit-rate-limit@kubernetescrd" in api["traefik.ingress.kubernetes.io/router.middlewares"]


def test_shell_oidc_client_is_public_with_refresh_tokens(synth_stack):
    stack = synth_stack(NS)
    [provider] = stack.of_type("authentik:index/providerOauth2:ProviderOauth2")
    inputs = provider["inputs"]
    assert (inputs["name"], inputs["clientId"], inputs["clientType"]) == ("tripit-app", "tripit-app", "public")
    assert inputs["subMode"] == "user_email" and inputs["refreshTokenValidity"] == "days=90"
    assert inputs["invalidationFlow"] == "b0a43377-0fa6-45d1-89fc-ed298bb1bb53"
    assert [u["url"] for u in inputs["allowedRedirectUris"]] == [
        "me.viktorbarzin.tripit://callback", f"https://{HOST}/api/auth/callback/authentik"]
    assert len(inputs["propertyMappings"]) == 4
    [app] = stack.of_type("authentik:index/application:Application")
    assert (app["inputs"]["slug"], app["inputs"]["name"]) == ("tripit-app", "TripIt App")


def test_secrets_sync_from_vault(synth_stack):
    stack = synth_stack(NS)
    app = stack.k8s("ExternalSecret", "tripit-secrets", NS)["inputs"]["spec"]
    keys = {d["secretKey"]: d["remoteRef"]["property"] for d in app["data"]}
    assert len(keys) == 19 and keys["SMTP_PASSWORD"] == "PLANS_IMAP_PASSWORD"
    db = stack.k8s("ExternalSecret", "tripit-db-creds", NS)["inputs"]["spec"]
    assert db["secretStoreRef"] == {"name": "vault-database", "kind": "ClusterSecretStore"}
    assert db["target"]["template"]["data"]["DB_CONNECTION_STRING"] == (
        "postgresql+asyncpg://tripit:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/tripit")
