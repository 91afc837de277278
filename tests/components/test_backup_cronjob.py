"""BackupCronJob: the backup scheduling contract, the claim mount, rejected inputs."""

import pytest

from components.backup_cronjob import BackupCronJob, BackupCronJobArgs
from components.errors import ArgumentError
from components.workload import secret_env


def backup_args(**overrides) -> BackupCronJobArgs:
    base = dict(namespace="db", schedule="30 0 * * *", image="docker.io/library/mysql:8.0",
                script="echo dump", metrics=["backup_last_success_timestamp"], claim_name="backup-host")
    return BackupCronJobArgs(**{**base, **overrides})


def test_defaults_replace_retry_and_mount_the_claim(run_mocked):
    recorded = run_mocked(lambda: BackupCronJob("db-backup", backup_args()))
    cron = recorded.k8s("CronJob", "db-backup")
    assert cron.name == "db-backup-cronjob"
    spec = cron.inputs["spec"]
    assert spec["concurrencyPolicy"] == "Replace"
    assert spec["startingDeadlineSeconds"] == 600
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 3)
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (3, 10)
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["volumes"] == [{"name": "backup", "persistentVolumeClaim": {"claimName": "backup-host"}}]
    [container] = pod["containers"]
    assert container["name"] == "db-backup"
    assert container["command"] == ["/bin/bash", "-c", "echo dump"]
    assert container["volumeMounts"] == [{"name": "backup", "mountPath": "/backup"}]
    assert container["env"][-1] == {"name": "PUSHGATEWAY_URL",
                                    "value": "http://prometheus-prometheus-pushgateway.monitoring:9091"}
    assert "resources" not in container
    assert cron.options["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig"]


def test_overrides_reach_the_object(run_mocked):
    recorded = run_mocked(lambda: BackupCronJob("pg", backup_args(
        volume_name="pg-backup", mount_path="/dumps", container_name="dumper", concurrency_policy="Forbid",
        starting_deadline_seconds=None, ttl_seconds_after_finished=None, successful_jobs_history_limit=10,
        failed_jobs_history_limit=5, env=secret_env("s", {"PGPASSWORD": "password"}),
        resources={"requests": {"cpu": "50m"}}, labels={"app": "pg"})))
    cron = recorded.k8s("CronJob", "pg")
    spec = cron.inputs["spec"]
    assert spec["concurrencyPolicy"] == "Forbid" and "startingDeadlineSeconds" not in spec
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (10, 5)
    job = spec["jobTemplate"]["spec"]
    assert "ttlSecondsAfterFinished" not in job
    container = job["template"]["spec"]["containers"][0]
    assert container["name"] == "dumper"
    assert container["volumeMounts"] == [{"name": "pg-backup", "mountPath": "/dumps"}]
    assert container["env"][0]["valueFrom"] == {"secretKeyRef": {"name": "s", "key": "password"}}
    assert container["resources"] == {"requests": {"cpu": "50m"}}
    assert cron.inputs["metadata"]["labels"] == {"app": "pg"}


def test_outputs(run_mocked):
    seen = {}

    def program():
        job = BackupCronJob("b", backup_args(metrics=["backup_duration_seconds", "backup_ok"]))
        job.metric_names.apply(lambda v: seen.setdefault("metrics", v))
        job.cronjob_name.apply(lambda v: seen.setdefault("name", v))

    run_mocked(program)
    assert seen == {"metrics": ["backup_duration_seconds", "backup_ok"], "name": "b"}


BAD = [
    (dict(schedule="nightly"), "schedule"),
    (dict(schedule="@daily"), "schedule"),
    (dict(metrics=[]), "metrics"),
    (dict(metrics="backup_ok"), "metrics"),
    (dict(metrics=["backup-ok"]), "metrics"),
    (dict(concurrency_policy="replace"), "concurrency_policy"),
    (dict(restart_policy="Always"), "restart_policy"),
    (dict(backoff_limit=-1), "backoff_limit"),
    (dict(starting_deadline_seconds=True), "starting_deadline_seconds"),
    (dict(mount_path="backup"), "mount_path"),
    (dict(volume_name="Backup_Vol"), "volume_name"),
    (dict(image=""), "image"),
    (dict(namespace="DB"), "namespace"),
]


@pytest.mark.parametrize("overrides, argument", BAD)
def test_rejects_bad_arguments(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        backup_args(**overrides)
    assert err.value.argument == argument
