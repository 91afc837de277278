"""grampsweb: the objects an outage would be about."""

from components import constants as c


def test_family_ingress_is_internal_only_and_wakes_after_auth(synth_stack):
    stack = synth_stack("grampsweb")
    ingress = stack.k8s("Ingress", "family", "grampsweb")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "required"
    chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert chain.index(c.MW_FORWARD_AUTH) < chain.index("grampsweb-sablier-family@kubernetescrd")
    assert chain[-1] == c.MW_HOME_LANS_ONLY
    assert ingress["spec"]["rules"][0]["host"] == "family.viktorbarzin.me"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "grampsweb"
    [record] = stack.of_type("cloudflare:index/dnsRecord:DnsRecord")
    assert (record["inputs"]["type"], record["inputs"]["content"]) == ("A", "10.0.20.203")


def test_parked_app_and_worker_share_env_and_volume(synth_stack):
    stack = synth_stack("grampsweb")
    deployment = stack.k8s("Deployment", "grampsweb", "grampsweb")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0 and "spec.replicas" in deployment["options"]["ignoreChanges"]
    web, worker = spec["template"]["spec"]["containers"]
    assert web["image"] == worker["image"] == "ghcr.io/gramps-project/grampsweb:latest"
    assert worker["command"][:3] == ["celery", "-A", "gramps_webapi.celery"]
    assert web["env"] == worker["env"] and web["volumeMounts"] == worker["volumeMounts"]
    env = {e["name"]: e["value"] for e in web["env"]}
    assert env["GRAMPSWEB_CELERY_CONFIG__broker_url"] == "redis://redis-master.redis.svc.cluster.local:6379/2"
    assert env["GRAMPSWEB_EMAIL_HOST_PASSWORD"] == "[secret]"
    [key] = stack.of_type("random:index/randomPassword:RandomPassword")
    assert key["inputs"]["length"] == 64 and key["inputs"]["special"] is False
    assert "length" in key["options"]["ignoreChanges"]
    assert len(web["volumeMounts"]) == 8 and {m["name"] for m in web["volumeMounts"]} == {"data"}
    ignored = deployment["options"]["ignoreChanges"]
    assert {"spec.template.spec.containers[0].image", "spec.template.spec.containers[1].image"} <= set(ignored)
    pvc = stack.k8s("PersistentVolumeClaim", "grampsweb-data-encrypted", "grampsweb")["inputs"]["spec"]
    assert pvc["storageClassName"] == "proxmox-lvm-encrypted"
