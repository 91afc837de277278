"""job-hunter: the objects an outage would be about."""

import pytest
import yaml

NS = "job-hunter"


def test_service_reads_both_secrets_and_migrates_first(synth_stack):
    stack = synth_stack("job-hunter")
    deployment = stack.k8s("Deployment", "job-hunter", NS)
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    from_secrets = [{"secretRef": {"name": "job-hunter-secrets"}}, {"secretRef": {"name": "job-hunter-db-creds"}}]
    assert pod["initContainers"][0]["command"] == ["python", "-m", "job_hunter", "migrate"]
    assert pod["containers"][0]["envFrom"] == from_secrets
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}, {"name": "ghcr-credentials"}]
    assert "spec.template.spec.initContainers[0].image" in deployment["options"]["ignoreChanges"]
    es = stack.k8s("ExternalSecret", "job-hunter-db-creds", NS)["inputs"]["spec"]
    assert es["target"]["template"]["data"]["DB_CONNECTION_STRING"] == (
        "postgresql+asyncpg://job_hunter:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/job_hunter")
    assert stack.k8s("Service", "job-hunter", NS)["inputs"]["spec"]["ports"] == [
        {"name": "http", "port": 8080, "targetPort": 8080}]


@pytest.mark.parametrize("name,schedule,deadline", [("job-hunter-refresh", "0 4 * * 0", 1800),
                                                    ("job-hunter-alert", "0 5 * * 0", 300)])
def test_weekly_cronjobs(synth_stack, name, schedule, deadline):
    spec = synth_stack("job-hunter").k8s("CronJob", name, NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"], spec["startingDeadlineSeconds"]) == (schedule, "Forbid", 600)
    job = spec["jobTemplate"]["spec"]
    assert job["activeDeadlineSeconds"] == deadline
    assert job["template"]["spec"]["containers"][0]["imagePullPolicy"] == "Always"


def test_grafana_datasource_in_monitoring(synth_stack):
    stack = synth_stack("job-hunter")
    cm = stack.k8s("ConfigMap", "grafana-job-hunter-datasource", "monitoring")["inputs"]
    assert cm["metadata"]["labels"] == {"grafana_datasource": "1"}
    [ds] = yaml.safe_load(cm["data"]["job-hunter-datasource.yaml"])["datasources"]
    assert (ds["uid"], ds["url"], ds["jsonData"]["database"]) == (
        "job-hunter-pg", "pg-cluster-rw.dbaas.svc.cluster.local:5432", "job_hunter")
    es = stack.k8s("ExternalSecret", "grafana-job-hunter-pg-creds", "monitoring")["inputs"]["spec"]
    assert es["target"]["template"]["data"] == {"JOB_HUNTER_PG_PASSWORD": "{{ .password }}"}
