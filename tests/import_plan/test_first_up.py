"""The first `pulumi up` after import, beyond replacements: every in-place change and
every workload it restarts, so no rewrite of payload text rolls pods unannounced."""

from __future__ import annotations

import hashlib

from handmade import Case, diff_of, meta, pu, tf
from tools.import_plan import compare

NS = "traefik"
OLD_CONF = "server {\n  listen 80;\n  location / { proxy_pass http://a; }\n}\n"
NEW_CONF = "server {\n  listen 80;\n  location / { proxy_pass http://b; }\n}\n"


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _auth_proxy(tf_conf: str, pu_conf: str):
    """A payload ConfigMap plus the Deployment that carries its checksum (auth-proxy-like)."""
    terraform = [
        tf("kubernetes_config_map_v1", "conf", {"metadata": meta("auth-proxy-config", NS),
                                                "data": {"nginx.conf": tf_conf}}),
        tf("kubernetes_deployment_v1", "proxy", {"metadata": meta("auth-proxy", NS), "spec": [{
            "replicas": "2",
            "selector": [{"match_labels": {"app": "auth-proxy"}}],
            "template": [{
                "metadata": [{"labels": {"app": "auth-proxy"},
                              "annotations": {"checksum/auth-proxy-config": _sha(tf_conf)}}],
                "spec": [{"container": [{
                    "name": "nginx", "image": "nginx:1.27", "image_pull_policy": "IfNotPresent",
                    "port": [{"container_port": 80, "protocol": "TCP"}],
                    "volume_mount": [{"name": "conf", "mount_path": "/etc/nginx/conf.d", "read_only": True}],
                    "env": [{"name": "TOKEN", "value": "fake-old-token", "value_from": []}],
                }], "volume": [{"name": "conf", "config_map": [{"name": "auth-proxy-config", "default_mode": "0644"}]}]}],
            }],
        }]}),
    ]
    pulumi = [
        pu("kubernetes:core/v1:ConfigMap", "auth-proxy-config",
           {"metadata": {"name": "auth-proxy-config", "namespace": NS}, "data": {"nginx.conf": pu_conf}}),
        pu("kubernetes:apps/v1:Deployment", "auth-proxy", {"metadata": {"name": "auth-proxy", "namespace": NS}, "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "auth-proxy"}},
            "template": {
                "metadata": {"labels": {"app": "auth-proxy"},
                             "annotations": {"checksum/auth-proxy-config": _sha(pu_conf)}},
                "spec": {"containers": [{
                    "name": "nginx", "image": "nginx:1.27",
                    "ports": [{"containerPort": 80}],
                    "volumeMounts": [{"name": "conf", "mountPath": "/etc/nginx/conf.d", "readOnly": True}],
                    "env": [{"name": "TOKEN", "value": "fake-old-token"}],
                }], "volumes": [{"name": "conf", "configMap": {"name": "auth-proxy-config", "defaultMode": 420}}]},
            },
        }}),
    ]
    return terraform, pulumi


def test_same_payload_predicts_no_change(case: Case, capsys) -> None:
    """The typed Terraform shape (blocks, snake case, octal modes) reads as the API shape."""
    case.terraform, case.pulumi = _auth_proxy(OLD_CONF, OLD_CONF)
    code, out, _ = case.run(capsys)
    assert code == 0
    assert case.report()["firstUp"] == {"updates": [], "restarts": [], "placeholders": []}
    assert "no in-place change predicted" in out


