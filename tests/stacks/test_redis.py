"""redis: the objects an outage would be about (every queue and cache in the cluster)."""


def test_statefulset_runs_the_pinned_redis_with_its_claim_template(synth_stack):
    stack = synth_stack("redis")
    sts = stack.k8s("StatefulSet", "redis-v2", "redis")
    meta, spec = sts["inputs"]["metadata"], sts["inputs"]["spec"]
    assert meta["labels"] == {"app": "redis-v2", "tier": "1-cluster"}
    assert meta["annotations"] == {"keel.sh/policy": "never"}
    assert (spec["serviceName"], spec["replicas"], spec["podManagementPolicy"]) == ("redis-v2-headless", 1, "Parallel")
    [vct] = spec["volumeClaimTemplates"]
    assert vct["metadata"] == {"name": "data", "annotations": {
        "resize.topolvm.io/threshold": "80%", "resize.topolvm.io/increase": "100%",
        "resize.topolvm.io/storage_limit": "20Gi"}}
    assert vct["spec"] == {"accessModes": ["ReadWriteOnce"], "storageClassName": "proxmox-lvm-encrypted",
                           "resources": {"requests": {"storage": "5Gi"}}}
    pod = spec["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] == 90
    redis, exporter = pod["containers"]
    assert redis["image"] == "docker.io/library/redis:8.10.0-alpine"
    assert redis["command"] == ["redis-server", "/etc/redis/redis.conf"]
    assert redis["resources"] == {"requests": {"cpu": "100m", "memory": "768Mi"}, "limits": {"memory": "768Mi"}}
    assert exporter["image"] == "docker.io/oliver006/redis_exporter:v1.62.0"
    annotations = spec["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == "9121" and len(annotations["checksum/conf"]) == 64
    ignored = sts["options"]["ignoreChanges"]
    assert "spec.template.spec.dnsConfig" in ignored
    assert 'spec.template.metadata.annotations["keel.sh/update-time"]' in ignored
    # The image is pinned on purpose: Keel's image-tag ignore must not be there.
    assert "spec.template.spec.containers[0].image" not in ignored


def test_consumers_keep_redis_master(synth_stack):
    stack = synth_stack("redis")
    master = stack.k8s("Service", "redis-master", "redis")["inputs"]["spec"]
    assert master["selector"] == {"app": "redis-v2"}
    assert master["ports"] == [{"name": "redis", "port": 6379, "targetPort": 6379}]
    headless = stack.k8s("Service", "redis-v2-headless", "redis")["inputs"]["spec"]
    assert headless["clusterIP"] == "None"


def test_weekly_backup_to_nfs(synth_stack):
    stack = synth_stack("redis")
    cron = stack.k8s("CronJob", "redis-backup", "redis")["inputs"]["spec"]
    assert (cron["schedule"], cron["concurrencyPolicy"], cron["startingDeadlineSeconds"]) == ("0 3 * * 0", "Replace", 10)
    job = cron["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (2, 60)
    pod = job["template"]["spec"]
    assert pod["containers"][0]["image"] == "redis:7-alpine"
    assert "env" not in pod["containers"][0]
    assert pod["volumes"] == [{"name": "backup", "persistentVolumeClaim": {"claimName": "redis-backup-host"}}]
    pv = stack.k8s("PersistentVolume", "redis-backup-host")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/redis-backup"}
