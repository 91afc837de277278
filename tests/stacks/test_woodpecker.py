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


def test_database_dsn_and_git_crypt_key(synth_stack):
    stack = synth_stack("woodpecker")
    es = stack.k8s("ExternalSecret", "woodpecker-db-creds", "woodpecker")["inputs"]["spec"]
    assert es["secretStoreRef"]["name"] == "vault-database"
    dsn = es["target"]["template"]["data"]["WOODPECKER_DATABASE_DATASOURCE"]
    assert dsn.startswith("postgres://woodpecker:{{ .password }}@") and dsn.endswith(":5432/woodpecker?sslmode=disable")
    assert list(stack.k8s("ConfigMap", "git-crypt-key", "woodpecker")["inputs"]["data"]) == ["key"]


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
