"""crowdsec: the chart, the enforcement (firewall bouncer and the key traefik shares), the UI."""

import json
import os
import runpy
import sys
from pathlib import Path

import pytest
import yaml

from tools.synth import mockrt

NS = "crowdsec"
STACKS = Path(__file__).resolve().parents[2] / "stacks"
VAULT_KV = "vault:kv/getSecretV2:getSecretV2"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("crowdsec")


def release_values(stack) -> dict:
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]["values"]


def test_release_is_pinned_with_the_upstream_timeout(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == ("crowdsec", NS, "crowdsec", "0.21.0")
    assert inputs["repositoryOpts"]["repo"] == "https://crowdsecurity.github.io/helm-charts"
    assert inputs["atomic"] and inputs["timeout"] == 1200 and inputs["createNamespace"]


def test_values_pin_the_image_and_register_both_bouncers(stack):
    values = release_values(stack)
    assert values["image"] == {"tag": "v1.7.8"}
    lapi = values["lapi"]
    assert lapi["replicas"] == 3 and lapi["pdb"] == {"enabled": True, "maxUnavailable": 1}
    env = {e["name"]: e for e in lapi["env"]}
    assert set(env) == {"DB_PASSWORD", "BOUNCER_KEY_traefik", "BOUNCER_KEY_firewall"}
    assert env["BOUNCER_KEY_traefik"]["value"] == "[secret]" and env["BOUNCER_KEY_firewall"]["value"] == "[secret]"
    assert values["config"]["config.yaml.local"] == "[secret]"
    profiles = list(yaml.safe_load_all(values["config"]["profiles.yaml"]))
    assert [p["name"] for p in profiles] == ["captcha_remediation", "default_ip_remediation", "default_range_remediation"]
    assert [p["decisions"][0]["type"] for p in profiles] == ["captcha", "ban", "ban"]


def test_agents_mount_every_local_scenario_and_whitelist(stack):
    agent = release_values(stack)["agent"]
    volumes = {v["name"]: v["configMap"]["name"] for v in agent["extraVolumes"]}
    assert volumes == {"custom-scenarios": "crowdsec-custom-scenarios", "whitelist": "crowdsec-whitelist",
                       "syslog-acquisition": "crowdsec-syslog-acquisition"}
    scenarios = stack.k8s("ConfigMap", "crowdsec-custom-scenarios", NS)["inputs"]["data"]
    mounted = {m["subPath"] for m in agent["extraVolumeMounts"] if m["name"] == "custom-scenarios"}
    assert mounted == set(scenarios) and len(scenarios) == 4
    for body in scenarios.values():
        assert yaml.safe_load(body)["type"] == "leaky"
    whitelist = list(yaml.safe_load_all(stack.k8s("ConfigMap", "crowdsec-whitelist", NS)["inputs"]["data"]["whitelist.yaml"]))
    assert whitelist[0]["whitelist"]["cidr"] == ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]


