"""claude-agent-service: the objects an outage would be about."""

import pytest

NS = "claude-agent"


def test_deployment_shape(synth_stack):
    stack = synth_stack("claude-agent-service")
    deployment = stack.k8s("Deployment", "claude-agent-service", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["serviceAccountName"] == "claude-agent"
    assert pod["securityContext"] == {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}
    assert [c["name"] for c in pod["initContainers"]] == ["fix-perms", "copy-claude-creds", "git-init", "seed-beads-agent"]
    assert [(c["name"], c["image"]) for c in pod["containers"]] == [
        ("claude-agent-service", "ghcr.io/viktorbarzin/claude-agent-service:latest"),
        ("vault-token-refresher", "docker.io/curlimages/curl:8.11.0")]
    agent = pod["containers"][0]
    assert agent["envFrom"] == [{"secretRef": {"name": "claude-agent-secrets"}}]
    assert {e["name"]: e["value"] for e in agent["env"]}["MAX_CONCURRENCY"] == "10"
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["persistent"]["persistentVolumeClaim"]["claimName"] == "claude-agent-persistent"
    assert volumes["git-crypt-key"]["secret"]["secretName"] == "git-crypt-key"
    assert volumes["sops-age-key"]["secret"]["defaultMode"] == 0o600
    ignored = deployment["options"]["ignoreChanges"]
    for path in ("spec.template.spec.containers[0].image", "spec.template.spec.containers[1].image",
                 'metadata.labels["tier"]'):
        assert path in ignored
    service = stack.k8s("Service", "claude-agent-service", NS)["inputs"]["spec"]
    assert service["ports"] == [{"port": 8080, "targetPort": 8080}]


@pytest.mark.parametrize("role,needle", [
    ("claude-agent", {"verbs": ["create"], "apiGroups": [""], "resources": ["pods/exec"]}),
    ("claude-agent-exec", {"verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
                           "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings"]}),
])
def test_cluster_roles_bound_to_the_agent_account(synth_stack, role, needle):
    stack = synth_stack("claude-agent-service")
    assert needle in stack.k8s("ClusterRole", role)["inputs"]["rules"]
    binding = stack.k8s("ClusterRoleBinding", role)["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "claude-agent", "namespace": NS}]
    assert binding["roleRef"]["name"] == role


def test_expiry_probe(synth_stack):
    stack = synth_stack("claude-agent-service")
    cm = stack.k8s("ConfigMap", "claude-oauth-expiry", NS)["inputs"]["data"]
    assert cm == {"primary": "1808064429", "spare-1": "1808064280", "spare-2": "1808064429"}
    spec = stack.k8s("CronJob", "claude-oauth-expiry-monitor", NS)["inputs"]["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"]) == ("17 */6 * * *", "Replace")
    assert spec["jobTemplate"]["spec"]["ttlSecondsAfterFinished"] == 300
