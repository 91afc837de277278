"""DatabaseCredentials: the vault-database static-creds ExternalSecret, templated and reload-matched."""

import pytest

from components import constants as c
from components.database_credentials import (
    PASSWORD, DatabaseCredentials, DatabaseCredentialsArgs, database_url,
)
from components.errors import ArgumentError


def test_url_helper_with_and_without_port():
    assert database_url("postgresql+asyncpg", user="tasks", host="pg", port=5432, database="tasks") == \
        "postgresql+asyncpg://tasks:{password}@pg:5432/tasks"
    assert database_url("mysql", user="codimd", host="mysql.dbaas", database="codimd") == \
        "mysql://codimd:{password}@mysql.dbaas/codimd"


def test_templated_reload_matched_secret(run_mocked):
    recorded = run_mocked(lambda: DatabaseCredentials("app-db-creds", DatabaseCredentialsArgs(
        namespace="app", role="pg-app", reload_match=True,
        template={"DATABASE_URL": database_url("postgresql", user="app", host="pg", port=5432, database="app"),
                  "DB_PASSWORD": PASSWORD})))
    es = recorded.k8s("ExternalSecret", "app-db-creds")
    assert es.inputs["apiVersion"] == "external-secrets.io/v1"
    assert es.inputs["metadata"] == {"name": "app-db-creds", "namespace": "app",
                                     "annotations": {c.PATCH_FORCE_ANNOTATION: "true"}}
    assert es.inputs["spec"] == {
        "refreshInterval": "15m",
        "secretStoreRef": {"name": "vault-database", "kind": "ClusterSecretStore"},
        "target": {"name": "app-db-creds", "template": {
            "metadata": {"annotations": {"reloader.stakater.com/match": "true"}},
            "data": {"DATABASE_URL": "postgresql://app:{{ .password }}@pg:5432/app", "DB_PASSWORD": "{{ .password }}"},
        }},
        "data": [{"secretKey": "password", "remoteRef": {"key": "static-creds/pg-app", "property": "password"}}],
    }
    component = recorded.one("homelab:k8s:DatabaseCredentials", "app-db-creds")
    assert es.parent.endswith("homelab:k8s:ExternalSecret::app-db-creds")
    assert component.urn.endswith("homelab:k8s:DatabaseCredentials::app-db-creds")


def test_plain_secret_with_own_key_has_no_template(run_mocked):
    recorded = run_mocked(lambda: DatabaseCredentials("speedtest-secrets", DatabaseCredentialsArgs(
        namespace="speedtest", role="mysql-speedtest", password_key="db_password")))
    spec = recorded.k8s("ExternalSecret", "speedtest-secrets").inputs["spec"]
    assert spec["target"] == {"name": "speedtest-secrets"}
    assert spec["data"] == [{"secretKey": "db_password",
                             "remoteRef": {"key": "static-creds/mysql-speedtest", "property": "password"}}]


def test_literal_template_values_sit_beside_the_password(run_mocked):
    recorded = run_mocked(lambda: DatabaseCredentials("db", DatabaseCredentialsArgs(
        namespace="url", role="mysql-shlink", template={"DB_USER": "shlink", "DB_PASSWORD": PASSWORD})))
    spec = recorded.k8s("ExternalSecret", "db").inputs["spec"]
    assert spec["target"]["template"] == {"data": {"DB_USER": "shlink", "DB_PASSWORD": "{{ .password }}"}}


def test_template_uses_the_password_key_and_remote_key_override(run_mocked):
    recorded = run_mocked(lambda: DatabaseCredentials("c", DatabaseCredentialsArgs(
        namespace="n", role="pg-goodreads-sync", password_key="db_password",
        remote_key="database/static-creds/pg-goodreads-sync", template={"URL": "x://{password}"})))
    spec = recorded.k8s("ExternalSecret", "c").inputs["spec"]
    assert spec["target"]["template"] == {"data": {"URL": "x://{{ .db_password }}"}}
    assert spec["data"][0]["remoteRef"]["key"] == "database/static-creds/pg-goodreads-sync"


@pytest.mark.parametrize("kwargs, argument", [
    ({"namespace": "", "role": "pg-a"}, "namespace"),
    ({"namespace": "n", "role": "static-creds/pg-a"}, "role"),
    ({"namespace": "n", "role": "pg-a", "password_key": ""}, "password_key"),
    ({"namespace": "n", "role": "pg-a", "template": {"URL": "postgresql://a@pg/a"}}, "template['URL']"),
    ({"namespace": "n", "role": "pg-a", "template": {"URL": "postgresql://a:{{ .password }}@pg/a {password}"}},
     "template['URL']"),
    ({"namespace": "n", "role": "pg-a", "template": {"USER": "a", "HOST": "pg"}}, "template['USER']"),
    ({"namespace": "n", "role": "pg-a", "template": {"USER": 5, "PASSWORD": PASSWORD}}, "template['USER']"),
    ({"namespace": "n", "role": "pg-a", "template": ["URL"]}, "template"),
    ({"namespace": "n", "role": "pg-a", "remote_key": ""}, "remote_key"),
])
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        DatabaseCredentialsArgs(**kwargs)
    assert err.value.argument == argument
    assert str(err.value).startswith("DatabaseCredentials: argument")
