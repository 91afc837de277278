"""db_bootstrap: the idempotent SQL, the commands that run it, rejected inputs."""

import hashlib

import pytest

from components.db_bootstrap import (
    MysqlUser,
    MysqlUserArgs,
    PostgresDatabase,
    PostgresDatabaseArgs,
    mysql_user_sql,
    postgres_bootstrap_sql,
)
from components.errors import ArgumentError

COMMAND = "command:local:Command"


def test_postgres_sql_creates_only_when_absent_and_regrants():
    sql = postgres_bootstrap_sql(PostgresDatabaseArgs(owner="tripit"))
    lines = sql.splitlines()
    assert lines[0] == "\\set ON_ERROR_STOP on"
    # Vault's static role rotates this placeholder as soon as the role exists.
    assert "CREATE ROLE tripit WITH LOGIN PASSWORD ''changeme-vault-will-rotate''" in lines[1]
    assert "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tripit') \\gexec" in lines[1]
    assert "CREATE DATABASE tripit OWNER tripit" in lines[2] and lines[2].endswith("\\gexec")
    assert lines[3] == "GRANT ALL PRIVILEGES ON DATABASE tripit TO tripit;"
    assert "search_path" not in sql


def test_postgres_sql_several_databases_and_a_schema():
    sql = postgres_bootstrap_sql(PostgresDatabaseArgs(owner="postiz", databases=["postiz", "temporal"]))
    assert sql.count("CREATE DATABASE") == 2 and "GRANT ALL PRIVILEGES ON DATABASE temporal TO postiz;" in sql
    sql = postgres_bootstrap_sql(PostgresDatabaseArgs(owner="todos", schema="todos"))
    assert sql.splitlines()[-3:] == [
        "ALTER ROLE todos SET search_path TO todos;",
        "\\connect todos",
        "CREATE SCHEMA IF NOT EXISTS todos AUTHORIZATION todos;",
    ]


def test_postgres_command_runs_in_the_current_primary(run_mocked):
    recorded = run_mocked(lambda: PostgresDatabase("pg-tasks", PostgresDatabaseArgs(owner="tasks")))
    cmd = recorded.one(COMMAND, "pg-tasks-bootstrap")
    assert "kubectl get clusters.postgresql.cnpg.io -n dbaas pg-cluster" in cmd.inputs["create"]
    assert '-c postgres -- psql -U postgres' in cmd.inputs["create"]
    assert cmd.inputs["stdin"] == (
        "\\set ON_ERROR_STOP on\n"
        "SELECT 'CREATE ROLE tasks WITH LOGIN PASSWORD ''changeme-vault-will-rotate''' "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tasks') \\gexec\n"
        "SELECT 'CREATE DATABASE tasks OWNER tasks' "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = 'tasks') \\gexec\n"
        "GRANT ALL PRIVILEGES ON DATABASE tasks TO tasks;\n"
    )
    assert cmd.inputs["triggers"] == ["tasks", "tasks", ""]
    assert "delete" not in cmd.inputs, "removing the component must not drop a database"


def test_mysql_sql_quotes_the_password():
    sql = mysql_user_sql("forgejo", "forgejo", "it's\\x")
    assert "CREATE DATABASE IF NOT EXISTS `forgejo`;" in sql
    assert "CREATE USER IF NOT EXISTS 'forgejo'@'%' IDENTIFIED WITH caching_sha2_password BY 'it''s\\\\x';" in sql
    assert "ALTER USER 'forgejo'@'%' IDENTIFIED WITH caching_sha2_password BY 'it''s\\\\x';" in sql
    assert "GRANT ALL PRIVILEGES ON `forgejo`.* TO 'forgejo'@'%';" in sql


def test_mysql_command_keeps_the_password_secret(run_mocked):
    recorded = run_mocked(lambda: MysqlUser("mysql-user-forgejo", MysqlUserArgs(
        user="forgejo", database="forgejo", password="pw")))
    cmd = recorded.one(COMMAND, "mysql-user-forgejo-bootstrap")
    assert cmd.inputs["create"].startswith("kubectl exec -i -n dbaas mysql-standalone-0 -c mysql -- ")
    assert cmd.inputs["logging"] == "none"
    assert cmd.inputs["stdin"] == "[secret]", "the SQL carries the password"
    triggers = cmd.inputs["triggers"]
    assert triggers[:2] == ["forgejo", "forgejo"]
    assert triggers[2] in ("[secret]", hashlib.sha256(b"pw").hexdigest())


BAD_PG = [
    (dict(owner="Tripit"), "owner"),
    (dict(owner="tripit", databases="tripit"), "databases"),
    (dict(owner="tripit", databases=["a", "a"]), "databases"),
    (dict(owner="tripit", databases=["a-b"]), "databases[]"),
    (dict(owner="tripit", schema="x;drop"), "schema"),
    (dict(owner="tripit", cluster="PG"), "cluster"),
]


@pytest.mark.parametrize("kwargs, argument", BAD_PG)
def test_postgres_rejects_bad_arguments(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        PostgresDatabaseArgs(**kwargs)
    assert err.value.argument == argument


BAD_MY = [
    (dict(user="x'y"), "user"),
    (dict(database="a.b"), "database"),
    (dict(password=""), "password"),
    (dict(pod="Mysql_0"), "pod"),
]


@pytest.mark.parametrize("overrides, argument", BAD_MY)
def test_mysql_rejects_bad_arguments(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        MysqlUserArgs(**{**dict(user="forgejo", database="forgejo", password="pw"), **overrides})
    assert err.value.argument == argument
