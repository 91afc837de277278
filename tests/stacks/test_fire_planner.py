"""fire-planner: the objects an outage would be about."""

import pytest
import yaml

NS = "fire-planner"


def test_app_reads_its_three_secrets(synth_stack):
    stack = synth_stack("fire-planner")
    pod = stack.k8s("Deployment", "fire-planner", NS)["inputs"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["command"] == ["python", "-m", "fire_planner", "serve"]
    assert [e["secretRef"]["name"] for e in pod["containers"][0]["envFrom"]] == [
        "fire-planner-secrets", "fire-planner-db-creds", "wealthfolio-sync-db-creds"]
    sync = stack.k8s("ExternalSecret", "wealthfolio-sync-db-creds", NS)["inputs"]["spec"]
    assert sync["data"][0]["remoteRef"]["key"] == "static-creds/pg-wealthfolio-sync"


@pytest.mark.parametrize("name,schedule", [
    ("fire-planner-recompute", "0 9 2 * *"), ("fire-planner-fire-targets", "0 10 2 * *"),
    ("fire-planner-col-refresh", "0 4 * * 0"), ("fire-planner-examples-weekly", "0 4 * * 0")])
def test_cronjobs(synth_stack, name, schedule):
    spec = synth_stack("fire-planner").k8s("CronJob", name, NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"]) == (schedule, "Forbid")
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


def test_ingresses_share_the_host(synth_stack):
    stack = synth_stack("fire-planner")
    ui = stack.k8s("Ingress", "fire-planner", NS)["inputs"]
    api = stack.k8s("Ingress", "fire-planner-api", NS)["inputs"]
    assert ui["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "required"
    assert api["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "none"
    assert ui["spec"]["rules"][0]["host"] == api["spec"]["rules"][0]["host"] == "fire-planner.viktorbarzin.me"
    assert api["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/api/"


def test_grafana_datasource_in_monitoring(synth_stack):
    cm = synth_stack("fire-planner").k8s("ConfigMap", "grafana-fire-planner-datasource", "monitoring")["inputs"]
    [ds] = yaml.safe_load(cm["data"]["fire-planner-datasource.yaml"])["datasources"]
    assert (ds["name"], ds["uid"]) == ("FirePlanner", "fire-planner-pg")
