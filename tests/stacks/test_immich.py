"""immich: the objects an outage (or a lost library) would be about."""

import pytest

LIBRARY = ["backups", "encoded-video", "library", "profile", "thumbs", "upload"]


def test_api_replicas_spread_and_disruption_budget(synth_stack):
    stack = synth_stack("immich")
    api = stack.k8s("Deployment", "immich-api", "immich")["inputs"]["spec"]
    assert api["replicas"] == 3
    assert api["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    pod = api["template"]["spec"]
    assert pod["topologySpreadConstraints"][0]["whenUnsatisfiable"] == "DoNotSchedule"
    [container] = pod["containers"]
    assert container["image"] == "ghcr.io/immich-app/immich-server:v3.1.0"
    assert container["startupProbe"]["failureThreshold"] == 360
    assert [m["mountPath"] for m in container["volumeMounts"]] == [f"/usr/src/app/upload/{n}" for n in LIBRARY]
    pdb = stack.k8s("PodDisruptionBudget", "immich-api", "immich")["inputs"]["spec"]
    assert pdb == {"selector": {"matchLabels": {"app": "immich-api"}}, "minAvailable": 2}
    service = stack.k8s("Service", "immich-server", "immich")["inputs"]
    assert service["spec"]["selector"] == {"app": "immich-api"}
    assert service["metadata"]["labels"] == {"app": "immich-server"}


@pytest.mark.parametrize("name,gpumem,memory", [("immich-worker", "3000", "10Gi"),
                                                ("immich-machine-learning", "1800", "4608Mi")])
def test_gpu_tenants(synth_stack, name, gpumem, memory):
    pod = synth_stack("immich").k8s("Deployment", name, "immich")["inputs"]["spec"]["template"]["spec"]
    assert pod["priorityClassName"] == "gpu-workload"
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    limits = pod["containers"][0]["resources"]["limits"]
    assert limits == {"memory": memory, "nvidia.com/gpu": "1", "viktorbarzin.me/gpumem": gpumem}


def test_database_on_its_encrypted_claim_and_dumped_nightly(synth_stack):
    stack = synth_stack("immich")
    db = stack.k8s("Deployment", "immich-postgresql", "immich")["inputs"]
    assert db["metadata"]["labels"] == {"tier": "2-gpu"}
    pod = db["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == "ghcr.io/immich-app/postgres:15-vectorchord0.4.3-pgvectors0.2.0"
    assert pod["volumes"] == [{"name": "postgresql-persistent-storage",
                               "persistentVolumeClaim": {"claimName": "immich-postgresql-data-encrypted"}}]
    claim = stack.k8s("PersistentVolumeClaim", "immich-postgresql-data-encrypted", "immich")
    assert claim["inputs"]["spec"]["resources"]["requests"]["storage"] == "10Gi"
    assert claim["options"]["protect"]
    backup = stack.k8s("CronJob", "postgresql-backup", "immich")["inputs"]["spec"]
    assert (backup["schedule"], backup["concurrencyPolicy"]) == ("0 0 * * *", "Replace")
    container = backup["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["env"] == [{"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": {"name": "immich-secrets", "key": "db_password"}}}]


def test_namespace_quota_and_shares(synth_stack):
    stack = synth_stack("immich")
    quota = stack.k8s("ResourceQuota", "tier-quota", "immich")["inputs"]["spec"]["hard"]
    assert quota == {"requests.cpu": "8", "requests.memory": "24Gi", "limits.memory": "40Gi", "pods": "40"}
    thumbs = stack.k8s("PersistentVolume", "immich-thumbs-host")["inputs"]["spec"]["csi"]["volumeAttributes"]
    assert thumbs["share"] == "/srv/nfs-ssd/immich/thumbs"


def test_frames_are_lan_only(synth_stack):
    stack = synth_stack("immich")
    for suffix in ("", "-emo", "-milka"):
        ingress = stack.k8s("Ingress", f"highlights-immich{suffix}", "immich")["inputs"]["metadata"]["annotations"]
        assert "traefik-home-lans-only@kubernetescrd" in ingress["traefik.ingress.kubernetes.io/router.middlewares"]
    milka = stack.k8s("Deployment", "immich-frame-milka", "immich")
    assert "spec.template.spec.containers[0].image" not in milka["options"]["ignoreChanges"]
