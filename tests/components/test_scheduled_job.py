"""ScheduledJob and OneOffJob: object shape, defaults, controller-owned fields, rejected inputs."""

import pulumi
import pytest

from components.errors import ArgumentError
from components.scheduled_job import OneOffJob, OneOffJobArgs, ScheduledJob, ScheduledJobArgs

TASK = {"name": "task", "image": "docker.io/library/alpine:3.20", "command": ["sh", "-c", "echo ok"]}


def cron_args(**overrides) -> ScheduledJobArgs:
    return ScheduledJobArgs(**{"namespace": "tasks", "schedule": "0 4 * * *", "containers": [TASK], **overrides})


def job_args(**overrides) -> OneOffJobArgs:
    return OneOffJobArgs(**{"namespace": "tasks", "containers": [TASK], **overrides})



def test_cronjob_defaults_forbid_overlap_and_ignore_kyverno_dns_config(run_mocked, registered_outputs):
    recorded = run_mocked(lambda: ScheduledJob("nightly", cron_args()))
    cron = recorded.k8s("CronJob", "nightly")
    assert cron.name == "nightly-cronjob"
    assert cron.parent == "urn:pulumi:prod::test::homelab:k8s:ScheduledJob::nightly"
    assert cron.inputs["metadata"] == {"name": "nightly", "namespace": "tasks"}
    assert cron.inputs["spec"] == {
        "schedule": "0 4 * * *",
        "concurrencyPolicy": "Forbid",
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 1,
        "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "task", "image": "docker.io/library/alpine:3.20",
                            "command": ["sh", "-c", "echo ok"]}],
        }}}},
    }
    assert cron.options["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig"]
    assert registered_outputs[("ScheduledJob", "nightly")] == ["cronjob_name"]


def test_cronjob_fields_and_pod_passthrough(run_mocked):
    labels = {"app": "sync"}
    recorded = run_mocked(lambda: ScheduledJob("sync", cron_args(
        schedule="@hourly", time_zone="Europe/London", suspend=True, concurrency_policy="Replace",
        starting_deadline_seconds=120, successful_jobs_history_limit=1, failed_jobs_history_limit=5,
        backoff_limit=2, active_deadline_seconds=600, ttl_seconds_after_finished=300,
        labels=labels, annotations={"note": "x"}, job_metadata={"labels": labels},
        pod_metadata={"labels": labels, "annotations": {"checksum/config": "abc"}},
        service_account_name="sync", image_pull_secrets=["ghcr-credentials", "registry-credentials"],
        restart_policy="OnFailure",
        init_containers=[{"name": "wait", "image": "busybox:1.37"}],
        volumes=[{"name": "data", "empty_dir": {}}],
        pod_spec={"node_selector": {"gpu": "true"},
                  "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
                  "affinity": {"node_affinity": {}}},
        ignore_changes=["spec.suspend"],
    )))
    cron = recorded.k8s("CronJob", "sync")
    assert cron.inputs["metadata"] == {"name": "sync", "namespace": "tasks", "labels": {"app": "sync"},
                                       "annotations": {"note": "x"}}
    spec = cron.inputs["spec"]
    assert (spec["schedule"], spec["timeZone"], spec["suspend"], spec["concurrencyPolicy"]) == \
        ("@hourly", "Europe/London", True, "Replace")
    assert (spec["startingDeadlineSeconds"], spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (120, 1, 5)
    assert spec["jobTemplate"]["metadata"] == {"labels": {"app": "sync"}}
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (2, 600, 300)
    assert job["template"]["metadata"] == {"labels": {"app": "sync"}, "annotations": {"checksum/config": "abc"}}
    pod = job["template"]["spec"]
    assert pod["serviceAccountName"] == "sync" and pod["restartPolicy"] == "OnFailure"
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}, {"name": "registry-credentials"}]
    assert pod["initContainers"] == [{"name": "wait", "image": "busybox:1.37"}]
    assert pod["volumes"] == [{"name": "data", "emptyDir": {}}]
    assert pod["nodeSelector"] == {"gpu": "true"} and pod["affinity"] == {"nodeAffinity": {}}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert cron.options["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig", "spec.suspend"]


def test_explicit_empty_template_metadata_is_kept(run_mocked):
    recorded = run_mocked(lambda: ScheduledJob("probe", cron_args(job_metadata={}, pod_metadata={}, suspend=False)))
    spec = recorded.k8s("CronJob", "probe").inputs["spec"]
    assert spec["jobTemplate"]["metadata"] == {} and spec["jobTemplate"]["spec"]["template"]["metadata"] == {}
    assert spec["suspend"] is False


def test_moved_cronjob_is_aliased_to_its_top_level_name(run_mocked):
    recorded = run_mocked(lambda: ScheduledJob("backup", cron_args(moved_from={"cronjob": "vault-raft-backup"})))
    # the old URN: same type, the old name, at the stack's root (no parent)
    assert {"name": "vault-raft-backup", "noParent": True} in recorded.k8s("CronJob", "backup").options["aliases"]


