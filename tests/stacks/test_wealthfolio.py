"""wealthfolio: the objects an outage would be about."""

import pytest
import yaml

NS = "wealthfolio"


def test_app_and_sidecars_share_the_undeclared_claim(synth_stack):
    stack = synth_stack("wealthfolio")
    deployment = stack.k8s("Deployment", "wealthfolio", NS)
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    assert [(c["name"], c["image"]) for c in pod["containers"]] == [
        ("wealthfolio", "afadil/wealthfolio:3.6.1"), ("backup", "alpine:3.20"), ("pg-sync", "alpine:3.20")]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "wealthfolio-data-encrypted"
    assert volumes["backup"]["nfs"] == {"server": "192.168.1.127", "path": "/srv/nfs/wealthfolio-backup"}
    assert pod["securityContext"] == {"fsGroup": 1000, "fsGroupChangePolicy": "OnRootMismatch"}
    for i in range(3):
        assert f"spec.template.spec.containers[{i}].image" in deployment["options"]["ignoreChanges"]
    # Declared nowhere upstream; the program must not create it either.
    assert not [r for r in stack.resources if r["inputs"].get("kind") == "PersistentVolumeClaim"]


@pytest.mark.parametrize("name,schedule,policy", [("wealthfolio-sync", "0 8 1 * *", "OnFailure"),
                                                  ("wealthfolio-daily-sync", "0 16 * * *", "Never")])
def test_cronjobs(synth_stack, name, schedule, policy):
    spec = synth_stack("wealthfolio").k8s("CronJob", name, NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"]) == (schedule, "Forbid")
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == policy


def test_broker_import_runs_next_to_wealthfolio(synth_stack):
    pod = synth_stack("wealthfolio").k8s("CronJob", "wealthfolio-sync", NS)["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [term] = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term == {"labelSelector": {"matchLabels": {"app": "wealthfolio"}}, "topologyKey": "kubernetes.io/hostname"}


def test_grafana_datasource_in_monitoring(synth_stack):
    stack = synth_stack("wealthfolio")
    cm = stack.k8s("ConfigMap", "grafana-wealth-datasource", "monitoring")["inputs"]
    [ds] = yaml.safe_load(cm["data"]["wealth-datasource.yaml"])["datasources"]
    assert (ds["name"], ds["uid"], ds["user"]) == ("Wealth", "wealth-pg", "wealthfolio_sync")
    es = stack.k8s("ExternalSecret", "grafana-wealth-pg-creds", "monitoring")["inputs"]["spec"]
    assert es["data"][0]["remoteRef"]["key"] == "static-creds/pg-wealthfolio-sync"
