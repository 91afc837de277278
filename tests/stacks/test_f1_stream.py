"""f1-stream: the app's volumes and env, the Anubis-fronted ingress and the source guard."""

from components import constants as c

NS = "f1-stream"


def _container(stack):
    return stack.k8s("Deployment", "f1-stream", NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]


def test_app_streams_replays_read_only_from_the_servarr_export(synth_stack):
    stack = synth_stack(NS)
    deployment = stack.k8s("Deployment", "f1-stream", NS)["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    pod = deployment["spec"]["template"]["spec"]
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    assert claims == {"data": "f1-stream-data-host", "replay-cache": "f1-stream-replay-cache"}
    container = _container(stack)
    assert {"name": "replay-cache", "mountPath": "/replay-cache", "readOnly": True} in container["volumeMounts"]
    share = stack.k8s("PersistentVolume", "f1-stream-replay-cache")["inputs"]["spec"]
    assert share["csi"]["volumeAttributes"]["share"] == "/srv/nfs/servarr/downloads/f1-replays"
    assert share["capacity"] == {"storage": "200Gi"} and share["accessModes"] == ["ReadWriteMany"]
    assert stack.k8s("PersistentVolume", "f1-stream-data-host")["inputs"]["spec"]["accessModes"] == ["ReadWriteOnce"]


def test_app_env_and_resources(synth_stack):
    container = _container(synth_stack(NS))
    assert container["resources"] == {"limits": {"memory": "512Mi"}, "requests": {"cpu": "50m", "memory": "320Mi"}}
    env = {e["name"]: e for e in container["env"]}
    assert env["DISCORD_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "f1-stream-secrets", "key": "discord_user_token"}
    assert env["REDDIT_CLIENT_ID"]["valueFrom"]["secretKeyRef"]["optional"] is True
    assert env["PLAYBACK_VERIFY_PROXY_BASE"]["value"] == "http://f1.f1-stream.svc.cluster.local"
    assert env["REPLAY_CACHE_CAP_GB"]["value"] == "150"
    assert env["QBITTORRENT_URL"]["value"] == "http://qbittorrent.servarr.svc"


def test_service_f1_is_what_anubis_and_the_verifier_reach(synth_stack):
    stack = synth_stack(NS)
    assert stack.k8s("Service", "f1", NS)["inputs"]["spec"]["ports"] == [{"port": 80, "targetPort": 8000}]
    policy = stack.k8s("ConfigMap", "anubis-f1-policy", NS)["inputs"]["data"]
    text = "\n".join(policy.values())
    assert text.index("f1-data-routes") < text.index("catchall-challenge")
    assert 'url: "redis://redis-master.redis.svc.cluster.local:6379/6"' in text


def test_ingress_is_public_behind_anubis_on_a_direct_record(synth_stack):
    stack = synth_stack(NS)
    ingress = stack.k8s("Ingress", "f1", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    assert ingress["spec"]["rules"][0]["host"] == "f1.viktorbarzin.me"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "anubis-f1"
    assert "traefik-x402@kubernetescrd" in ingress["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"]


def test_source_guard_every_six_hours_autonomous(synth_stack):
    spec = synth_stack(NS).k8s("CronJob", "f1-stream-source-guard", NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"], spec["startingDeadlineSeconds"]) == ("0 */6 * * *", "Forbid", 600)
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"]) == (1, 3300)
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    (guard,) = pod["containers"]
    assert guard["command"] == ["python", "-m", "backend.guard"]
    env = {e["name"]: e for e in guard["env"]}
    assert env["GUARD_DRY_RUN"]["value"] == "false"
    assert env["GUARD_AGENT_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "f1-stream-guard-secrets", "key": "agent_bearer_token"}
    assert env["GUARD_SLACK_WEBHOOK"]["valueFrom"]["secretKeyRef"]["optional"] is True
