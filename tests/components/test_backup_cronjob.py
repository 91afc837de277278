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


# --- AppBackup ------------------------------------------------------------------------------------

from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource  # noqa: E402

APP_SCRIPT = "sqlite3 /data/db.sqlite3 '.backup /backup/x'; find /backup -mtime +30 -delete"


def app_args(**overrides) -> AppBackupArgs:
    base = dict(namespace="app", schedule="0 */6 * * *", image="docker.io/library/alpine", script=APP_SCRIPT,
                metrics=["backup_last_success_timestamp"], claim_name="app-backup-host",
                sources=[BackupSource(volume_name="data", claim_name="app-data", mount_path="/data")],
                owner_labels={"app": "app"}, retention_days=30)
    return AppBackupArgs(**{**base, **overrides})


def test_app_backup_reads_the_source_on_the_owner_node(run_mocked):
    recorded = run_mocked(lambda: AppBackup("app-backup", app_args(pod_spec={"dns_config": {"options": [{"name": "ndots", "value": "2"}]}})))
    cron = recorded.k8s("CronJob", "app-backup")
    pod = cron.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["affinity"] == {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "app"}}, "topologyKey": "kubernetes.io/hostname"}]}}
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "app-data"}},
                              {"name": "backup", "persistentVolumeClaim": {"claimName": "app-backup-host"}}]
    [container] = pod["containers"]
    assert container["command"][0] == "/bin/sh"
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/data", "readOnly": True},
                                         {"name": "backup", "mountPath": "/backup"}]
    assert "env" not in container, "app scripts name the Pushgateway themselves"
    assert pod["dnsConfig"] == {"options": [{"name": "ndots", "value": "2"}]}
    assert cron.type == "kubernetes:batch/v1:CronJob"
    assert any(r.type == "homelab:k8s:AppBackup" for r in recorded.resources)


def test_app_backup_nfs_target_namespaced_affinity_and_extras(run_mocked):
    recorded = run_mocked(lambda: AppBackup("nc-backup", app_args(
        claim_name=None, nfs_target={"server": "nas", "path": "/backups/nc"}, owner_namespaces=["nc"],
        sources=[BackupSource(volume_name="data", claim_name="nc-data", mount_path="/d", read_only=False)],
        extra_volumes=[{"name": "scripts", "config_map": {"name": "s", "default_mode": 0o755}}],
        extra_mounts=[{"name": "scripts", "mount_path": "/scripts"}], backoff_limit=None, retention_days=None)))
    pod = recorded.k8s("CronJob", "nc-backup").inputs["spec"]["jobTemplate"]["spec"]
    assert "backoffLimit" not in pod
    pod = pod["template"]["spec"]
    assert pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["namespaces"] == ["nc"]
    assert [v["name"] for v in pod["volumes"]] == ["data", "backup", "scripts"]
    assert pod["volumes"][1] == {"name": "backup", "nfs": {"server": "nas", "path": "/backups/nc"}}
    assert pod["containers"][0]["volumeMounts"][0] == {"name": "data", "mountPath": "/d"}


APP_BAD = [
    (dict(claim_name=None), "claim_name"),
    (dict(nfs_target={"server": "nas", "path": "/x"}), "nfs_target"),
    (dict(claim_name=None, nfs_target={"server": "nas"}), "nfs_target"),
    (dict(owner_labels=None, owner_namespaces=["x"]), "owner_namespaces"),
    (dict(retention_days=-1), "retention_days"),
]


