"""monitoring, prometheus part: the chart release, its values template and secrets, storage, ingresses."""

import json
import sys
from pathlib import Path

import pulumi
import pytest

from components.helm import HelmRelease, HelmReleaseArgs
from components.payload import render_tftpl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "stacks" / "monitoring"))
import monitoring_prometheus as mp  # noqa: E402

NS = "monitoring"

# A miniature of the values template: a `${}` secret inside a YAML map, another inside a block
# string (the scrape configs are one), a `%{ for }` over the wall-off targets, `$${` escapes,
# and alert annotations full of Go-template `{{ }}` that must come through untouched.
TEMPLATE = """\
alertmanager:
  config:
    global:
      smtp_auth_password: "${alertmanager_mail_pass}"
      slack_api_url: "${alertmanager_slack_api_url}"
serverFiles:
  alerting_rules.yml:
    groups:
      - name: Probes
        rules:
          - alert: ProbeDown
            annotations:
              summary: "{{ $labels.instance }} is down ({{ $value | humanize }})"
              description: '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}'
extraScrapeConfigs: |
  - job_name: 'walloff'
    static_configs:
%{ for svc, url in authentik_walloff_targets ~}
      - targets: ["${url}"]
        labels:
          service: "${svc}"
%{ endfor ~}
  - job_name: 'tuya'
    params:
      api-key: ['${tuya_api_key}']
    relabel_configs:
      - replacement: 'room_$${1}'
  - job_name: 'haos'
    bearer_token: "${haos_api_token}"
"""
TARGETS = {"b-site": "https://b.example/health", "a-site": "https://a.example/"}
SECRETS = {"alertmanager_mail_pass": "mail-pw", "alertmanager_slack_api_url": "https://hooks.example/x",
           "tuya_api_key": "tuya-key", "haos_api_token": "haos-token"}


def test_template_round_trips_through_render_tftpl():
    text = render_tftpl(TEMPLATE, {**SECRETS, "authentik_walloff_targets": TARGETS})
    # Go templates pass through byte for byte; the loop runs in key order, no stray lines.
    assert '"{{ $labels.instance }} is down ({{ $value | humanize }})"' in text
    assert "'{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}'" in text
    assert text.count("{{") == TEMPLATE.count("{{")
    assert ('    static_configs:\n'
            '      - targets: ["https://a.example/"]\n        labels:\n          service: "a-site"\n'
            '      - targets: ["https://b.example/health"]\n        labels:\n          service: "b-site"\n'
            "  - job_name: 'tuya'\n") in text
    assert "'room_${1}'" in text and "%{" not in text
    assert 'smtp_auth_password: "mail-pw"' in text and "api-key: ['tuya-key']" in text


def test_rendered_values_hold_tokens_not_secrets():
    values = mp.rendered_values(TEMPLATE, TARGETS)
    assert values["alertmanager"]["config"]["global"] == {
        "smtp_auth_password": mp.secret_token("alertmanager_mail_pass"),
        "slack_api_url": mp.secret_token("alertmanager_slack_api_url"),
    }
    rule = values["serverFiles"]["alerting_rules.yml"]["groups"][0]["rules"][0]
    assert rule["annotations"]["summary"] == "{{ $labels.instance }} is down ({{ $value | humanize }})"
    assert mp.secret_token("haos_api_token") in values["extraScrapeConfigs"]


def test_chart_values_bind_the_secrets_as_secret_outputs(run_mocked):
    filled: dict[str, str] = {}

    def program():
        secrets = {k: pulumi.Output.secret(v) for k, v in SECRETS.items()}
        values = mp.chart_values(TEMPLATE, secrets, TARGETS)
        values["alertmanager"]["config"]["global"]["smtp_auth_password"].apply(
            lambda v: filled.__setitem__("mail", v))
        values["extraScrapeConfigs"].apply(lambda v: filled.__setitem__("scrape", v))
        assert values["serverFiles"]["alerting_rules.yml"]["groups"][0]["name"] == "Probes"
        HelmRelease("prometheus", HelmReleaseArgs(namespace=NS, chart="prometheus", version="25.8.2",
                                                  values=values))

    recorded = run_mocked(program)
    assert filled["mail"] == "mail-pw"
    assert "bearer_token: \"haos-token\"" in filled["scrape"] and "['tuya-key']" in filled["scrape"]
    release = recorded.one("kubernetes:helm.sh/v3:Release")
    dumped = json.dumps(release.inputs)
    for secret in SECRETS.values():
        assert secret not in dumped, f"{release.urn}: {secret!r} in plain text"
    assert "@@secret:" not in dumped


