"""phpipam: the objects an outage would be about."""

import pytest


def test_web_reads_the_rotated_mysql_password(synth_stack):
    stack = synth_stack("phpipam")
    deployment = stack.k8s("Deployment", "phpipam-web", "phpipam")
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    assert spec["selector"]["matchLabels"] == {"app": "phpipam"}
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "phpipam/phpipam-www:v1.7.4"
    values = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert values["IPAM_DATABASE_HOST"] == "mysql.dbaas.svc.cluster.local"
    assert values["IPAM_DATABASE_USER"] == "phpipam"
    assert values["IPAM_DATABASE_NAME"] == "phpipam"
    assert values["IPAM_TRUST_X_FORWARDED"] == "true"
    assert values["IPAM_DATABASE_PASS"] == {"secretKeyRef": {"name": "phpipam-secrets", "key": "db_password"}}
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    es = stack.k8s("ExternalSecret", "phpipam-secrets", "phpipam")["inputs"]["spec"]
    assert es["secretStoreRef"] == {"name": "vault-database", "kind": "ClusterSecretStore"}
    assert es["data"] == [{"secretKey": "db_password",
                           "remoteRef": {"key": "static-creds/mysql-phpipam", "property": "password"}}]


def test_service_and_ingress(synth_stack):
    stack = synth_stack("phpipam")
    service = stack.k8s("Service", "phpipam", "phpipam")["inputs"]["spec"]
    assert service["selector"] == {"app": "phpipam"}
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 80}]
    ingress = stack.k8s("Ingress", "phpipam", "phpipam")["inputs"]
    assert ingress["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "required"
    assert ingress["spec"]["rules"][0]["host"] == "phpipam.viktorbarzin.me"


@pytest.mark.parametrize("name,schedule,image,deadline", [
    ("phpipam-dns-sync", "*/15 * * * *", "mysql:8.0", None),
    ("phpipam-pfsense-import", "0 * * * *", "alpine:3.21", 600),
    ("phpipam-remote-import", "0 * * * *", "alpine:3.21", None),
])
def test_cronjobs_keep_upstream_schedule_and_forbid(synth_stack, name, schedule, image, deadline):
    spec = synth_stack("phpipam").k8s("CronJob", name, "phpipam")["inputs"]["spec"]
    assert spec["schedule"] == schedule
    assert spec["concurrencyPolicy"] == "Forbid"
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 3)
    job = spec["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 1
    assert job.get("activeDeadlineSeconds") == deadline
    container = job["template"]["spec"]["containers"][0]
    assert container["image"] == image
    assert container["command"][:2] == (["/bin/bash", "-c"] if image == "mysql:8.0" else ["/bin/sh", "-c"])


def test_import_jobs_mount_the_pfsense_key_read_only(synth_stack):
    stack = synth_stack("phpipam")
    for name in ("phpipam-pfsense-import", "phpipam-remote-import"):
        pod = stack.k8s("CronJob", name, "phpipam")["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["volumes"] == [{"name": "ssh-key", "secret": {"secretName": "phpipam-pfsense-ssh", "defaultMode": 0o400}}]
        assert pod["containers"][0]["volumeMounts"] == [{"name": "ssh-key", "mountPath": "/ssh", "readOnly": True}]
    es = stack.k8s("ExternalSecret", "phpipam-pfsense-ssh", "phpipam")["inputs"]["spec"]
    assert es["refreshInterval"] == "1h"
    assert es["data"] == [{"secretKey": "ssh_key", "remoteRef": {"key": "viktor", "property": "phpipam_pfsense_ssh_key"}}]
