"""chesscom-streak: the schedule window, the image and what lets it reach Chrome."""



def test_cronjob_runs_hourly_through_the_sofia_midday_window(synth_stack):
    stack = synth_stack("chesscom-streak")
    cronjob = stack.k8s("CronJob", "chesscom-streak", "chesscom-streak")
    spec = cronjob["inputs"]["spec"]
    assert spec["schedule"] == "0 12-16 * * *" and spec["timeZone"] == "Europe/Sofia"
    assert spec["concurrencyPolicy"] == "Forbid" and spec["startingDeadlineSeconds"] == 600
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (2, 2700, 86400)
    assert cronjob["options"]["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig"]


def test_container_image_env_and_hardening(synth_stack):
    pod = synth_stack("chesscom-streak").k8s("CronJob", "chesscom-streak")["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/chesscom-streak:latest"
    assert container["imagePullPolicy"] == "Always"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env == {
        "CDP_URL": "http://chrome-service.chrome-service.svc.cluster.local:9222",
        "CHESSCOM_USERNAME": "viktorbarzin",
        "ENABLED": "true",
        "JITTER_SECONDS": "1500",
    }
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 10001,
        "capabilities": {"drop": ["ALL"]},
    }


def test_namespace_is_a_chrome_service_client(synth_stack):
    labels = synth_stack("chesscom-streak").k8s("Namespace", "chesscom-streak")["inputs"]["metadata"]["labels"]
    assert labels == {"name": "chesscom-streak", "chrome-service.viktorbarzin.me/client": "true", "tier": "4-aux"}
