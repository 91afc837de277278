"""GrafanaDatasource and GrafanaDashboard: sidecar-labelled ConfigMaps in monitoring."""

import pytest

from components.errors import ArgumentError
from components.grafana import (
    DatasourceCredentials, GrafanaDashboard, GrafanaDashboardArgs, GrafanaDatasource, GrafanaDatasourceArgs,
    datasource_file, env_password,
)


def _postgres(env: str) -> dict:
    # The shape the app stacks (job-hunter, wealthfolio, ...) provision.
    return {
        "name": "Example", "type": "postgres", "access": "proxy", "url": "pg.example:5432",
        "user": "example", "uid": "example-pg",
        "jsonData": {"database": "example", "sslmode": "disable", "postgresVersion": 1600, "timescaledb": False},
        "secureJsonData": {"password": env_password(env)},
        "editable": True,
    }


def test_datasource_file_is_terraform_yamlencode():
    assert datasource_file([_postgres("EXAMPLE_PG_PASSWORD")]) == (
        '"apiVersion": 1\n'
        '"datasources":\n'
        '- "access": "proxy"\n'
        '  "editable": true\n'
        '  "jsonData":\n'
        '    "database": "example"\n'
        '    "postgresVersion": 1600\n'
        '    "sslmode": "disable"\n'
        '    "timescaledb": false\n'
        '  "name": "Example"\n'
        '  "secureJsonData":\n'
        '    "password": "$__env{EXAMPLE_PG_PASSWORD}"\n'
        '  "type": "postgres"\n'
        '  "uid": "example-pg"\n'
        '  "url": "pg.example:5432"\n'
        '  "user": "example"\n'
    )


def test_datasource_with_credentials(run_mocked, registered_outputs):
    recorded = run_mocked(lambda: GrafanaDatasource("grafana-example-datasource", GrafanaDatasourceArgs(
        file_name="example-datasource.yaml", datasources=[_postgres("EXAMPLE_PG_PASSWORD")],
        credentials=DatasourceCredentials(secret_name="grafana-example-pg-creds", role="pg-example",
                                          env_var="EXAMPLE_PG_PASSWORD"))))
    cm = recorded.k8s("ConfigMap", "grafana-example-datasource")
    assert cm.inputs["metadata"] == {"name": "grafana-example-datasource", "namespace": "monitoring",
                                     "labels": {"grafana_datasource": "1"}}
    assert cm.inputs["data"] == {"example-datasource.yaml": datasource_file([_postgres("EXAMPLE_PG_PASSWORD")])}
    es = recorded.k8s("ExternalSecret", "grafana-example-pg-creds")
    assert es.inputs["metadata"]["namespace"] == "monitoring"
    assert es.inputs["spec"]["target"] == {"name": "grafana-example-pg-creds", "template": {
        "metadata": {"annotations": {"reloader.stakater.com/match": "true"}},
        "data": {"EXAMPLE_PG_PASSWORD": "{{ .password }}"}}}
    assert es.inputs["spec"]["data"] == [{"secretKey": "password",
                                          "remoteRef": {"key": "static-creds/pg-example", "property": "password"}}]
    creds = recorded.one("homelab:k8s:DatabaseCredentials", "grafana-example-pg-creds")
    assert creds.urn in cm.options["dependsOn"] or any(d.endswith("::grafana-example-pg-creds-external-secret")
                                                       for d in cm.options["dependsOn"]), cm.options
    assert registered_outputs[("GrafanaDatasource", "grafana-example-datasource")] == ["config_map_name", "secret_name"]


def test_datasource_without_credentials_has_only_the_config_map(run_mocked):
    entry = {"name": "Plain", "type": "prometheus", "url": "http://prometheus"}
    recorded = run_mocked(lambda: GrafanaDatasource("plain", GrafanaDatasourceArgs(
        file_name="plain.yaml", datasources=[entry])))
    assert [r.type for r in recorded.resources if r.custom] == ["kubernetes:core/v1:ConfigMap"]


@pytest.mark.parametrize("kwargs, field", [
    ({"file_name": "x.json"}, "file_name"),
    ({"datasources": []}, "datasources"),
    ({"datasources": [{"type": "postgres"}]}, "datasources[0].name"),
    ({"credentials": DatasourceCredentials(secret_name="s", role="pg-x", env_var="OTHER")}, "credentials.env_var"),
])
def test_datasource_bad_inputs(kwargs, field):
    base = {"file_name": "x.yaml", "datasources": [_postgres("X_PASSWORD")]}
    with pytest.raises(ArgumentError, match=field.replace("[", r"\[").replace("]", r"\]")):
        GrafanaDatasourceArgs(**{**base, **kwargs})


def test_credentials_env_var_must_be_a_variable_name():
    with pytest.raises(ArgumentError, match="env_var"):
        DatasourceCredentials(secret_name="s", role="pg-x", env_var="lower-case")


def test_dashboard_with_folder(run_mocked, tmp_path):
    (tmp_path / "files" / "dashboards").mkdir(parents=True)
    (tmp_path / "files" / "dashboards" / "dns.json").write_text('{"title": "DNS"}\n')
    recorded = run_mocked(lambda: GrafanaDashboard("grafana-dns-dashboard", GrafanaDashboardArgs(
        stack_dir=tmp_path, files={"dns.json": "dashboards/dns.json"}, folder="Networking")))
    cm = recorded.k8s("ConfigMap", "grafana-dns-dashboard")
    assert cm.inputs["metadata"] == {"name": "grafana-dns-dashboard", "namespace": "monitoring",
                                     "labels": {"grafana_dashboard": "1"},
                                     "annotations": {"grafana_folder": "Networking"}}
    assert cm.inputs["data"] == {"dns.json": '{"title": "DNS"}\n'}


@pytest.mark.parametrize("files", [{"dns.yaml": "dns.json"}, {"dns.json": "../dns.json"}, {"dns.json": "missing.json"}])
def test_dashboard_bad_files(tmp_path, files):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "dns.json").write_text("{}")
    with pytest.raises(ArgumentError, match="files"):
        GrafanaDashboardArgs(stack_dir=tmp_path, files=files, folder=None)
