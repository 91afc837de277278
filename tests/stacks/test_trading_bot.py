"""trading-bot: the objects an outage (or a re-run of its one-off Jobs) would be about."""

from components import constants as c

NS = "trading-bot"
SERVICE_IMAGE = "ghcr.io/viktorbarzin/trading-bot-service:latest"
ENV_FROM = [{"secretRef": {"name": "trading-bot-secrets"}}, {"secretRef": {"name": "trading-bot-db-creds"}}]


def _names(container):
    return [e["name"] for e in container["env"]]


def test_jobs_keep_their_immutable_templates(synth_stack):
    stack = synth_stack(NS)
    init = stack.k8s("Job", "trading-bot-db-init", NS)
    spec = init["inputs"]["spec"]
    assert spec["backoffLimit"] == 3 and spec["template"]["metadata"] == {}
    [db] = spec["template"]["spec"]["containers"]
    assert db["name"] == "db-init" and db["image"] == "postgres:16-alpine"
    assert db["command"][:2] == ["sh", "-c"] and db["envFrom"] == ENV_FROM
    assert "spec.template.spec.dnsConfig" in init["options"]["ignoreChanges"]
    migrations = stack.k8s("Job", "trading-bot-migrations", NS)
    pod = migrations["inputs"]["spec"]["template"]
    assert pod["metadata"] == {} and pod["spec"]["restartPolicy"] == "Never"
    assert pod["spec"]["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    [m] = pod["spec"]["containers"]
    assert m["command"] == ["python", "-m", "alembic", "upgrade", "head"]
    assert m["image"] == SERVICE_IMAGE and m["imagePullPolicy"] == "Always"
    assert m["env"] == [{"name": "TRADING_REDIS_URL", "value": "redis://redis-master.redis.svc.cluster.local:6379/4"}]
    assert m["envFrom"] == ENV_FROM


def test_workers_run_six_services_with_the_live_env_order(synth_stack):
    stack = synth_stack(NS)
    deployment = stack.k8s("Deployment", "trading-bot-workers", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    containers = spec["template"]["spec"]["containers"]
    assert [x["name"] for x in containers] == ["signal-generator", "learning-engine", "market-data",
                                               "meet-kevin-watcher", "kevin-signal-bridge", "trade-executor"]
    executor = containers[5]
    # Shared env in key order, then the metrics port and the executor's risk caps: 25 entries, one PAPER_TRADING.
    assert len(executor["env"]) == 25 and _names(executor).count("TRADING_PAPER_TRADING") == 1
    assert _names(executor)[:19] == sorted(_names(executor)[:19])
    assert _names(executor)[19:21] == ["TRADING_OTEL_METRICS_PORT", "TRADING_KEVIN_DAILY_TRADE_CAP"]
    ports = [next(e["value"] for e in x["env"] if e["name"] == "TRADING_OTEL_METRICS_PORT") for x in containers]
    assert ports == ["9093", "9095", "9096", "9097", "9098", "9099"]
    assert all(x["envFrom"] == ENV_FROM and x["image"] == SERVICE_IMAGE for x in containers)
    for i in range(6):
        assert f"spec.template.spec.containers[{i}].image" in deployment["options"]["ignoreChanges"]


def test_frontend_service_and_ingress(synth_stack):
    stack = synth_stack(NS)
    spec = stack.k8s("Deployment", "trading-bot-frontend", NS)["inputs"]["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    assert [x["name"] for x in spec["template"]["spec"]["containers"]] == ["dashboard", "api-gateway"]
    assert spec["template"]["metadata"]["annotations"]["dependency.kyverno.io/wait-for"] == \
        "postgresql.dbaas:5432,redis-master.redis:6379"
    service = stack.k8s("Service", "trading-bot-frontend", NS)["inputs"]["spec"]
    assert service["ports"][0]["port"] == 80 and service["ports"][0]["targetPort"] == 80
    ingress = stack.k8s("Ingress", "trading", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "app"
    assert ingress["spec"]["rules"][0]["host"] == "trading.viktorbarzin.me"


def test_secrets_come_from_vault_kv_and_the_database_engine(synth_stack):
    stack = synth_stack(NS)
    kv = stack.k8s("ExternalSecret", "trading-bot-secrets", NS)["inputs"]["spec"]
    keys = {d["secretKey"]: d["remoteRef"]["key"] for d in kv["data"]}
    assert len(keys) == 14 and keys["slack_bot_token"] == "viktor" and keys["imap_password"] == "trading-bot"
    db = stack.k8s("ExternalSecret", "trading-bot-db-creds", NS)["inputs"]["spec"]
    assert db["secretStoreRef"]["name"] == "vault-database"
    assert db["data"][0]["remoteRef"]["key"] == "static-creds/pg-trading"