def test_rewritten_payload_is_an_update_and_a_named_restart(case: Case, capsys) -> None:
    case.terraform, case.pulumi = _auth_proxy(OLD_CONF, NEW_CONF)
    code, out, _ = case.run(capsys)
    assert code == 0  # in-place: reported, not blocking
    first_up = case.report()["firstUp"]
    assert [(u["object"], u["fields"]) for u in first_up["updates"]] == [
        ("ConfigMap traefik/auth-proxy-config", ['data["nginx.conf"]']),
        ("Deployment traefik/auth-proxy", ['spec.template.metadata.annotations.checksum/auth-proxy-config']),
    ]
    assert [r["object"] for r in first_up["restarts"]] == ["Deployment traefik/auth-proxy"]
    assert ("RESTART Deployment traefik/auth-proxy: pod template changes: "
            "spec.template.metadata.annotations.checksum/auth-proxy-config") in out
    # Payload text is summarised, never printed.
    digest = hashlib.sha256(OLD_CONF.encode()).hexdigest()[:12]
    assert f'data["nginx.conf"]: terraform=<text: 4 lines, sha256 {digest}>' in out
    assert "proxy_pass" not in out
    assert case.report()["summary"]["restarted"] == 1


def test_env_values_are_compared_but_never_shown(case: Case, capsys) -> None:
    terraform, pulumi = _auth_proxy(OLD_CONF, OLD_CONF)
    pulumi[1]["inputs"]["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "fake-new-token"
    case.terraform, case.pulumi = terraform, pulumi
    code, out, _ = case.run(capsys)
    assert "UPDATE: spec.template.spec.containers[0].env[0].value: terraform=[redacted] pulumi=[redacted]" in out
    assert "fake-old-token" not in out and "fake-new-token" not in out
    assert [r["object"] for r in case.report()["firstUp"]["restarts"]] == ["Deployment traefik/auth-proxy"]


def test_ignored_template_change_restarts_nothing(case: Case) -> None:
    terraform, pulumi = _auth_proxy(OLD_CONF, OLD_CONF)
    pulumi[1]["inputs"]["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    pulumi[1]["options"]["ignoreChanges"] = ["spec.template.spec.containers[0].image"]
    case.terraform, case.pulumi = terraform, pulumi
    plan = case.plan()
    assert diff_of(plan, "kubernetes_deployment_v1.proxy", "spec.template.spec.containers[0].image").effect == compare.IGNORED
    assert plan.first_up().restarts == []


def test_cronjob_template_change_is_an_update_without_restart(case: Case) -> None:
    case.terraform = [tf("kubernetes_cron_job_v1", "backup", {"metadata": meta("backup", "demo"), "spec": [{
        "schedule": "0 3 * * *",
        "job_template": [{"spec": [{"template": [{"spec": [{"container": [
            {"name": "backup", "image": "alpine:3.20", "command": ["/bin/sh", "-c", "old"]}]}]}]}]}]}]})]
    case.pulumi = [pu("kubernetes:batch/v1:CronJob", "backup", {"metadata": {"name": "backup", "namespace": "demo"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": [
            {"name": "backup", "image": "alpine:3.20", "command": ["/bin/sh", "-c", "new"]}]}}}}}})]
    plan = case.plan()
    assert plan.ok()
    [(match, fields)] = plan.first_up().updates
    assert fields == ["spec.jobTemplate.spec.template.spec.containers[0].command"]
    assert plan.first_up().restarts == []


def _release(tf_values: str, pu_values: dict):
    return (tf("helm_release", "vault", {"name": "vault", "namespace": "vault", "chart": "vault",
                                         "repository": "https://helm.releases.hashicorp.com", "version": "0.29.1",
                                         "values": [tf_values]}),
            pu("kubernetes:helm.sh/v3:Release", "vault", {"name": "vault", "namespace": "vault", "chart": "vault",
                                                          "version": "0.29.1", "values": pu_values,
                                                          "repositoryOpts": {"repo": "https://helm.releases.hashicorp.com"}}))


def test_helm_value_only_in_terraform_is_reported(case: Case, capsys) -> None:
    """An upgrade replaces the values as a whole: a value the port dropped is reverted."""
    terraform, pulumi = _release("server:\n  ha:\n    enabled: true\n    replicas: 3\n  dataStorage:\n    size: 10Gi\n",
                                 {"server": {"ha": {"enabled": True}}})
    case.terraform, case.pulumi = [terraform], [pulumi]
    code, out, _ = case.run(capsys)
    assert code == 0
    assert "UPDATE: values.server.ha.replicas: terraform=[redacted] pulumi=[redacted]" in out
    assert "UPDATE: values.server.dataStorage.size: terraform=[redacted] pulumi=[redacted]" in out
    restarts = case.report()["firstUp"]["restarts"]
    assert [r["object"] for r in restarts] == ["Helm release vault/vault"]
    assert "every chart workload whose rendered pod template changes rolls" in restarts[0]["why"]


