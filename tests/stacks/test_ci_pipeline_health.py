"""ci-pipeline-health: the daily schedule, the credentials it reads and how the script is mounted."""

from components import constants as c

NS = "ci-pipeline-health"


def _pod(stack):
    return stack.k8s("CronJob", NS, NS)["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_cronjob_runs_daily_at_0730_utc_and_never_overlaps(synth_stack):
    cronjob = synth_stack(NS).k8s("CronJob", NS, NS)
    spec = cronjob["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"]) == ("30 7 * * *", "Forbid")
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 3)
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (1, 600, 86400)
    assert cronjob["options"]["ignoreChanges"] == [c.IGNORE_CRONJOB_KYVERNO_DNS_CONFIG]


def test_sweep_runs_the_mounted_script_with_the_synced_credentials(synth_stack):
    pod = _pod(synth_stack(NS))
    assert pod["restartPolicy"] == "Never"
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    (container,) = pod["containers"]
    assert container["image"] == "ghcr.io/viktorbarzin/claude-agent-service:latest"
    assert container["imagePullPolicy"] == "Always"
    assert container["command"] == ["/bin/sh", "/scripts/sweep.sh"]
    assert container["envFrom"] == [{"secretRef": {"name": "ci-pipeline-health-creds"}}]
    assert container["volumeMounts"] == [{"name": "sweep-script", "mountPath": "/scripts", "readOnly": True}]
    assert pod["volumes"] == [{"name": "sweep-script", "configMap": {"name": "ci-pipeline-health-sweep"}}]
    assert container["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}


def test_credentials_come_from_the_personal_pat_and_the_ci_secrets(synth_stack):
    spec = synth_stack(NS).k8s("ExternalSecret", "ci-pipeline-health-creds", NS)["inputs"]["spec"]
    assert spec["secretStoreRef"] == {"name": "vault-kv", "kind": "ClusterSecretStore"}
    assert {d["secretKey"]: (d["remoteRef"]["key"], d["remoteRef"]["property"]) for d in spec["data"]} == {
        "GITHUB_PAT": ("viktor", "github_pat"),
        "WOODPECKER_API_TOKEN": ("ci/global", "woodpecker_api_token"),
        "SLACK_WEBHOOK": ("ci/global", "slack_webhook"),
    }


def test_namespace_is_aux_tier(synth_stack):
    labels = synth_stack(NS).k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": c.TIER_AUX}
