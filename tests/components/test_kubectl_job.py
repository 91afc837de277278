"""KubectlJob: the pinned kubectl image, the job running as its own account, rejected inputs."""

import pytest

from components import constants as c
from components.errors import ArgumentError
from components.kubectl_job import KubectlJob, KubectlJobArgs
from components.scheduled_job import OneOffJobArgs, ScheduledJobArgs
from components.workload_rbac import Rule

SCALE = Rule(api_groups=["apps"], resources=["deployments", "deployments/scale"], verbs=["get", "patch"])


def gate(image: str = c.KUBECTL_IMAGE, **extra) -> dict:
    return {"name": "vram-gate", "image": image, "command": ["/bin/bash", "-c", "kubectl scale ..."], **extra}


def cron(**overrides) -> ScheduledJobArgs:
    return ScheduledJobArgs(**{"namespace": "tts", "schedule": "*/3 * * * *", "containers": [gate()], **overrides})


def test_the_pinned_image_is_a_concrete_tag():
    # Written out by hand: changing the pin is a deliberate, reviewed edit of this line.
    assert c.KUBECTL_IMAGE == "docker.io/bitnamilegacy/kubectl:1.33.4"


def test_cron_runs_as_the_rbac_account(run_mocked, registered_outputs):
    seen = {}

    def program():
        job = KubectlJob("chatterbox-offpeak", KubectlJobArgs(job=cron(), rules=[SCALE]))
        job.service_account_name.apply(lambda v: seen.setdefault("sa", v))
        job.job_name.apply(lambda v: seen.setdefault("job", v))

    recorded = run_mocked(program)
    top = "urn:pulumi:prod::test::homelab:k8s:KubectlJob::chatterbox-offpeak"
    cronjob = recorded.k8s("CronJob", "chatterbox-offpeak")
    pod = cronjob.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "chatterbox-offpeak"
    assert pod["containers"][0]["image"] == "docker.io/bitnamilegacy/kubectl:1.33.4"
    assert cronjob.inputs["spec"]["concurrencyPolicy"] == "Forbid"
    assert cronjob.options["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig"]
    assert cronjob.parent == "urn:pulumi:prod::test::homelab:k8s:KubectlJob$homelab:k8s:ScheduledJob::chatterbox-offpeak"
    role = recorded.k8s("Role", "chatterbox-offpeak")
    assert role.inputs["rules"] == [{"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"],
                                     "verbs": ["get", "patch"]}]
    assert role.parent == "urn:pulumi:prod::test::homelab:k8s:KubectlJob$homelab:k8s:WorkloadRbac::chatterbox-offpeak"
    assert {r.parent for r in recorded.resources if r.name == "chatterbox-offpeak" and not r.custom} == {top, "urn:pulumi:prod::test::pulumi:pulumi:Stack::test-prod"}
    assert seen == {"sa": "chatterbox-offpeak", "job": "chatterbox-offpeak"}
    assert registered_outputs[("KubectlJob", "chatterbox-offpeak")] == ["job_name", "service_account_name"]


def test_one_off_job_with_a_cluster_role(run_mocked):
    recorded = run_mocked(lambda: KubectlJob("label-nodes", KubectlJobArgs(
        job=OneOffJobArgs(namespace="ops", containers=[gate()], backoff_limit=1),
        rules=[Rule(api_groups=[""], resources=["nodes"], verbs=["get", "patch"])], role_kind="ClusterRole")))
    job = recorded.k8s("Job", "label-nodes")
    assert job.inputs["spec"]["template"]["spec"]["serviceAccountName"] == "label-nodes"
    assert job.options["ignoreChanges"] == ["spec.template.spec.dnsConfig"]
    assert recorded.k8s("ClusterRoleBinding", "label-nodes").inputs["subjects"] == [
        {"kind": "ServiceAccount", "name": "label-nodes", "namespace": "ops"}]


BAD = [
    (dict(job=cron(containers=[gate("bitnami/kubectl:latest")])), "job.containers[0].image"),
    (dict(job=cron(containers=[gate("docker.io/bitnami/kubectl:1.30")])), "job.containers[0].image"),
    (dict(job=cron(containers=[gate()], init_containers=[gate("bitnamilegacy/kubectl:1.31.4", name="i")])),
     "job.init_containers[0].image"),
    (dict(job=cron(containers=[gate("docker.io/library/alpine:3.20")])), "job.containers"),
    (dict(job=cron(service_account_name="other")), "job.service_account_name"),
    (dict(job={"namespace": "tts"}), "job"),
    (dict(rules=[]), "rules"),
    (dict(role_kind="Cluster"), "role_kind"),
]


@pytest.mark.parametrize("overrides,argument", BAD)
def test_rejects(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        KubectlJobArgs(**{"job": cron(), "rules": [SCALE], **overrides})
    assert err.value.argument == argument
