"""woodpecker: the objects an outage would be about (CI for every repository)."""


def _release(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]


def test_release_pinned_with_server_and_agents(synth_stack):
    inputs = _release(synth_stack("woodpecker"))
    assert (inputs["chart"], inputs["version"]) == ("woodpecker", "3.5.1")
    assert inputs["repositoryOpts"]["repo"] == "oci://ghcr.io/woodpecker-ci/helm"
    server, agent = inputs["values"]["server"], inputs["values"]["agent"]
    assert server["image"] == {"registry": "docker.io", "repository": "woodpeckerci/woodpecker-server", "tag": "v3.14.0"}
    assert server["extraSecretNamesForEnvFrom"] == ["woodpecker-db-creds"]
    assert server["env"]["WOODPECKER_HOST"] == "https://ci.viktorbarzin.me"
    assert server["env"]["WOODPECKER_ADMIN"] == "ViktorBarzin"
    assert agent["replicaCount"] == 2 and agent["env"]["WOODPECKER_BACKEND"] == "kubernetes"
    assert agent["serviceAccount"] == {"create": True, "name": "woodpecker-agent"}


def test_database_dsn(synth_stack):
    stack = synth_stack("woodpecker")
    es = stack.k8s("ExternalSecret", "woodpecker-db-creds", "woodpecker")["inputs"]["spec"]
    assert es["secretStoreRef"]["name"] == "vault-database"
    dsn = es["target"]["template"]["data"]["WOODPECKER_DATABASE_DATASOURCE"]
    assert dsn.startswith("postgres://woodpecker:{{ .password }}@") and dsn.endswith(":5432/woodpecker?sslmode=disable")


def test_git_crypt_key_is_a_secret_not_a_config_map(synth_stack):
    # SEC-072: pipelines read `.data.key` of Secret woodpecker/git-crypt-key over the API.
    stack = synth_stack("woodpecker")
    key = stack.k8s("Secret", "git-crypt-key", "woodpecker")["inputs"]
    assert key["type"] == "Opaque" and key["data"] == "[secret]"
    assert not [r for r in stack.of_type("kubernetes:core/v1:ConfigMap")
                if r["inputs"]["metadata"]["name"] == "git-crypt-key"]


def test_agents_are_cluster_admin_and_server_reaches_forgejo(synth_stack):
    stack = synth_stack("woodpecker")
    for name, account in (("woodpecker", "woodpecker-agent"), ("woodpecker-default", "default")):
        crb = stack.k8s("ClusterRoleBinding", name)["inputs"]
        assert crb["subjects"] == [{"kind": "ServiceAccount", "name": account, "namespace": "woodpecker"}]
        assert crb["roleRef"]["name"] == "cluster-admin"
    [patch] = stack.of_type("command:local:Command")
    assert patch["inputs"]["interpreter"] == ["/bin/bash", "-c"]
    cron = stack.k8s("CronJob", "vault-woodpecker-sync", "woodpecker")["inputs"]["spec"]
    assert (cron["schedule"], cron["concurrencyPolicy"]) == ("0 */6 * * *", "Forbid")
