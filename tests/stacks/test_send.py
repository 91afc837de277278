"""send: the objects an outage would be about."""



def test_ingress_is_public_non_proxied_without_monitor(synth_stack):
    stack = synth_stack("send")
    ingress = stack.k8s("Ingress", "send", "send")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "non-proxied"
    assert annotations["uptime.viktorbarzin.me/external-monitor"] == "false"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain and "traefik-ai-bot-block@kubernetescrd" in chain
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "send.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "send", "port": {"number": 1443}}
    records = stack.of_type("cloudflare:index/dnsRecord:DnsRecord")
    assert sorted((r["inputs"]["type"], r["inputs"]["name"]) for r in records) == [
        ("A", "send.viktorbarzin.me"), ("AAAA", "send.viktorbarzin.me")]


def test_deployment_is_parked_with_keel_managed_latest_image(synth_stack):
    stack = synth_stack("send")
    deployment = stack.k8s("Deployment", "send", "send")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0 and spec["strategy"] == {"type": "Recreate"}
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.gitlab.com/timvisee/send:latest"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["REDIS_HOST"] == "redis-master.redis.svc.cluster.local"
    assert env["MAX_EXPIRE_SECONDS"] == "604800" and env["MAX_DOWNLOADS"] == "10"
    assert deployment["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/image-policy"] == "keel"
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    assert "spec.replicas" not in deployment["options"]["ignoreChanges"]


def test_uploads_live_on_nfs(synth_stack):
    stack = synth_stack("send")
    pv = stack.k8s("PersistentVolume", "send-data-nfs")
    assert pv["inputs"]["spec"]["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/send"}
    pvc = stack.k8s("PersistentVolumeClaim", "send-data-nfs", "send")
    assert pvc["inputs"]["spec"]["resources"]["requests"]["storage"] == "5Gi"