def test_helm_values_equal_both_ways_change_nothing(case: Case) -> None:
    terraform, pulumi = _release("server:\n  ha:\n    enabled: true\n", {"server": {"ha": {"enabled": True}}})
    case.terraform, case.pulumi = [terraform], [pulumi]
    first_up = case.plan().first_up()
    assert (first_up.updates, first_up.restarts) == ([], [])


def test_placeholder_config_is_reported_not_compared(case: Case, capsys) -> None:
    case.terraform = [tf("kubernetes_config_map_v1", "cfg", {"metadata": meta("cfg", "demo"),
                                                             "data": {"host": "db.example.org"}})]
    case.pulumi = [pu("kubernetes:core/v1:ConfigMap", "cfg", {"metadata": {"name": "cfg", "namespace": "demo"},
                                                              "data": {"host": "PLACEHOLDER: config demo:dbHost"}})]
    code, out, _ = case.run(capsys)
    assert code == 0
    report = case.report()
    assert report["firstUp"]["updates"] == []
    assert report["firstUp"]["placeholders"] == [{
        "urn": case.pulumi[0]["urn"], "field": 'data["host"]',
        "action": "placeholder: set this config (demo:dbHost) and re-synth"}]
    assert 'unknown ConfigMap demo/cfg: data["host"]: placeholder: set this config (demo:dbHost) and re-synth' in out


def test_placeholder_payload_file_says_bring_it_over(case: Case) -> None:
    case.terraform = [tf("kubernetes_config_map_v1", "cfg", {"metadata": meta("cfg", "demo"),
                                                             "data": {"conf.yml": "pageInfo: {}\n"}})]
    case.pulumi = [pu("kubernetes:core/v1:ConfigMap", "cfg", {"metadata": {"name": "cfg", "namespace": "demo"},
                                                              "data": {"conf.yml": "PLACEHOLDER: bring conf.yml over\n"}})]
    [(_, d)] = case.plan().first_up().placeholders
    assert d.pulumi == "placeholder: bring the file over (`make bring-over FROM=...`) and re-synth"


def test_new_env_var_shows_its_name_never_its_value(case: Case, capsys) -> None:
    terraform, pulumi = _auth_proxy(OLD_CONF, OLD_CONF)
    pulumi[1]["inputs"]["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "API_KEY", "value": "fake-api-key"})
    case.terraform, case.pulumi = terraform, pulumi
    _, out, _ = case.run(capsys)
    assert ('UPDATE: spec.template.spec.containers[0].env[1]: terraform=(absent) '
            'pulumi={"name": "API_KEY", "value": "[redacted]"}') in out
    assert "fake-api-key" not in out


def test_created_resource_with_a_placeholder_identity_says_so(case: Case, capsys) -> None:
    case.terraform = [tf("kubernetes_namespace_v1", "ns", {"metadata": meta("demo")}),
                      tf("oci_core_vcn", "net", {"id": "ocid1.vcn.fake", "compartment_id": "ocid1.tenancy.fake",
                                                 "display_name": "backup-mx"})]
    case.pulumi = [pu("kubernetes:core/v1:Namespace", "ns", {"metadata": {"name": "demo"}}),
                   pu("oci:Core/vcn:Vcn", "net", {"compartmentId": "PLACEHOLDER: config demo:tenancyOcid",
                                                  "displayName": "backup-mx"})]
    _, out, _ = case.run(capsys)
    assert "oci:Core/vcn:Vcn net (placeholder: set this config (demo:tenancyOcid) and re-synth)" in out
