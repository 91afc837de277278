"""mailserver: lost mail is the outage. Every listener, every Service port and NodePort, every
mount, the data claim and both backups are asserted; plus the alias filter."""

import importlib.util
from pathlib import Path

import bcrypt
import pytest

NS = "mailserver"
STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "mailserver"
_spec = importlib.util.spec_from_file_location("mailserver_mail_config", STACK_DIR / "mail_config.py")
mail_config = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mail_config)


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("mailserver")


def _pod(stack, name):
    return stack.k8s("Deployment", name, NS)["inputs"]["spec"]["template"]


def _job_pod(stack, name):
    return stack.k8s("CronJob", name, NS)["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_mail_container_listens_on_every_port(stack):
    deployment = stack.k8s("Deployment", "mailserver", NS)["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"} and deployment["spec"]["replicas"] == 1
    assert deployment["metadata"]["labels"] == {"app": "mailserver", "tier": "3-edge"}
    pod = _pod(stack, "mailserver")
    assert pod["metadata"]["labels"] == {"app": "mailserver", "role": "mail"}
    [dms] = pod["spec"]["containers"]
    assert dms["image"] == "docker.io/mailserver/docker-mailserver:15.0.0"
    assert {p["name"]: p["containerPort"] for p in dms["ports"]} == {
        "smtp": 25, "smtp-secure": 465, "smtp-auth": 587, "imap-secure": 993,
        "smtp-proxy": 2525, "smtps-proxy": 4465, "sub-proxy": 5587, "imaps-proxy": 10993}
    assert dms["readinessProbe"]["tcpSocket"] == {"port": 25}
    assert dms["livenessProbe"] == {"tcpSocket": {"port": 993}, "initialDelaySeconds": 60, "periodSeconds": 60,
                                    "timeoutSeconds": 15}
    assert dms["lifecycle"]["postStart"]["exec"]["command"] == ["postmap", "/etc/postfix/sasl/passwd"]
    assert dms["envFrom"] == [{"configMapRef": {"name": "mailserver.env.config"}}]
    assert dms["resources"] == {"requests": {"cpu": "25m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}}


def test_mail_container_mounts_every_config_file_and_the_data_volume(stack):
    pod = _pod(stack, "mailserver")["spec"]
    mounts = {m["mountPath"]: (m["name"], m.get("subPath"), m.get("readOnly", False))
              for m in pod["containers"][0]["volumeMounts"]}
    dms = "/tmp/docker-mailserver"
    assert mounts == {
        "/tmp/ssl/tls.key": ("config-tls", "tls.key", True),
        "/tmp/ssl/tls.crt": ("config-tls", "tls.crt", True),
        f"{dms}/postfix-accounts.cf": ("config", "postfix-accounts.cf", True),
        f"{dms}/postfix-main.cf": ("config", "postfix-main.cf", True),
        f"{dms}/backup-mx-permit.cidr": ("config", "backup-mx-permit.cidr", True),
        f"{dms}/postfix-virtual.cf": ("config", "postfix-virtual.cf", True),
        f"{dms}/docs@viktorbarzin.me.dovecot.sieve": ("config", "docs-at-viktorbarzin.me.dovecot.sieve", True),
        f"{dms}/fetchmail.cf": ("config", "fetchmail.cf", True),
        f"{dms}/dovecot.cf": ("config", "dovecot.cf", True),
        f"{dms}/opendkim/SigningTable": ("config", "SigningTable", True),
        f"{dms}/opendkim/KeyTable": ("config", "KeyTable", True),
        f"{dms}/opendkim/TrustedHosts": ("config", "TrustedHosts", True),
        f"{dms}/opendkim/keys": ("opendkim-key", None, True),
        f"{dms}/rspamd/dkim/viktorbarzin.me/mail.private": ("opendkim-key", "viktorbarzin.me-mail.key", True),
        f"{dms}/rspamd/override.d/dkim_signing.conf": ("config", "dkim_signing.conf", True),
        f"{dms}/rspamd/override.d/external_relay.conf": ("config", "external_relay.conf", True),
        f"{dms}/rspamd/override.d/force_actions.conf": ("config", "force_actions.conf", True),
        "/var/mail": ("data", "data", False),
        "/var/mail-state": ("data", "state", False),
        "/var/log/mail": ("data", "log", False),
        "/var/run/dovecot": ("var-run-dovecot", None, False),
        "/etc/postfix/sasl/passwd": ("config", "sasl_passwd", True),
        "/etc/fail2ban/fail2ban.local": ("config", "fail2ban_conf", True),
        f"{dms}/user-patches.sh": ("user-patches", "user-patches.sh", True),
    }
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"] == {"claimName": "mailserver-data-encrypted"}
    assert volumes["config"]["configMap"] == {"name": "mailserver.config"}
    assert volumes["opendkim-key"]["secret"] == {"secretName": "mailserver.opendkim.key"}
    assert volumes["user-patches"]["configMap"] == {"name": "mailserver-user-patches", "defaultMode": 0o755}
    # Every sub_path the container reads from mailserver.config exists there, except the
    # fetchmail file upstream mounts without shipping (fetchmail is off).
    data = stack.k8s("ConfigMap", "mailserver.config", NS)["inputs"]["data"]
    wanted = {sub for name, sub, _ in mounts.values() if name == "config"}
    assert wanted - set(data) == {"fetchmail.cf"}
    assert data["backup-mx-permit.cidr"] == "10.3.2.10/32 OK\n"


def test_data_claim_is_encrypted_and_left_to_the_autoresizer(stack):
    claim = stack.k8s("PersistentVolumeClaim", "mailserver-data-encrypted", NS)
    spec = claim["inputs"]["spec"]
    assert spec["storageClassName"] == "proxmox-lvm-encrypted" and spec["accessModes"] == ["ReadWriteOnce"]
    assert spec["resources"]["requests"]["storage"] == "5Gi"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "10Gi"
    assert claim["options"]["ignoreChanges"] == ["spec.resources.requests"]
    for name in ("roundcubemail-html-encrypted", "roundcubemail-enigma-encrypted"):
        spec = stack.k8s("PersistentVolumeClaim", name, NS)["inputs"]["spec"]
        assert spec["storageClassName"] == "proxmox-lvm-encrypted" and spec["resources"]["requests"]["storage"] == "1Gi"


def test_services_keep_every_port_and_node_port(stack):
    internal = stack.k8s("Service", "mailserver", NS)["inputs"]["spec"]
    assert internal.get("type", "ClusterIP") == "ClusterIP" and internal["selector"] == {"app": "mailserver"}
    assert [(p["name"], p["port"], p["targetPort"]) for p in internal["ports"]] == [
        ("smtp", 25, "smtp"), ("smtp-secure", 465, "smtp-secure"), ("smtp-auth", 587, "smtp-auth"),
        ("imap-secure", 993, "imap-secure")]
    proxy = stack.k8s("Service", "mailserver-proxy", NS)["inputs"]
    spec = proxy["spec"]
    assert spec["type"] == "NodePort" and spec["externalTrafficPolicy"] == "Cluster"
    assert spec["selector"] == {"app": "mailserver"}
    assert [(p["name"], p["port"], p["targetPort"], p["nodePort"]) for p in spec["ports"]] == [
        ("smtp-proxy", 25, 2525, 30125), ("smtps-proxy", 465, 4465, 30126), ("sub-proxy", 587, 5587, 30127),
        ("imaps-proxy", 993, 10993, 30128), ("smtp-check", 2500, 25, 30145), ("smtps-check", 4650, 465, 30146),
        ("sub-check", 5870, 587, 30147)]
    assert proxy["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "app"


@pytest.mark.parametrize(("job", "schedule", "app", "sources"), [
    ("mailserver-backup", "0 3 * * *", "mailserver",
     {"/var/mail": "data", "/var/mail-state": "state", "/var/log/mail": "log"}),
    ("roundcube-backup", "10 3 * * *", "roundcubemail", {"/src/html": None, "/src/enigma": None}),
])
def test_backups_run_nightly_beside_the_app_onto_nfs(stack, job, schedule, app, sources):
    cronjob = stack.k8s("CronJob", job, NS)["inputs"]["spec"]
    assert cronjob["schedule"] == schedule and cronjob["concurrencyPolicy"] == "Replace"
    assert cronjob["startingDeadlineSeconds"] == 10
    assert (cronjob["successfulJobsHistoryLimit"], cronjob["failedJobsHistoryLimit"]) == (10, 5)
    assert cronjob["jobTemplate"]["spec"]["backoffLimit"] == 3
    pod = _job_pod(stack, job)
    [term] = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term == {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": "kubernetes.io/hostname"}
    [container] = pod["containers"]
    assert container["image"] == "docker.io/library/alpine" and container["command"][:2] == ["/bin/sh", "-c"]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    for path, sub in sources.items():
        assert mounts[path].get("readOnly") is True and mounts[path].get("subPath") == sub
    assert "readOnly" not in mounts["/backup"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["backup"]["persistentVolumeClaim"] == {"claimName": f"{job.split('-')[0]}-backup-host"}
    share = stack.k8s("PersistentVolume", f"{job.split('-')[0]}-backup-host")["inputs"]["spec"]["csi"]
    assert share["volumeAttributes"]["share"] == f"/srv/nfs/{job.split('-')[0]}-backup"


def test_roundtrip_probe_and_spam_retention(stack):
    probe = stack.k8s("CronJob", "email-roundtrip-monitor", NS)["inputs"]["spec"]
    assert probe["schedule"] == "*/20 * * * *" and probe["concurrencyPolicy"] == "Replace"
    [container] = _job_pod(stack, "email-roundtrip-monitor")["containers"]
    assert container["envFrom"] == [{"secretRef": {"name": "mailserver-probe-secrets"}}]
    secret = stack.k8s("ExternalSecret", "mailserver-probe-secrets", NS)["inputs"]["spec"]
    assert set(secret["target"]["template"]["data"]) == {"BREVO_API_KEY", "EMAIL_MONITOR_IMAP_PASSWORD"}
    retention = stack.k8s("CronJob", "spam-retention", NS)["inputs"]["spec"]
    assert retention["schedule"] == "17 */4 * * *" and retention["concurrencyPolicy"] == "Forbid"
    assert _job_pod(stack, "spam-retention")["serviceAccountName"] == "spam-retention"
    role = stack.k8s("Role", "spam-retention", NS)["inputs"]
    assert [(r["resources"], r["verbs"]) for r in role["rules"]] == [(["pods"], ["list", "get"]),
                                                                     (["pods/exec"], ["create"])]


def test_accounts_file_is_ignored_and_webmail_is_behind_authentik(stack):
    assert stack.k8s("ConfigMap", "mailserver.config", NS)["options"]["ignoreChanges"] == ['data["postfix-accounts.cf"]']
    ingress = stack.k8s("Ingress", "mail", NS)["inputs"]
    assert ingress["spec"]["rules"][0]["host"] == "mail.viktorbarzin.me"


def test_alias_filter_drops_mailbox_to_other_mailbox_lines():
    accounts = ["a@x", "b@x"]
    text = mail_config.postfix_virtual("a@x b@x\nc@x a@x\n", "a@x a@x\nb@x out@gmail\n# note\n", accounts)
    assert text == "c@x a@x\na@x a@x\nb@x out@gmail\n# note\n"


def test_accounts_file_is_sorted_bcrypt_2a():
    lines = mail_config.postfix_accounts({"b@x": "pw-b", "a@x": "pw-a"}).split("\n")
    assert [line.split("|")[0] for line in lines] == ["a@x", "b@x"]
    user, hashed = lines[0].split("|")
    assert hashed.startswith("$2a$06$") and bcrypt.checkpw(b"pw-a", hashed.encode())