@pytest.mark.parametrize("overrides, argument", APP_BAD)
def test_app_backup_rejects_bad_arguments(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        app_args(**overrides)
    assert err.value.argument == argument


def test_app_backup_source_needs_absolute_path():
    with pytest.raises(ArgumentError) as err:
        BackupSource(volume_name="data", claim_name="c", mount_path="data")
    assert err.value.argument == "sources.mount_path"


def test_app_backup_wants_its_own_args():
    with pytest.raises(ArgumentError):
        AppBackup("x", backup_args())


def test_retention_is_checked_against_the_script_and_exported(run_mocked):
    from components.backup_cronjob import retention_mismatch

    assert retention_mismatch(app_args()) is None
    assert "-mtime +14" in retention_mismatch(app_args(retention_days=14))
    assert retention_mismatch(app_args(retention_days=14, script="PLACEHOLDER: bring it over")) is None
    seen = {}
    run_mocked(lambda: AppBackup("r", app_args()).retention_days.apply(lambda v: seen.setdefault("days", v)))
    assert seen == {"days": 30}


# --- AppBackup without metrics, other interpreters, pod labels and pull secrets -------------------


def test_app_backup_metrics_are_optional(run_mocked):
    seen = {}

    def program():
        backup = AppBackup("quiet", app_args(metrics=()))
        backup.metric_names.apply(lambda v: seen.setdefault("metrics", v))

    recorded = run_mocked(program)
    assert seen == {"metrics": []}
    container = recorded.k8s("CronJob", "quiet").inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert "env" not in container
    # the default is an empty list too
    assert list(AppBackupArgs(namespace="a", schedule="0 1 * * *", image="alpine", script="true",
                              claim_name="c").metrics) == []


def test_app_backup_still_checks_metric_names_it_is_given():
    with pytest.raises(ArgumentError) as err:
        app_args(metrics=["backup-ok"])
    assert (err.value.component, err.value.argument) == ("AppBackup", "metrics")
    with pytest.raises(ArgumentError):
        app_args(metrics="backup_ok")


def test_pushgateway_url_without_metrics_is_rejected():
    with pytest.raises(ArgumentError) as err:
        app_args(metrics=[], export_pushgateway_url=True)
    assert err.value.argument == "export_pushgateway_url"
    # with a metric it is fine
    assert app_args(export_pushgateway_url=True).export_pushgateway_url


def test_database_backups_still_need_metrics():
    with pytest.raises(ArgumentError) as err:
        backup_args(metrics=())
    assert (err.value.component, err.value.argument) == ("BackupCronJob", "metrics")


def test_python_script_pod_labels_and_pull_secrets(run_mocked):
    recorded = run_mocked(lambda: AppBackup("py-backup", app_args(
        metrics=[], shell="python3", script="print('backed up')", retention_days=None,
        pod_labels={"app": "py", "component": "backup"}, image_pull_secrets=["ghcr-credentials"])))
    template = recorded.k8s("CronJob", "py-backup").inputs["spec"]["jobTemplate"]["spec"]["template"]
    assert template["metadata"] == {"labels": {"app": "py", "component": "backup"}}
    assert template["spec"]["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    assert template["spec"]["containers"][0]["command"] == ["python3", "-c", "print('backed up')"]


def test_no_pod_labels_keep_the_template_metadata_empty(run_mocked):
    recorded = run_mocked(lambda: AppBackup("app-backup", app_args()))
    template = recorded.k8s("CronJob", "app-backup").inputs["spec"]["jobTemplate"]["spec"]["template"]
    assert template["metadata"] == {} and "imagePullSecrets" not in template["spec"]


APP_BAD_EXTRA = [
    (dict(shell=""), "shell"),
    (dict(pod_labels={"app": 1}), "pod_labels"),
    (dict(pod_labels=["app"]), "pod_labels"),
    (dict(image_pull_secrets="ghcr-credentials"), "image_pull_secrets"),
    (dict(image_pull_secrets=[""]), "image_pull_secrets"),
    (dict(moved_from_component="CronJobProbe"), "moved_from_component"),
]


@pytest.mark.parametrize("overrides, argument", APP_BAD_EXTRA)
def test_app_backup_rejects_bad_new_arguments(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        app_args(**overrides)
    assert err.value.argument == argument


# --- folding a ScheduledJob into an AppBackup ---------------------------------------------------------


def test_folded_scheduled_job_keeps_its_urns(run_mocked):
    from components.scheduled_job import ScheduledJob, ScheduledJobArgs

    before = run_mocked(lambda: ScheduledJob("app-backup", ScheduledJobArgs(
        namespace="app", schedule="0 */6 * * *", containers=[{"name": "app-backup", "image": "alpine"}])))
    after = run_mocked(lambda: AppBackup("app-backup", app_args(moved_from_component="ScheduledJob")))
    old_component = before.one("homelab:k8s:ScheduledJob", "app-backup")
    old_cron = before.k8s("CronJob", "app-backup")
    new_component = after.one("homelab:k8s:AppBackup", "app-backup")
    new_cron = after.k8s("CronJob", "app-backup")
    assert new_cron.name == old_cron.name and new_cron.type == old_cron.type
    # the child's alias: same name and type under the old parent, i.e. exactly the old URN
    assert {"parentUrn": old_component.urn} in new_cron.options["aliases"]
    assert old_cron.parent == old_component.urn
    # the component itself: same name, old type
    assert any(a.get("type") == "homelab:k8s:ScheduledJob" for a in new_component.options["aliases"])


def test_without_moved_from_component_no_alias_is_added(run_mocked):
    recorded = run_mocked(lambda: AppBackup("app-backup", app_args()))
    cron = recorded.k8s("CronJob", "app-backup")
    assert not any("parentUrn" in a and a["parentUrn"] for a in cron.options["aliases"])
    assert not recorded.one("homelab:k8s:AppBackup", "app-backup").options["aliases"]


def test_former_parent_urn_replaces_only_the_last_type():
    from components.moved import former_parent_urn

    assert former_parent_urn("urn:pulumi:prod::p::homelab:k8s:AppBackup::x", "homelab:k8s:AppBackup",
                             "homelab:k8s:ScheduledJob") == "urn:pulumi:prod::p::homelab:k8s:ScheduledJob::x"
    assert former_parent_urn("urn:pulumi:prod::p::a:b:C$homelab:k8s:AppBackup::x", "homelab:k8s:AppBackup",
                             "homelab:k8s:ScheduledJob") == "urn:pulumi:prod::p::a:b:C$homelab:k8s:ScheduledJob::x"
    with pytest.raises(ValueError):
        former_parent_urn("urn:pulumi:prod::p::homelab:k8s:WebApp::x", "homelab:k8s:AppBackup", "homelab:k8s:ScheduledJob")