def test_one_off_job_shape(run_mocked, registered_outputs):
    recorded = run_mocked(lambda: OneOffJob("models-dir-init", job_args(
        backoff_limit=3, ttl_seconds_after_finished=86400, labels={"app": "tts"},
        pod_metadata={"labels": {"app": "tts"}}, volumes=[{"name": "root", "nfs": {"server": "10.0.10.15", "path": "/srv"}}],
        moved_from={"job": "models_dir_init"})))
    job = recorded.k8s("Job", "models-dir-init")
    assert job.type == "kubernetes:batch/v1:Job" and job.name == "models-dir-init-job"
    assert job.parent == "urn:pulumi:prod::test::homelab:k8s:OneOffJob::models-dir-init"
    assert job.inputs["metadata"] == {"name": "models-dir-init", "namespace": "tasks", "labels": {"app": "tts"}}
    assert job.inputs["spec"] == {
        "backoffLimit": 3, "ttlSecondsAfterFinished": 86400,
        "template": {"metadata": {"labels": {"app": "tts"}}, "spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "task", "image": "docker.io/library/alpine:3.20", "command": ["sh", "-c", "echo ok"]}],
            "volumes": [{"name": "root", "nfs": {"server": "10.0.10.15", "path": "/srv"}}],
        }},
    }
    # A Job's pod template is immutable: Kyverno's dnsConfig must not turn into a replacement.
    assert job.options["ignoreChanges"] == ["spec.template.spec.dnsConfig"]
    assert {"name": "models_dir_init", "noParent": True} in job.options["aliases"]
    assert registered_outputs[("OneOffJob", "models-dir-init")] == ["job_name"]


def test_one_off_job_passes_its_create_timeout_to_the_job(run_mocked, monkeypatch):
    import pulumi_kubernetes as k8s

    timeouts = {}
    original = k8s.batch.v1.Job.__init__

    def record(self, resource_name, *a, opts=None, **kw):
        timeouts[resource_name] = opts.custom_timeouts.create if opts and opts.custom_timeouts else None
        original(self, resource_name, *a, opts=opts, **kw)

    monkeypatch.setattr(k8s.batch.v1.Job, "__init__", record)
    run_mocked(lambda: (
        OneOffJob("slow", job_args(), opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="3m"))),
        OneOffJob("plain", job_args())))
    assert timeouts == {"slow-job": "3m", "plain-job": None}


def test_outputs_name_the_objects(run_mocked):
    seen = {}

    def program():
        ScheduledJob("a", cron_args()).cronjob_name.apply(lambda v: seen.setdefault("cron", v))
        OneOffJob("b", job_args()).job_name.apply(lambda v: seen.setdefault("job", v))

    run_mocked(program)
    assert seen == {"cron": "a", "job": "b"}


BAD_CRON = [
    (dict(schedule="every night"), "schedule"),
    (dict(schedule="0 4 * *"), "schedule"),
    (dict(time_zone="Europe London"), "time_zone"),
    (dict(suspend="yes"), "suspend"),
    (dict(concurrency_policy="Queue"), "concurrency_policy"),
    (dict(successful_jobs_history_limit=-1), "successful_jobs_history_limit"),
    (dict(failed_jobs_history_limit=None), "failed_jobs_history_limit"),
    (dict(starting_deadline_seconds=True), "starting_deadline_seconds"),
    (dict(job_metadata=["labels"]), "job_metadata"),
    (dict(moved_from={"job": "x"}), "moved_from"),
]
BAD_COMMON = [
    (dict(namespace="Tasks"), "namespace"),
    (dict(containers=[]), "containers"),
    (dict(containers=TASK), "containers"),
    (dict(containers=[{"name": "x"}]), "containers[0]"),
    (dict(init_containers=[{"image": "busybox:1.37"}]), "init_containers[0]"),
    (dict(volumes=[{"empty_dir": {}}]), "volumes[0]"),
    (dict(service_account_name="My SA"), "service_account_name"),
    (dict(image_pull_secrets="ghcr-credentials"), "image_pull_secrets"),
    (dict(restart_policy="Always"), "restart_policy"),
    (dict(pod_spec={"containers": []}), "pod_spec"),
    (dict(pod_spec={"service_account_name": "x"}), "pod_spec"),
    (dict(pod_metadata="app"), "pod_metadata"),
    (dict(labels={"app": 1}), "labels"),
    (dict(backoff_limit=-1), "backoff_limit"),
    (dict(active_deadline_seconds="60"), "active_deadline_seconds"),
    (dict(ttl_seconds_after_finished=1.5), "ttl_seconds_after_finished"),
    (dict(ignore_changes="spec.suspend"), "ignore_changes"),
    (dict(moved_from={"cronjob": ""}), "moved_from['cronjob']"),
]


@pytest.mark.parametrize("overrides,argument", BAD_CRON + BAD_COMMON)
def test_scheduled_job_rejects(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        cron_args(**overrides)
    assert err.value.component == "ScheduledJob" and err.value.argument == argument


@pytest.mark.parametrize("overrides,argument", BAD_COMMON[:-1] + [(dict(moved_from={"cronjob": "x"}), "moved_from")])
def test_one_off_job_rejects(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        job_args(**overrides)
    assert err.value.component == "OneOffJob" and err.value.argument == argument


def test_entry_points_reject_the_other_args_and_bad_names():
    with pytest.raises(ArgumentError, match="'args'"):
        OneOffJob("x", cron_args())
    with pytest.raises(ArgumentError, match="'args'"):
        ScheduledJob("x", job_args())
    with pytest.raises(ArgumentError, match="'name'"):
        ScheduledJob("Nightly", cron_args())