def test_firewall_bouncer_programs_the_host_ruleset(stack):
    ds = stack.k8s("DaemonSet", "crowdsec-firewall-bouncer", NS)
    pod = ds["inputs"]["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is True and pod["dnsPolicy"] == "ClusterFirstWithHostNet"
    [container] = pod["containers"]
    assert container["securityContext"] == {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    assert "privileged" not in container["securityContext"]
    assert "v0.0.34/crowdsec-firewall-bouncer-linux-amd64.tgz" in pod["initContainers"][0]["command"][2]
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert "spec.template.spec.dnsConfig" in ds["options"]["ignoreChanges"]
    secret = stack.k8s("Secret", "crowdsec-firewall-bouncer-config", NS)["inputs"]
    assert secret["stringData"] == "[secret]"  # the API key is inside: the whole map is secret


def test_syslog_node_port_for_pfsense(stack):
    spec = stack.k8s("Service", "crowdsec-syslog", NS)["inputs"]["spec"]
    assert spec["type"] == "NodePort"
    assert spec["ports"] == [{"name": "syslog-udp", "port": 514, "targetPort": 514, "nodePort": 30514, "protocol": "UDP"}]


def test_ui_is_behind_authentik(stack):
    ingress = stack.k8s("Ingress", "crowdsec-web", NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert ingress["spec"]["rules"][0]["host"] == "crowdsec-web.viktorbarzin.me"
    env = {e["name"]: e for e in stack.k8s("Deployment", "crowdsec-web", NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["CS_API_URL"]["value"] == "http://crowdsec-service.crowdsec.svc.cluster.local:8080/v1"
    # SEC-018: the machine credentials come from a Secret, never literals in the pod spec.
    for name, key in (("CS_API_KEY", "api_key"), ("CS_MACHINE_ID", "machine_id"),
                      ("CS_MACHINE_PASSWORD", "machine_password")):
        assert env[name] == {"name": name, "valueFrom": {"secretKeyRef": {"name": "crowdsec-web-credentials",
                                                                          "key": key}}}
    assert stack.k8s("Secret", "crowdsec-web-credentials", NS)["inputs"]["stringData"] == "[secret]"


def test_blocklist_import_can_exec_into_agents_only(stack):
    cron = stack.k8s("CronJob", "crowdsec-blocklist-import", NS)["inputs"]["spec"]
    assert (cron["schedule"], cron["timeZone"], cron["concurrencyPolicy"]) == ("0 4 * * *", "Europe/London", "Forbid")
    assert cron["jobTemplate"]["spec"]["backoffLimit"] == 3
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    # Pinned (stack README), not upstream's bitnami/kubectl:latest.
    assert pod["containers"][0]["image"] == "docker.io/bitnamilegacy/kubectl:1.33.4"
    assert pod["serviceAccountName"] == "crowdsec-blocklist-import"
    rules = stack.k8s("Role", "crowdsec-blocklist-import", NS)["inputs"]["rules"]
    assert rules == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
                     {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]


def _run_import_script(script: str, tmp_path: Path, payload: str) -> tuple[int, str, str]:
    """Run the CronJob's script with curl and kubectl replaced by recorders: curl "downloads"
    ``payload``, kubectl finds one agent pod. Returns (exit code, curl log, kubectl log)."""
    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "payload").write_text(payload)
    (bin_dir / "curl").write_text(
        '#!/bin/bash\necho "$@" >> "$LOGS/curl"\nwhile [ $# -gt 0 ]; do\n'
        '  if [ "$1" = -o ]; then cp "$LOGS/../payload" "$2"; shift; fi; shift\ndone\n')
    (bin_dir / "kubectl").write_text('#!/bin/bash\necho "$@" >> "$LOGS/kubectl"\n'
                                     '[ "$1" = get ] && echo crowdsec-agent-0\nexit 0\n')
    for tool in ("curl", "kubectl"):
        (bin_dir / tool).chmod(0o755)
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "LOGS": str(logs)}
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    read = lambda name: (logs / name).read_text() if (logs / name).exists() else ""  # noqa: E731
    return proc.returncode, read("curl"), read("kubectl")


def test_blocklist_import_runs_only_the_pinned_importer(stack, tmp_path):
    # SEC-034: a fixed commit, never a branch, and a file whose digest differs is not run.
    cron = stack.k8s("CronJob", "crowdsec-blocklist-import", NS)["inputs"]["spec"]
    script = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"][0]
    rc, curl_log, kubectl_log = _run_import_script(script, tmp_path, "#!/bin/bash\necho tampered\n")
    [url] = [a for a in curl_log.split() if a.startswith("https://")]
    assert url.startswith("https://raw.githubusercontent.com/wolffcatskyy/crowdsec-blocklist-import/")
    commit = url.split("/")[-2]
    assert len(commit) == 40 and all(ch in "0123456789abcdef" for ch in commit), url
    assert rc != 0
    assert kubectl_log.startswith("get pods") and " cp " not in f" {kubectl_log}" and "exec" not in kubectl_log


def test_namespace_quota(stack):
    ns = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert ns == {"resource-governance/custom-quota": "true", "keel.sh/enrolled": "true", "tier": "1-cluster"}
    assert stack.k8s("ResourceQuota", "crowdsec-quota", NS)["inputs"]["spec"]["hard"]["pods"] == "30"


def _run_stack(run_mocked, name: str, vault: dict):
    directory = STACKS / name

    def program():
        old_cwd, old_path = os.getcwd(), list(sys.path)
        try:
            os.chdir(directory)
            sys.path.insert(0, str(directory))
            runpy.run_path(str(directory / "__main__.py"), run_name="__main__")
        finally:
            os.chdir(old_cwd)
            sys.path[:] = old_path

    return run_mocked(program, project=name, invokes={VAULT_KV: {"data": vault}})


def _reveal(value):
    """mockrt.clean without the secret masking, so a test can compare secret inputs."""
    if isinstance(value, dict):
        if value.get(mockrt.SIG_KEY) in (mockrt.SECRET_SIG, mockrt.OUTPUT_SIG) and "value" in value:
            return _reveal(value["value"])
        return {k: _reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal(v) for v in value]
    return value


def test_traefik_presents_the_key_crowdsec_registers(run_mocked, monkeypatch):
    """Both stacks read secret/platform traefik_bouncer_key: a rename on one side would lock
    the Traefik plugin out of LAPI."""
    monkeypatch.setattr(mockrt, "clean", _reveal)
    fields = ["traefik_bouncer_key", "firewall_bouncer_key", "crowdsec_db_password", "alertmanager_slack_api_url",
              "crowdsec_dash_api_key", "crowdsec_dash_machine_id", "crowdsec_dash_machine_password",
              "auth_fallback_htpasswd", "x402_wallet_address"]
    vault = {f: f"value-of-{f}" for f in fields}
    vault["homepage_credentials"] = json.dumps({"crowdsec": {"username": "u", "password": "p"}})
    crowdsec = _run_stack(run_mocked, "crowdsec", vault)
    [release] = crowdsec.of_type("kubernetes:helm.sh/v3:Release")
    env = {e["name"]: e.get("value") for e in release.inputs["values"]["lapi"]["env"]}
    traefik = _run_stack(run_mocked, "traefik", vault)
    [plugin] = [r for r in traefik.resources if r.custom and r.inputs.get("kind") == "Middleware"
                and r.inputs["metadata"]["name"] == "crowdsec"]
    assert env["BOUNCER_KEY_traefik"] == plugin.inputs["spec"]["plugin"]["crowdsec"]["lapiKey"] == "value-of-traefik_bouncer_key"
    assert env["BOUNCER_KEY_firewall"] == "value-of-firewall_bouncer_key"
