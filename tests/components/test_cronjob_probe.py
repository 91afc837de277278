"""CronJobProbe: the safe defaults, both script shapes, rejected inputs."""

import pytest

from components.cronjob_probe import CronJobProbe, CronJobProbeArgs
from components.errors import ArgumentError
from components.workload import env


def probe_args(**overrides) -> CronJobProbeArgs:
    base = dict(namespace="mon", schedule="*/5 * * * *", image="docker.io/library/alpine:3.20",
                script="echo ok", metrics=["probe_up"])
    return CronJobProbeArgs(**{**base, **overrides})


def test_defaults_forbid_overlap_and_never_retry(run_mocked):
    recorded = run_mocked(lambda: CronJobProbe("api-probe", probe_args()))
    cron = recorded.k8s("CronJob", "api-probe")
    spec = cron.inputs["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["jobTemplate"]["spec"]["backoffLimit"] == 0
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 3)
    container = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["/bin/sh", "/scripts/probe.sh"]
    assert {"name": "PUSHGATEWAY_URL", "value": "http://prometheus-prometheus-pushgateway.monitoring:9091"} in container["env"]
    script = recorded.k8s("ConfigMap", "api-probe-script")
    assert script.inputs["data"] == {"probe.sh": "echo ok"}
    assert cron.options["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig"]


def test_inline_script_and_overrides(run_mocked):
    recorded = run_mocked(lambda: CronJobProbe("fresh", probe_args(
        inline_script=True, backoff_limit=2, restart_policy="OnFailure", starting_deadline_seconds=300,
        ttl_seconds_after_finished=3600, env=env({"A": 1}), env_from_secrets=["s"], service_account_name="sa",
        resources={"requests": {"cpu": "10m"}})))
    assert not recorded.of_type("kubernetes:core/v1:ConfigMap")
    spec = recorded.k8s("CronJob", "fresh").inputs["spec"]
    job = spec["jobTemplate"]["spec"]
    pod = job["template"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"], spec["startingDeadlineSeconds"]) == (2, 3600, 300)
    assert pod["restartPolicy"] == "OnFailure" and pod["serviceAccountName"] == "sa"
    container = pod["containers"][0]
    assert container["command"] == ["/bin/sh", "-c", "echo ok"]
    assert container["envFrom"] == [{"secretRef": {"name": "s"}}]
    assert container["env"][0] == {"name": "A", "value": "1"}


def test_metric_names_are_exported(run_mocked):
    seen = {}

    def program():
        probe = CronJobProbe("p", probe_args(metrics=["a_total", "b_seconds"]))
        probe.metric_names.apply(lambda v: seen.setdefault("m", v))

    run_mocked(program)
    assert seen["m"] == ["a_total", "b_seconds"]


BAD = [
    (dict(schedule="every hour"), "schedule"),
    (dict(schedule="* * * *"), "schedule"),
    (dict(metrics=[]), "metrics"),
    (dict(metrics="probe_up"), "metrics"),
    (dict(metrics=["bad-name"]), "metrics"),
    (dict(backoff_limit=-1), "backoff_limit"),
    (dict(backoff_limit=True), "backoff_limit"),
    (dict(successful_jobs_history_limit=-2), "successful_jobs_history_limit"),
    (dict(restart_policy="Always"), "restart_policy"),
    (dict(image=""), "image"),
    (dict(script=""), "script"),
    (dict(script_filename="../x.sh"), "script_filename"),
    (dict(namespace="UPPER"), "namespace"),
]


@pytest.mark.parametrize("overrides, argument", BAD, ids=[f"{a}-{i}" for i, (_, a) in enumerate(BAD)])
def test_bad_inputs(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        probe_args(**overrides)
    assert err.value.argument == argument and "CronJobProbe" in str(err.value)
