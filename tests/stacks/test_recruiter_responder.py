"""recruiter-responder: the objects an outage would be about."""

from components import constants as c

NS = "recruiter-responder"


def test_only_the_signed_callbacks_are_public(synth_stack):
    ingress = synth_stack(NS).k8s("Ingress", NS, NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    assert c.MW_AI_BOT_BLOCK not in annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "recruiter-responder.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == ["/cb"]
    assert rule["http"]["paths"][0]["backend"]["service"]["port"] == {"number": 8080}


def test_parked_with_migrations_before_start(synth_stack):
    deployment = synth_stack(NS).k8s("Deployment", NS, NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0 and spec["strategy"] == {"type": "Recreate"}
    assert deployment["inputs"]["metadata"]["annotations"]["reloader.stakater.com/search"] == "true"
    pod = spec["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]
    [init] = pod["initContainers"]
    [app] = pod["containers"]
    assert init["command"] == ["alembic", "upgrade", "head"]
    assert init["image"] == app["image"] == "ghcr.io/viktorbarzin/recruiter-responder:latest"
    sources = [{"secretRef": {"name": "recruiter-responder-secrets"}}, {"secretRef": {"name": "recruiter-responder-db-creds"}}]
    assert init["envFrom"] == app["envFrom"] == sources
    env = {e["name"]: e["value"] for e in app["env"]}
    assert env["IMAP_ME_HOST"] == env["SMTP_HOST"] == "mailserver.mailserver.svc.cluster.local"
    assert env["CALLBACK_BASE_URL"] == "https://recruiter-responder.viktorbarzin.me"
    assert "spec.template.spec.initContainers[0].image" in deployment["options"]["ignoreChanges"]


def test_secrets_sync_from_vault_with_reloader_match(synth_stack):
    stack = synth_stack(NS)
    db = stack.k8s("ExternalSecret", "recruiter-responder-db-creds", NS)["inputs"]["spec"]
    assert db["secretStoreRef"]["name"] == "vault-database"
    assert db["data"][0]["remoteRef"] == {"key": "static-creds/pg-recruiter-responder", "property": "password"}
    assert db["target"]["template"]["data"]["DB_CONNECTION_STRING"] == (
        "postgresql+asyncpg://recruiter_responder:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/"
        "recruiter_responder")
    app = stack.k8s("ExternalSecret", "recruiter-responder-secrets", NS)["inputs"]["spec"]
    assert app["target"]["template"]["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}
    assert len(app["data"]) == 14
    assert {d["remoteRef"]["key"] for d in app["data"]} == {"recruiter-responder"}
    assert {"WEBHOOK_BEARER_TOKEN", "TELEGRAM_BOT_TOKEN", "GPT_MINI_MODEL"} <= {d["secretKey"] for d in app["data"]}
