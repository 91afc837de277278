"""nextcloud-todos: the objects an outage would be about."""


def test_app_migrates_then_serves_with_both_secrets(synth_stack):
    stack = synth_stack("nextcloud-todos")
    deployment = stack.k8s("Deployment", "nextcloud-todos", "nextcloud-todos")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    env_from = [{"secretRef": {"name": "nextcloud-todos-secrets"}}, {"secretRef": {"name": "nextcloud-todos-db-creds"}}]
    assert pod["initContainers"][0]["command"] == ["python", "-m", "nextcloud_todos", "migrate"]
    assert pod["initContainers"][0]["envFrom"] == env_from and pod["containers"][0]["envFrom"] == env_from
    assert pod["containers"][0]["image"] == "ghcr.io/viktorbarzin/nextcloud-todos:latest"
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.initContainers[0].image" in ignored
    db = stack.k8s("ExternalSecret", "nextcloud-todos-db-creds", "nextcloud-todos")["inputs"]["spec"]
    assert db["target"]["template"]["data"]["DB_PASSWORD"] == "{{ .password }}"


def test_only_callbacks_are_public_and_webhooks_register(synth_stack):
    stack = synth_stack("nextcloud-todos")
    ingress = stack.k8s("Ingress", "nextcloud-todos", "nextcloud-todos")["inputs"]
    assert [p["path"] for p in ingress["spec"]["rules"][0]["http"]["paths"]] == ["/cb"]
    assert ingress["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "none"
    [hook] = stack.of_type("command:local:Command")
    assert hook["inputs"]["triggers"][0] == "http://nextcloud-todos.nextcloud-todos.svc.cluster.local:8080/nextcloud/hook"
