"""dbaas (Tier 0): the two database servers, their protection, the nightly dumps and the bootstrap."""

from pathlib import Path

import pytest
import yaml

STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "dbaas"
NS = "dbaas"


@pytest.fixture(scope="module")
def dbaas(synth_stack):
    return synth_stack("dbaas")


def test_stack_metadata_is_tier0():
    meta = yaml.safe_load((STACK_DIR / "stack.yaml").read_text())
    assert meta["bootstrap"] is True and meta["human_only"] is False
    assert meta["depends_on"] == ["infra", "cnpg"]


def test_namespace_is_protected_with_tier_and_quota_label(dbaas):
    ns = dbaas.k8s("Namespace", NS)
    assert ns["options"]["protect"], ns["urn"]
    assert ns["inputs"]["metadata"]["labels"] == {"tier": "1-cluster", "resource-governance/custom-quota": "true"}
    quota = dbaas.k8s("ResourceQuota", "dbaas-quota", NS)
    assert quota["inputs"]["spec"]["hard"] == {
        "requests.cpu": "8", "requests.memory": "40Gi", "limits.memory": "40Gi", "pods": "30"}


def test_mysql_statefulset_is_pinned_protected_and_keel_opted_out(dbaas):
    sts = dbaas.k8s("StatefulSet", "mysql-standalone", NS)
    assert sts["options"]["protect"], sts["urn"]
    meta, spec = sts["inputs"]["metadata"], sts["inputs"]["spec"]
    assert meta["annotations"] == {"keel.sh/policy": "never"}
    assert meta["labels"]["tier"] == "1-cluster"
    assert spec["serviceName"] == "mysql-standalone" and spec["replicas"] == 1
    assert spec["selector"]["matchLabels"] == {"app.kubernetes.io/instance": "mysql-standalone",
                                               "app.kubernetes.io/component": "primary"}
    pod = spec["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] == 90
    [container] = pod["containers"]
    assert container["image"] == "mysql:8.4.8"
    assert container["resources"] == {"requests": {"cpu": "250m", "memory": "4Gi"}, "limits": {"memory": "6Gi"}}
    assert container["env"][0]["valueFrom"]["secretKeyRef"] == {"name": "cluster-secret", "key": "ROOT_PASSWORD"}
    assert container["startupProbe"]["failureThreshold"] == 30
    assert container["livenessProbe"]["initialDelaySeconds"] == 30
    assert pod["volumes"] == [{"name": "config", "configMap": {"name": "mysql-standalone-cnf"}}]
    [vct] = spec["volumeClaimTemplates"]
    assert vct["metadata"]["name"] == "data"
    assert vct["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert vct["spec"]["resources"]["requests"]["storage"] == "5Gi"
    assert vct["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "50Gi"
    ignored = sts["options"]["ignoreChanges"]
    assert "spec.volumeClaimTemplates" in ignored and "spec.template.spec.dnsConfig" in ignored
    assert 'metadata.annotations["keel.sh/policy"]' not in ignored, "the Keel opt-out must stay managed"


def test_mysql_config_and_service(dbaas):
    cnf = dbaas.k8s("ConfigMap", "mysql-standalone-cnf", NS)["inputs"]["data"]["standalone.cnf"]
    settings = {line for line in cnf.splitlines() if line and not line.startswith(("#", "["))}
    for expected in ("skip-log-bin", "max_connections=80", "innodb_buffer_pool_size=2147483648",
                     "innodb_flush_log_at_trx_commit=2", "innodb_doublewrite=DETECT_ONLY", "innodb_flush_neighbors=0"):
        assert expected in settings, expected
    assert len(settings) == 17
    svc = dbaas.k8s("Service", "mysql", NS)
    assert svc["inputs"]["spec"]["ports"] == [{"port": 3306, "targetPort": 3306}]
    assert svc["inputs"]["spec"]["selector"] == {"app.kubernetes.io/instance": "mysql-standalone",
                                                 "app.kubernetes.io/component": "primary"}
    assert svc["options"]["dependsOn"], "the Service waits for the StatefulSet"


def test_root_password_secret_comes_from_vault(dbaas):
    secret = dbaas.k8s("Secret", "cluster-secret", NS)
    assert secret["inputs"]["stringData"] == "[secret]", "the root password must stay a Pulumi secret"
    assert secret["inputs"]["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}


def test_pg_cluster_is_a_protected_cnpg_cluster(dbaas):
    cluster = dbaas.k8s("Cluster", "pg-cluster", NS)
    assert cluster["inputs"]["apiVersion"] == "postgresql.cnpg.io/v1"
    assert cluster["options"]["protect"], cluster["urn"]
    spec = cluster["inputs"]["spec"]
    assert spec["instances"] == 3
    assert spec["imageName"] == "ghcr.io/viktorbarzin/cnpg-postgis-pgvector:16-pgvector0.8.0"
    assert spec["affinity"]["podAntiAffinityType"] == "required"
    assert spec["storage"] == {"size": "20Gi", "storageClass": "proxmox-lvm-encrypted"}
    assert spec["resources"] == {"requests": {"cpu": "50m", "memory": "2560Mi"}, "limits": {"memory": "3Gi"}}
    assert spec["enableSuperuserAccess"] is True
    params = spec["postgresql"]["parameters"]
    assert params["max_connections"] == "200" and params["shared_buffers"] == "1024MB"
    assert params["search_path"] == '"$user", public'
    assert params["archive_timeout"] == "0" and params["commit_delay"] == "2500"
    assert len(params) == 13


def test_postgres_services_follow_the_primary(dbaas):
    primary = {"cnpg.io/cluster": "pg-cluster", "cnpg.io/instanceRole": "primary"}
    for name in ("postgresql", "postgresql-lb"):
        spec = dbaas.k8s("Service", name, NS)["inputs"]["spec"]
        assert spec["selector"] == primary, name
        assert spec["ports"] == [{"name": "postgresql", "port": 5432, "targetPort": 5432}], name
    lb = dbaas.k8s("Service", "postgresql-lb", NS)
    assert lb["inputs"]["spec"]["type"] == "LoadBalancer"
    assert lb["inputs"]["metadata"]["annotations"]["metallb.universe.tf/loadBalancerIPs"] == "10.0.20.200"
    assert lb["options"]["ignoreChanges"] == ['metadata.annotations["metallb.io/ip-allocated-from-pool"]']


@pytest.mark.parametrize("name, schedule, image, claim, kept, job", [
    ("postgresql-backup", "0 0 * * *", "docker.io/library/postgres:16.4-bullseye",
     "dbaas-postgresql-backup-host", (10, 5), "postgresql-backup"),
    ("postgresql-backup-per-db", "15 0 * * *", "docker.io/library/postgres:16.4-bullseye",
     "dbaas-postgresql-backup-host", (3, 3), "postgresql-backup-per-db"),
    ("mysql-backup", "30 0 * * *", "docker.io/library/mysql:8.0", "dbaas-mysql-backup-host", (10, 5), "mysql-backup"),
    ("mysql-backup-per-db", "45 0 * * *", "docker.io/library/mysql:8.0",
     "dbaas-mysql-backup-host", (3, 3), "mysql-backup-per-db"),
])
def test_backup_cronjobs_carry_upstream_schedule_and_limits(dbaas, name, schedule, image, claim, kept, job):
    cron = dbaas.k8s("CronJob", name, NS)
    spec = cron["inputs"]["spec"]
    assert spec["schedule"] == schedule
    assert spec["concurrencyPolicy"] == "Replace" and spec["startingDeadlineSeconds"] == 600
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == kept
    job_spec = spec["jobTemplate"]["spec"]
    assert (job_spec["backoffLimit"], job_spec["ttlSecondsAfterFinished"]) == (3, 10)
    pod = job_spec["template"]["spec"]
    assert pod["volumes"][0]["persistentVolumeClaim"] == {"claimName": claim}
    [container] = pod["containers"]
    assert container["name"] == name and container["image"] == image
    assert container["volumeMounts"][0]["mountPath"] == "/backup"
    password = container["env"][0]
    assert password["name"] in ("PGPASSWORD", "MYSQL_PWD")
    expected_ref = ({"name": "pg-cluster-superuser", "key": "password"} if name.startswith("postgresql")
                    else {"name": "cluster-secret", "key": "ROOT_PASSWORD"})
    assert password["valueFrom"]["secretKeyRef"] == expected_ref
    script = container["command"][2]
    assert container["command"][:2] == ["/bin/bash", "-c"]
    assert f'"$PUSHGATEWAY_URL/metrics/job/{job}"' in script
    assert "backup_last_success_timestamp" in script and "-mtime +14 -delete" in script
    assert cron["options"]["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig"]


def test_per_db_postgres_backup_has_resources(dbaas):
    container = dbaas.k8s("CronJob", "postgresql-backup-per-db", NS)["inputs"]["spec"]["jobTemplate"]["spec"][
        "template"]["spec"]["containers"][0]
    assert container["resources"] == {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}


@pytest.mark.parametrize("name, storage_class", [
    ("dbaas-pgadmin-encrypted", "proxmox-lvm-encrypted"),
    ("dbaas-mysql-backup-host", "nfs-truenas"),
    ("dbaas-postgresql-backup-host", "nfs-truenas"),
])
def test_claims_are_protected(dbaas, name, storage_class):
    pvc = dbaas.k8s("PersistentVolumeClaim", name, NS)
    assert pvc["options"]["protect"], pvc["urn"]
    assert pvc["inputs"]["spec"]["storageClassName"] == storage_class


def test_nfs_backup_exports(dbaas):
    for name, path in (("dbaas-mysql-backup-host", "/srv/nfs/mysql-backup"),
                       ("dbaas-postgresql-backup-host", "/srv/nfs/postgresql-backup")):
        pv = dbaas.k8s("PersistentVolume", name)
        assert pv["inputs"]["spec"]["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": path}


def test_app_databases_and_static_mysql_users_are_bootstrapped(dbaas):
    pg = {r["name"]: r for r in dbaas.of_type("homelab:db:PostgresDatabase")}
    assert set(pg) == {f"pg-{n}-db" for n in (
        "terraform-state", "payslip-ingest", "job-hunter", "goodreads-sync", "lesson-harvester", "tripit",
        "nextcloud-todos", "wealthfolio-sync", "fire-planner", "instagram-poster", "tasks")} | {"pg-postiz-dbs"}
    commands = {r["name"]: r for r in dbaas.of_type("command:local:Command")}
    postiz = commands["pg-postiz-dbs-bootstrap"]["inputs"]["stdin"]
    for db in ("postiz", "temporal", "temporal_visibility"):
        assert f"CREATE DATABASE {db} OWNER postiz" in postiz
    todos = commands["pg-nextcloud-todos-db-bootstrap"]["inputs"]["stdin"]
    assert "ALTER ROLE nextcloud_todos SET search_path TO nextcloud_todos;" in todos
    assert "CREATE SCHEMA IF NOT EXISTS nextcloud_todos AUTHORIZATION nextcloud_todos;" in todos
    for r in pg.values():
        assert r["options"]["dependsOn"], f"{r['urn']} must wait for pg-cluster"
    users = {r["name"]: r for r in dbaas.of_type("homelab:db:MysqlUser")}
    assert set(users) == {"mysql-user-forgejo", "mysql-user-roundcubemail"}
    for r in users.values():
        assert r["options"]["dependsOn"], f"{r['urn']} must wait for the StatefulSet"
    assert commands["mysql-user-forgejo-bootstrap"]["inputs"]["stdin"] == "[secret]"


def test_admin_uis(dbaas):
    pma = dbaas.k8s("Deployment", "phpmyadmin", NS)
    container = pma["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "phpmyadmin/phpmyadmin:5.2.3"
    assert {"name": "PMA_HOST", "value": "mysql"} in container["env"]
    assert "spec.template.spec.containers[0].image" in pma["options"]["ignoreChanges"]
    pgadmin = dbaas.k8s("Deployment", "pgadmin", NS)
    assert pgadmin["inputs"]["spec"]["strategy"] == {"type": "Recreate"}
    assert pgadmin["inputs"]["metadata"]["labels"]["sablier.group"] == "pgadmin"
    assert "spec.replicas" in pgadmin["options"]["ignoreChanges"]
    pod = pgadmin["inputs"]["spec"]["template"]["spec"]
    assert pod["volumes"][0]["persistentVolumeClaim"] == {"claimName": "dbaas-pgadmin-encrypted"}
    env = {e["name"]: e for e in pod["containers"][0]["env"]}
    # SEC-019: the initial password comes from a Secret, never a literal in the pod spec.
    assert env["PGADMIN_DEFAULT_PASSWORD"] == {"name": "PGADMIN_DEFAULT_PASSWORD", "valueFrom": {
        "secretKeyRef": {"name": "pgadmin-default-password", "key": "password"}}}
    assert dbaas.k8s("Secret", "pgadmin-default-password", NS)["inputs"]["stringData"] == "[secret]"
    for name, service_port in (("pma", "web"), ("pgadmin", "pgadmin")):
        svc = dbaas.k8s("Service", name, NS)
        assert svc["inputs"]["spec"]["ports"] == [{"name": service_port, "port": 80}]
        ingress = dbaas.k8s("Ingress", name, NS)
        assert ingress["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "required"
