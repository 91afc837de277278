"""PostgresInitJob: the adopted Job shape, secret scripts, no-wait Jobs, rejected inputs."""

import pulumi
import pytest

from components.errors import ArgumentError
from components.postgres_init_job import PostgresInitJob, PostgresInitJobArgs

SCRIPT = "set -e\npsql -h pg -U app -d postgres -c 'SELECT 1'\n"


def init_args(**overrides) -> PostgresInitJobArgs:
    return PostgresInitJobArgs(**{"namespace": "app", "script": SCRIPT, **overrides})


def test_defaults_match_the_adopted_jobs(run_mocked):
    recorded = run_mocked(lambda: PostgresInitJob("app-db-init", init_args(
        env=[{"name": "PGPASSWORD", "value_from": {"secret_key_ref": {"name": "s", "key": "k"}}}])))
    job = recorded.k8s("Job", "app-db-init")
    assert job.name == "app-db-init-job"
    assert job.inputs["metadata"] == {"name": "app-db-init", "namespace": "app"}
    spec = job.inputs["spec"]
    assert spec["backoffLimit"] == 3
    assert spec["template"]["metadata"] == {}
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    [container] = pod["containers"]
    assert container["name"] == "db-init" and container["image"] == "postgres:16-alpine"
    assert container["command"] == ["sh", "-c", SCRIPT]
    assert container["env"][0]["valueFrom"] == {"secretKeyRef": {"name": "s", "key": "k"}}
    assert "envFrom" not in container and "resources" not in container
    assert job.options["ignoreChanges"] == ["spec.template.spec.dnsConfig"]


def test_no_wait_resources_env_from(run_mocked):
    recorded = run_mocked(lambda: PostgresInitJob("t-init", init_args(
        wait_for_completion=False, create_timeout=None, restart_policy="OnFailure", backoff_limit=4,
        resources={"requests": {"cpu": "10m"}}, env_from=[{"secret_ref": {"name": "creds"}}])))
    job = recorded.k8s("Job", "t-init")
    assert job.inputs["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}
    container = job.inputs["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"secretRef": {"name": "creds"}}]
    assert container["resources"] == {"requests": {"cpu": "10m"}}
    assert job.inputs["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


def test_secret_script_stays_secret(run_mocked):
    seen = {}

    def program():
        job = PostgresInitJob("s-init", init_args(script=pulumi.Output.from_input("pw=hunter2"), secret_script=True))
        job.job_name.apply(lambda v: seen.setdefault("name", v))

    recorded = run_mocked(program)
    assert seen == {"name": "s-init"}
    command = recorded.k8s("Job", "s-init").inputs["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[:2] == ["sh", "-c"]


BAD = [
    (dict(namespace="App"), "namespace"),
    (dict(script=""), "script"),
    (dict(image=""), "image"),
    (dict(container_name="DB_init"), "container_name"),
    (dict(restart_policy="Always"), "restart_policy"),
    (dict(backoff_limit=-1), "backoff_limit"),
    (dict(env={"name": "X"}), "env"),
    (dict(wait_for_completion=False), "create_timeout"),
    (dict(moved_from={"cronjob": "x"}), "moved_from"),
]


@pytest.mark.parametrize("overrides, argument", BAD)
def test_rejects_bad_arguments(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        init_args(**overrides)
    assert err.value.argument == argument
