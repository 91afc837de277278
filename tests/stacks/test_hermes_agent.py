"""hermes-agent: the bot's pod, its repo checkout and key, its cluster access."""

NS = "hermes-agent"


def test_pod_clones_and_unlocks_the_infra_repo(synth_stack):
    stack = synth_stack(NS)
    deployment = stack.k8s("Deployment", NS, NS)
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"} and spec["replicas"] == 1
    pod = spec["template"]["spec"]
    assert pod["serviceAccountName"] == "hermes-agent" and pod["securityContext"] == {"fsGroup": 1000}
    [init] = pod["initContainers"]
    assert init["image"] == "ghcr.io/viktorbarzin/hermes-agent:latest"
    assert "git-crypt unlock /secrets/git-crypt/key" in init["command"][2]
    app, refresher = pod["containers"]
    assert app["env"][0] == {"name": "HERMES_SESSIONS_DIR", "value": "/sessions"}
    assert app["resources"] == {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}}
    assert refresher["image"] == "docker.io/curlimages/curl:8.11.0"
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["git-crypt-key"] == {"name": "git-crypt-key", "secret": {"secretName": "git-crypt-key"}}
    assert volumes["sessions"]["persistentVolumeClaim"]["claimName"] == "hermes-agent-sessions-encrypted"
    assert volumes["soul"]["configMap"]["name"] == "hermes-agent-soul"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[1].image" in ignored
    assert "spec.template.spec.initContainers[0].image" not in ignored, "git-init must follow the app image"


def test_git_crypt_key_is_a_secret_not_a_config_map(synth_stack):
    stack = synth_stack(NS)
    key = stack.k8s("Secret", "git-crypt-key", NS)["inputs"]
    assert key["type"] == "Opaque" and key["data"] == "[secret]"
    assert not [r for r in stack.of_type("kubernetes:core/v1:ConfigMap")
                if r["inputs"]["metadata"]["name"] == "git-crypt-key"]


def test_cluster_role_never_reads_secrets_or_execs(synth_stack):
    role = synth_stack(NS).k8s("ClusterRole", "hermes-agent")["inputs"]
    resources = {r for rule in role["rules"] for r in rule["resources"]}
    assert "secrets" not in resources and "pods/exec" not in resources
    assert {"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"]} in role["rules"]