def test_placeholder_template_gives_empty_values():
    assert mp.chart_values("PLACEHOLDER: bring it over\n", {}) == {}


def test_walloff_targets_are_upstreams_thirteen():
    assert len(mp.AUTHENTIK_WALLOFF_TARGETS) == 13
    assert mp.AUTHENTIK_WALLOFF_TARGETS["t3-native-descriptor"] == "https://t3.viktorbarzin.me/.well-known/t3/environment"


def test_prometheus_release(synth_stack):
    stack = synth_stack("monitoring")
    (release,) = [r for r in stack.of_type("kubernetes:helm.sh/v3:Release") if r["inputs"]["name"] == "prometheus"]
    inputs = release["inputs"]
    assert (inputs["namespace"], inputs["chart"], inputs["version"]) == (NS, "prometheus", "25.8.2")
    assert inputs["repositoryOpts"] == {"repo": "https://prometheus-community.github.io/helm-charts"}
    # wait=false upstream: no await, and so no atomic rollback (which would wait).
    assert inputs["skipAwait"] is True and inputs["atomic"] is False and inputs["cleanupOnFail"] is False
    assert inputs["timeout"] == 900 and inputs["createNamespace"] is True


def test_server_claim_and_backup_export(synth_stack):
    stack = synth_stack("monitoring")
    claim = stack.k8s("PersistentVolumeClaim", "prometheus-data-proxmox", NS)
    assert claim["inputs"]["metadata"]["annotations"] == {
        "resize.topolvm.io/threshold": "10%", "resize.topolvm.io/increase": "10%",
        "resize.topolvm.io/storage_limit": "500Gi"}  # waits for Bound: no skipAwait
    assert claim["inputs"]["spec"] == {"accessModes": ["ReadWriteOnce"], "storageClassName": "proxmox-lvm",
                                       "resources": {"requests": {"storage": "200Gi"}}}
    assert claim["options"]["ignoreChanges"] == ["spec.resources.requests"]
    assert claim["options"]["protect"] is True
    pv = stack.k8s("PersistentVolume", "monitoring-prometheus-backup-host")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/prometheus-backup"}
    stack.k8s("PersistentVolumeClaim", "monitoring-prometheus-backup-host", NS)


@pytest.mark.parametrize("name,host,path,rate_limited,external_monitor", [
    ("prometheus-query", "prometheus-query.viktorbarzin.lan", "/api/v1/query", True, None),
    ("prometheus-otlp", "prometheus-otlp.viktorbarzin.me", "/api/v1/otlp", False, "false"),
])
def test_lan_only_api_ingresses(synth_stack, name, host, path, rate_limited, external_monitor):
    ingress = synth_stack("monitoring").k8s("Ingress", name, NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    middlewares = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-local-only@kubernetescrd" in middlewares
    assert not any("forward-auth" in m for m in middlewares)
    assert ("traefik-rate-limit@kubernetescrd" in middlewares) is rate_limited
    assert annotations.get("uptime.viktorbarzin.me/external-monitor") == external_monitor
    assert annotations["gethomepage.dev/icon"] == "prometheus.png"
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == host
    assert [(p["path"], p["backend"]["service"]) for p in rule["http"]["paths"]] == [
        (path, {"name": "prometheus-server", "port": {"number": 80}})]


def test_otlp_name_resolves_to_the_internal_traefik_address(synth_stack):
    records = [r for r in synth_stack("monitoring").of_type("cloudflare:index/dnsRecord:DnsRecord")
               if r["inputs"].get("name", "").startswith("prometheus-")]
    assert [(r["inputs"]["name"], r["inputs"]["type"], r["inputs"]["proxied"]) for r in records] == [
        ("prometheus-otlp.viktorbarzin.me", "A", False)]


def test_a_template_that_is_not_a_mapping_is_refused(monkeypatch):
    monkeypatch.delenv("INFRA_OFFLINE_SYNTH", raising=False)
    with pytest.raises(ValueError, match="does not render to a YAML mapping"):
        mp.chart_values("just a line of text\n", {})
