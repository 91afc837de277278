"""lesson-harvester: the objects an outage would be about."""



def test_ingress_is_owner_only(synth_stack):
    ingress = synth_stack("lesson-harvester").k8s("Ingress", "lesson-harvester", "lesson-harvester")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "Home Server Admins"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "lesson-harvester.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"]["port"] == {"number": 8080}


def test_db_dsn_is_templated_from_rotated_vault_creds(synth_stack):
    stack = synth_stack("lesson-harvester")
    db = stack.k8s("ExternalSecret", "lesson-harvester-db-creds", "lesson-harvester")["inputs"]["spec"]
    assert db["secretStoreRef"]["name"] == "vault-database"
    assert db["data"][0]["remoteRef"] == {"key": "static-creds/pg-lesson-harvester", "property": "password"}
    dsn = db["target"]["template"]["data"]["LH_DB_CONNECTION_STRING"]
    assert dsn == ("postgresql+asyncpg://lesson_harvester:{{ .password }}@"
                   "pg-cluster-rw.dbaas.svc.cluster.local:5432/lesson_harvester")
    app = stack.k8s("ExternalSecret", "lesson-harvester-secrets", "lesson-harvester")["inputs"]["spec"]
    assert [d["secretKey"] for d in app["data"]] == ["LH_WEBHOOK_BEARER_TOKEN", "LH_YOUTUBE_API_KEY", "LH_LEARN_LATER_PLAYLIST_ID"]


def test_app_migrates_before_start_and_ci_owns_the_tag(synth_stack):
    deployment = synth_stack("lesson-harvester").k8s("Deployment", "lesson-harvester", "lesson-harvester")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    assert pod["initContainers"][0]["command"] == ["alembic", "upgrade", "head"]
    assert pod["containers"][0]["image"] == "ghcr.io/viktorbarzin/lesson-harvester:latest"
    ignored = deployment["options"]["ignoreChanges"]
    assert {"spec.template.spec.containers[0].image", "spec.template.spec.initContainers[0].image"} <= set(ignored)


def test_hourly_poll_cronjob(synth_stack):
    cron = synth_stack("lesson-harvester").k8s("CronJob", "lesson-harvester-poll", "lesson-harvester")["inputs"]["spec"]
    assert cron["schedule"] == "0 * * * *" and cron["startingDeadlineSeconds"] == 600
    job = cron["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (1, 1800, 86400)
    container = job["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "-m", "lesson_harvester", "poll"]
    assert container["imagePullPolicy"] == "Always"
