"""tuya-bridge: the API Deployment, its open ingress, and the half-hourly Saksii poller."""

from components import constants as c

NS = "tuya-bridge"


def _env(container):
    return {e["name"]: e.get("value") or (e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
            for e in container["env"]}


def test_bridge_deployment_reads_the_tuya_keys_and_is_keel_managed(synth_stack):
    deployment = synth_stack(NS).k8s("Deployment", "tuya-bridge", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 1
    assert deployment["inputs"]["metadata"]["labels"] == {"app": "tuya-bridge", "tier": c.TIER_CLUSTER}
    assert deployment["inputs"]["metadata"]["annotations"]["reloader.stakater.com/auto"] == "true"
    pod = spec["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]
    (container,) = pod["containers"]
    assert container["image"] == "ghcr.io/viktorbarzin/tuya_bridge:latest"
    assert _env(container) == {
        "TINYTUYA_API_KEY": ("tuya-bridge-secrets", "api_key"),
        "TINYTUYA_API_SECRET": ("tuya-bridge-secrets", "api_secret"),
        "SERVICE_API_KEY": ("tuya-bridge-secrets", "service_secret"),
        "SLACK_URL": ("tuya-bridge-secrets", "slack_url"),
    }
    assert container["livenessProbe"]["initialDelaySeconds"] == 60 and container["livenessProbe"]["failureThreshold"] == 6
    assert container["readinessProbe"]["periodSeconds"] == 15 and container["readinessProbe"]["failureThreshold"] == 2
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored
    assert 'metadata.annotations["keel.sh/match-tag"]' in ignored


def test_service_maps_80_to_the_api_port(synth_stack):
    spec = synth_stack(NS).k8s("Service", "tuya-bridge", NS)["inputs"]["spec"]
    assert spec["ports"] == [{"name": "http", "port": 80, "targetPort": 8080}]
    assert spec["selector"] == {"app": "tuya-bridge"}


def test_ingress_is_open_for_api_key_clients(synth_stack):
    ingress = synth_stack(NS).k8s("Ingress", "tuya-bridge", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    assert ingress["spec"]["rules"][0]["host"] == "tuya-bridge.viktorbarzin.me"


def test_saksii_poller_runs_every_half_hour_against_ha_sofia(synth_stack):
    cronjob = synth_stack(NS).k8s("CronJob", "saksii-poller", NS)["inputs"]
    spec = cronjob["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"], spec["startingDeadlineSeconds"]) == ("*/30 * * * *", "Forbid", 300)
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 3)
    assert cronjob["metadata"]["labels"] == {"app": "saksii-poller", "tier": c.TIER_CLUSTER}
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (1, 3600)
    pod = job["template"]["spec"]
    assert pod["dnsConfig"] == {"options": [{"name": "ndots", "value": "2"}]}
    (container,) = pod["containers"]
    assert container["command"] == ["python3", "/scripts/poll.py"]
    assert _env(container) == {
        "TUYA_API_KEY": ("tuya-bridge-secrets", "api_key"),
        "TUYA_API_SECRET": ("tuya-bridge-secrets", "api_secret"),
        "HA_TOKEN": ("tuya-bridge-secrets", "home_assistant_sofia_token"),
        "HA_URL": "https://ha-sofia.viktorbarzin.me",
        "TUYA_DEVICE_ID": "bfa58e4705a6e534c0nqut",
    }
    assert pod["volumes"] == [{"name": "script", "configMap": {"name": "saksii-poller-script"}}]
