"""payslip-ingest: the objects an outage would be about."""

import yaml

NS = "payslip-ingest"


def test_service_reads_both_secrets_and_migrates_first(synth_stack):
    stack = synth_stack("payslip-ingest")
    deployment = stack.k8s("Deployment", "payslip-ingest", NS)
    template = deployment["inputs"]["spec"]["template"]
    assert template["metadata"]["annotations"] == {"dependency.kyverno.io/wait-for": "postgresql.dbaas:5432"}
    pod = template["spec"]
    assert pod["initContainers"][0]["command"] == ["python", "-m", "payslip_ingest", "migrate"]
    assert pod["containers"][0]["envFrom"] == [{"secretRef": {"name": "payslip-ingest-secrets"}},
                                               {"secretRef": {"name": "payslip-ingest-db-creds"}}]
    keys = [d["secretKey"] for d in stack.k8s("ExternalSecret", "payslip-ingest-secrets", NS)["inputs"]["spec"]["data"]]
    assert "ACTUALBUDGET_ENCRYPTION_PASSWORD" not in keys and len(keys) == 5
    assert stack.k8s("Service", "payslip-ingest", NS)["inputs"]["spec"].get("type", "ClusterIP") == "ClusterIP"


def test_payroll_sync_cronjob(synth_stack):
    spec = synth_stack("payslip-ingest").k8s("CronJob", "actualbudget-payroll-sync", NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["suspend"], spec["failedJobsHistoryLimit"]) == ("0 2 * * *", False, 5)
    container = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "-m", "payslip_ingest", "sync-meta-deposits"]


def test_grafana_datasource_in_monitoring(synth_stack):
    stack = synth_stack("payslip-ingest")
    cm = stack.k8s("ConfigMap", "grafana-payslips-datasource", "monitoring")["inputs"]
    [ds] = yaml.safe_load(cm["data"]["payslips-datasource.yaml"])["datasources"]
    assert (ds["uid"], ds["user"], ds["jsonData"]["database"]) == ("payslips-pg", "payslip_ingest", "payslip_ingest")
    es = stack.k8s("ExternalSecret", "grafana-payslips-pg-creds", "monitoring")["inputs"]["spec"]
    assert es["data"][0]["remoteRef"]["key"] == "static-creds/pg-payslip-ingest"
