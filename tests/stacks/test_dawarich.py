"""dawarich: the objects an outage would be about."""



def test_ingress_is_public_with_its_own_rate_limiter(synth_stack):
    stack = synth_stack("dawarich")
    ingress = stack.k8s("Ingress", "dawarich", "dawarich")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-rate-limit@kubernetescrd" not in chain and "traefik-authentik-forward-auth@kubernetescrd" not in chain
    assert chain[-1] == "traefik-dawarich-rate-limit@kubernetescrd"
    assert ingress["spec"]["rules"][0]["host"] == "dawarich.viktorbarzin.me"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"] == {"name": "dawarich", "port": {"number": 80}}


def test_web_and_sidekiq_share_the_image_and_keel_owns_both_tags(synth_stack):
    deployment = synth_stack("dawarich").k8s("Deployment", "dawarich", "dawarich")
    containers = deployment["inputs"]["spec"]["template"]["spec"]["containers"]
    assert [x["name"] for x in containers] == ["dawarich", "dawarich-sidekiq"]
    assert {x["image"] for x in containers} == {"freikin/dawarich:1.7.11"}
    assert containers[1]["resources"]["limits"] == {"memory": "2Gi"}
    sidekiq_env = {e["name"]: e for e in containers[1]["env"]}
    assert sidekiq_env["GEOAPIFY_API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "dawarich-secrets", "key": "geoapify_api_key"}
    assert sidekiq_env["MALLOC_ARENA_MAX"]["value"] == "2"
    ignored = deployment["options"]["ignoreChanges"]
    assert {"spec.template.spec.containers[0].image", "spec.template.spec.containers[1].image"} <= set(ignored)


def test_secrets_come_from_vault(synth_stack):
    es = synth_stack("dawarich").k8s("ExternalSecret", "dawarich-secrets", "dawarich")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "dawarich"}}]
    assert es["spec"]["secretStoreRef"] == {"name": "vault-kv", "kind": "ClusterSecretStore"}


def test_freshness_probe_schedule_and_retry_shape(synth_stack):
    cron = synth_stack("dawarich").k8s("CronJob", "ingestion-freshness-monitor", "dawarich")
    spec = cron["inputs"]["spec"]
    assert spec["schedule"] == "30 6 * * *"
    assert spec["startingDeadlineSeconds"] == 300 and spec["concurrencyPolicy"] == "Forbid"
    job = spec["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 2 and job["ttlSecondsAfterFinished"] == 3600
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    container = pod["containers"][0]
    assert container["image"] == "docker.io/library/postgres:16-alpine"
    assert container["command"][:2] == ["/bin/sh", "-c"]
    assert "pg-cluster-rw.dbaas.svc.cluster.local" in container["command"][2]
    assert "dawarich_last_point_ingested_timestamp" in container["command"][2]
