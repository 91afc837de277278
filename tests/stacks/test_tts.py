"""tts: the objects an outage would be about. Expected values are hand-written from upstream."""

import hashlib

from components import constants as c

OFFPEAK = {
    "chatterbox-window-up": ("0 2 * * *", "up"),
    "chatterbox-window-down": ("0 6 * * *", "down"),
    "chatterbox-vram-guard": ("*/5 * * * *", "guard"),
    "chatterbox-demand-gate": ("*/3 * * * *", "demand"),
}


def test_chatterbox_holds_one_gpu_slice_and_starts_at_zero(synth_stack):
    stack = synth_stack("tts")
    deployment = stack.k8s("Deployment", "chatterbox-tts", "tts")
    assert deployment["inputs"]["metadata"]["labels"] == {"app": "chatterbox-tts", "tier": "2-gpu"}
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0 and spec["strategy"] == {"type": "Recreate"}
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]  # the CronJobs own the count
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
    assert pod["priorityClassName"] == "tier-2-gpu"
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/chatterbox-tts:915ae289"
    assert container["resources"] == {"requests": {"cpu": "200m", "memory": "2Gi"},
                                      "limits": {"memory": "8Gi", "nvidia.com/gpu": "1"}}
    assert container["readinessProbe"] == {"tcpSocket": {"port": 8004}, "initialDelaySeconds": 20,
                                           "periodSeconds": 15, "failureThreshold": 12}
    assert container["livenessProbe"] == {"tcpSocket": {"port": 8004}, "initialDelaySeconds": 120,
                                          "periodSeconds": 30, "failureThreshold": 5}
    assert {e["name"]: e["value"] for e in container["env"]} == {
        "TTS_BF16": "off", "HF_HOME": "/data/hf_cache", "HF_HUB_CACHE": "/data/hf_cache"}
    assert pod["initContainers"][0]["image"] == container["image"]


def test_config_is_terraforms_yaml_and_the_pod_tracks_it(synth_stack):
    stack = synth_stack("tts")
    config = stack.k8s("ConfigMap", "chatterbox-config", "tts")["inputs"]["data"]["config.yaml"]
    assert config == ('"model":\n  "repo_id": "chatterbox-multilingual"\n'
                      '"server":\n  "host": "0.0.0.0"\n  "port": 8004\n'
                      '"tts_engine":\n  "device": "cuda"\n  "predefined_voices_path": "/app/voices"\n'
                      '  "reference_audio_path": "/data/reference_audio"\n')
    template = stack.k8s("Deployment", "chatterbox-tts", "tts")["inputs"]["spec"]["template"]
    assert template["metadata"]["annotations"]["checksum/config"] == hashlib.sha256(config.encode()).hexdigest()


def test_tripit_reaches_the_server_on_port_8000(synth_stack):
    service = synth_stack("tts").k8s("Service", "chatterbox-tts", "tts")["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 8000, "targetPort": 8004}]
    assert service["spec"]["selector"] == {"app": "chatterbox-tts"}
    assert service["metadata"]["annotations"]["prometheus.io/path"] == "/v1/audio/voices"


def test_offpeak_jobs_stay_suspended_and_run_the_pinned_kubectl(synth_stack):
    stack = synth_stack("tts")
    for name, (schedule, action) in OFFPEAK.items():
        spec = stack.k8s("CronJob", name, "tts")["inputs"]["spec"]
        assert (spec["schedule"], spec["timeZone"], spec["suspend"]) == (schedule, "Europe/London", True)
        assert spec["concurrencyPolicy"] == "Forbid" and spec["startingDeadlineSeconds"] == 120
        assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 3)
        job = spec["jobTemplate"]["spec"]
        assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (1, 120, 300)
        pod = job["template"]["spec"]
        assert pod["serviceAccountName"] == "chatterbox-offpeak"
        container = pod["containers"][0]
        assert container["image"] == c.KUBECTL_IMAGE
        assert {e["name"]: e["value"] for e in container["env"]} == {
            "ACTION": action, "FLOOR": "6442450944", "GPU_TOTAL": "17179869184",
            "QUEUE_URL": "http://tripit.tripit.svc.cluster.local:8080/api/tour/tts-queue"}


def test_offpeak_account_may_only_scale_the_deployment(synth_stack):
    role = synth_stack("tts").k8s("Role", "chatterbox-offpeak", "tts")["inputs"]
    assert role["rules"] == [{"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"],
                              "verbs": ["get", "patch"]}]


def test_models_dir_init_job_mounts_the_export_root(synth_stack):
    job = synth_stack("tts").k8s("Job", "chatterbox-models-dir-init", "tts")["inputs"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (3, 86400)
    pod = job["template"]["spec"]
    assert pod["volumes"] == [{"name": "nfs-ssd-root", "nfs": {"server": "192.168.1.127", "path": "/srv/nfs-ssd"}}]
    assert pod["containers"][0]["image"] == "busybox:1.37"
