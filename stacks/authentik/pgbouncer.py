"""PgBouncer in front of the shared PostgreSQL for Authentik: config text, container and volumes.

Authentik connects to `pgbouncer.authentik:6432`; PgBouncer pools (session mode) towards
`postgresql.dbaas`. The password is Vault `secret/platform` `authentik_postgres_password`,
so the rendered config and user list are secret Outputs.
"""

from __future__ import annotations

from components.workload import secret_env

NAME = "pgbouncer"
PORT = 6432
IMAGE = "edoburu/pgbouncer:latest"
LABELS = {"app": NAME}
DATABASE_SECRET = "pgbouncer-database"
DATABASE_KEY = "databases_authentik"
"""Secret and key holding DATABASES_AUTHENTIK (with the password): referenced, never a literal (SEC-013)."""

INI_SETTINGS = {
    "listen_addr": "0.0.0.0",
    "listen_port": str(PORT),
    "auth_type": "md5",
    "auth_file": "/etc/pgbouncer/userlist.txt",
    "pool_mode": "session",
    "max_client_conn": "200",
    "default_pool_size": "20",
    "reserve_pool_size": "5",
    "reserve_pool_timeout": "5",
    "ignore_startup_parameters": "extra_float_digits",
    # Server connections left idle in a transaction (a pod killed mid-migration) would hold
    # the migration lock and serialise every later boot: drop them after 5 minutes.
    "idle_transaction_timeout": "300",
}


def ini(password: str) -> str:
    """pgbouncer.ini: one `authentik` database on the dbaas PostgreSQL."""
    lines = [
        "[databases]",
        f"authentik = host=postgresql.dbaas port=5432 dbname=authentik user=authentik password={password}",
        "",
        "[pgbouncer]",
        *(f"{key} = {value}" for key, value in INI_SETTINGS.items()),
    ]
    return "\n".join(lines) + "\n"


def userlist(password: str) -> str:
    """userlist.txt: the one client login PgBouncer accepts."""
    return f'"authentik" "{password}"\n'


def database_env(password: str) -> str:
    """DATABASES_AUTHENTIK for the image's entrypoint (it points at the `postgres` alias)."""
    return f"host=postgres port=5432 dbname=authentik user=authentik password={password}"


# Keep PgBouncer pods off the nodes running Authentik server pods.
POD_SPEC = {
    "affinity": {"pod_anti_affinity": {"required_during_scheduling_ignored_during_execution": [{
        "label_selector": {"match_expressions": [{"key": "component", "operator": "In", "values": ["server"]}]},
        "topology_key": "kubernetes.io/hostname",
    }]}},
    "dns_config": {"options": [{"name": "ndots", "value": "2"}]},
}


def container() -> dict:
    """The PgBouncer container (snake_case, typed SDK); DATABASES_AUTHENTIK comes from DATABASE_SECRET."""
    tcp_probe = {"tcp_socket": {"port": PORT}}
    return {
        "name": NAME,
        "image": IMAGE,
        "image_pull_policy": "Always",
        "ports": [{"container_port": PORT}],
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "readiness_probe": {**tcp_probe, "initial_delay_seconds": 5, "period_seconds": 10,
                            "timeout_seconds": 3, "failure_threshold": 3},
        "liveness_probe": {**tcp_probe, "initial_delay_seconds": 30, "period_seconds": 30,
                           "timeout_seconds": 5, "failure_threshold": 3},
        "volume_mounts": [
            {"name": "config", "mount_path": "/etc/pgbouncer/pgbouncer.ini", "sub_path": "pgbouncer.ini"},
            {"name": "auth", "mount_path": "/etc/pgbouncer/userlist.txt", "sub_path": "userlist.txt"},
        ],
        "env": secret_env(DATABASE_SECRET, {"DATABASES_AUTHENTIK": DATABASE_KEY}),
    }


def volumes(*, config_map: object, auth_secret: object) -> list[dict]:
    """The ini (ConfigMap) and the user list (Secret), mounted by :func:`container`."""
    return [
        {"name": "config", "config_map": {"name": config_map}},
        {"name": "auth", "secret": {"secret_name": auth_secret}},
    ]
