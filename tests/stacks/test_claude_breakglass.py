"""claude-breakglass: isolation from claude-agent-service and survival under node pressure."""

from components import constants as c

NS = "claude-breakglass"


def _pod(stack):
    return stack.k8s("Deployment", "claude-breakglass", NS)["inputs"]["spec"]["template"]["spec"]


def test_runs_under_its_own_unbound_service_account(synth_stack):
    stack = synth_stack(NS)
    stack.k8s("ServiceAccount", "claude-breakglass", NS)
    assert not [r for r in stack.resources if r["inputs"].get("kind") in ("Role", "RoleBinding", "ClusterRoleBinding")]
    assert _pod(stack)["serviceAccountName"] == "claude-breakglass"


def test_survives_the_pressure_it_is_meant_to_fix(synth_stack):
    pod = _pod(synth_stack(NS))
    assert pod["priorityClassName"] == "tier-0-core"
    assert {(t["key"], t["effect"], t.get("tolerationSeconds")) for t in pod["tolerations"]} == {
        ("node.kubernetes.io/memory-pressure", "NoSchedule", None),
        ("node.kubernetes.io/disk-pressure", "NoSchedule", None),
        ("node.kubernetes.io/not-ready", "NoExecute", 300),
        ("node.kubernetes.io/unreachable", "NoExecute", 300),
    }
    term = pod["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["weight"] == 100
    assert term["preference"]["matchExpressions"] == [{"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["k8s-node1"]}]


def test_breakglass_entrypoint_key_and_sessions(synth_stack):
    deployment = synth_stack(NS).k8s("Deployment", "claude-breakglass", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}
    (seed,) = pod["initContainers"]
    assert seed["securityContext"] == {"runAsUser": 0}
    assert "cp /usr/share/agent-seed/breakglass.md /home/agent/.claude/agents/breakglass.md" in seed["command"][2]
    (app,) = pod["containers"]
    assert app["image"] == "ghcr.io/viktorbarzin/claude-agent-service:latest" and app["imagePullPolicy"] == "Always"
    assert app["command"] == ["/srv/docker-entrypoint-breakglass.sh"]
    assert app["envFrom"] == [{"secretRef": {"name": "breakglass-env"}}]
    assert {e["name"]: e["value"] for e in app["env"]}["BREAKGLASS_KEY_PATH"] == "/secrets/breakglass/private_key"
    ssh = next(v for v in pod["volumes"] if v["name"] == "breakglass-ssh")
    assert ssh["secret"] == {"secretName": "breakglass-ssh", "defaultMode": 0o440}
    assert 'metadata.labels["tier"]' in deployment["options"]["ignoreChanges"]


def test_secrets_come_from_their_own_vault_paths(synth_stack):
    stack = synth_stack(NS)
    ssh = stack.k8s("ExternalSecret", "breakglass-ssh", NS)["inputs"]["spec"]
    assert ssh["refreshInterval"] == "1h"
    assert ssh["data"] == [{"secretKey": "private_key", "remoteRef": {"key": "claude-breakglass/ssh_key", "property": "private_key"}}]
    env = stack.k8s("ExternalSecret", "breakglass-env", NS)["inputs"]["spec"]
    assert {d["secretKey"]: d["remoteRef"]["key"] for d in env["data"]} == {
        "CLAUDE_CODE_OAUTH_TOKEN": "claude-agent-service", "API_BEARER_TOKEN": "claude-breakglass"}


def test_ingress_requires_authentik(synth_stack):
    ingress = synth_stack(NS).k8s("Ingress", "breakglass", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert ingress["spec"]["rules"][0]["host"] == "breakglass.viktorbarzin.me"
