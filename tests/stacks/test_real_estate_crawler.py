"""real-estate-crawler: the objects an outage would be about."""

import json

from components import constants as c

NS = "realestate-crawler"


def _env(container: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def _container(stack, name: str) -> dict:
    return stack.k8s("Deployment", name, NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]


def test_ui_behind_anubis_and_api_path_direct(synth_stack):
    stack = synth_stack("real-estate-crawler")
    ui = stack.k8s("Ingress", "wrongmove", NS)["inputs"]
    annotations = ui["metadata"]["annotations"]
    assert ui["spec"]["rules"][0]["host"] == "wrongmove.viktorbarzin.me"
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    assert ui["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"] == {
        "name": "anubis-wrongmove", "port": {"number": 8080}}
    api = stack.k8s("Ingress", "wrongmove-api", NS)["inputs"]
    assert api["spec"]["rules"][0]["host"] == "wrongmove.viktorbarzin.me"
    path = api["spec"]["rules"][0]["http"]["paths"][0]
    assert path["path"] == "/api" and path["backend"]["service"]["name"] == "realestate-crawler-api"
    anubis = _container(stack, "anubis-wrongmove")
    assert {e["name"]: e.get("value") for e in anubis["env"]}["TARGET"] == (
        "http://realestate-crawler-ui.realestate-crawler.svc.cluster.local")


def test_api_rollout_guards_and_secrets(synth_stack):
    stack = synth_stack("real-estate-crawler")
    deployment = stack.k8s("Deployment", "realestate-crawler-api", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert deployment["inputs"]["metadata"]["annotations"]["keel.sh/policy"] == "never"
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    container = spec["template"]["spec"]["containers"][0]
    env = _env(container)
    assert env["APP_ENV"] == "production" and env["OIDC_CLIENT_ID"]
    assert env["JWT_SECRET"] == {"secretKeyRef": {"name": "real-estate-crawler-secrets", "key": "jwt_secret"}}
    assert env["SLACK_WEBHOOK_URL"] == {"secretKeyRef": {"name": "realestate-crawler-slack", "key": "SLACK_WEBHOOK_URL"}}
    assert env["DB_CONNECTION_STRING"] == {
        "secretKeyRef": {"name": "realestate-crawler-db-creds", "key": "DB_CONNECTION_STRING"}}
    assert env["CELERY_BROKER_URL"] == "redis://redis-master.redis.svc.cluster.local:6379/0"
    assert "livenessProbe" not in container
    assert container["startupProbe"]["failureThreshold"] == 30
    assert container["resources"]["limits"] == {"memory": "512Mi"}
    assert spec["template"]["spec"]["imagePullSecrets"] == [{"name": "dockerhub-pull-secret"}]


def test_database_url_and_pull_secret_templates(synth_stack):
    stack = synth_stack("real-estate-crawler")
    db = stack.k8s("ExternalSecret", "realestate-crawler-db-creds", NS)["inputs"]["spec"]
    assert db["data"][0]["remoteRef"]["key"] == "static-creds/mysql-wrongmove"
    assert db["target"]["template"]["data"] == {
        "DB_CONNECTION_STRING": "mysql://wrongmove:{{ .password }}@mysql.dbaas.svc.cluster.local:3306/wrongmove"}
    pull = stack.k8s("ExternalSecret", "dockerhub-pull-secret", NS)["inputs"]["spec"]
    assert pull["target"]["template"]["type"] == "kubernetes.io/dockerconfigjson"
    assert "{{ printf \"viktorbarzin:%s\" .pat | b64enc }}" in pull["target"]["template"]["data"][".dockerconfigjson"]
    assert pull["refreshInterval"] == "1h"


def test_workers_share_the_nfs_data_and_beat_owns_the_schedules(synth_stack):
    stack = synth_stack("real-estate-crawler")
    pvc = stack.k8s("PersistentVolumeClaim", "real-estate-crawler-data-host", NS)["inputs"]
    assert pvc["spec"]["storageClassName"] == "nfs-truenas"
    for name in ("realestate-crawler-api", "realestate-crawler-celery", "realestate-crawler-celery-beat"):
        pod = stack.k8s("Deployment", name, NS)["inputs"]["spec"]["template"]["spec"]
        assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "real-estate-crawler-data-host"}}]
    beat = stack.k8s("Deployment", "realestate-crawler-celery-beat", NS)["inputs"]["spec"]
    assert beat["strategy"] == {"type": "Recreate"}
    schedules = _env(beat["template"]["spec"]["containers"][0])["SCRAPE_SCHEDULES"]
    assert schedules.startswith('[{"day_of_week":"*","district_names":["London"],"hour":"3"')
    assert [s["name"] for s in json.loads(schedules)] == ["london-rent-daily", "london-buy-weekly"]
    service = stack.k8s("Service", "realestate-crawler-celery-metrics", NS)["inputs"]["spec"]
    assert service["selector"] == {"app": "realestate-crawler-celery"} and service["ports"][0]["port"] == 9090
    assert stack.k8s("Namespace", "realestate-crawler")["inputs"]["metadata"]["labels"] == {
        "istio-injection": "disabled", "tier": "4-aux"}
