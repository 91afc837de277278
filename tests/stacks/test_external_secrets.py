"""external-secrets (Tier 0): the operator release and the stores every ExternalSecret names."""


def test_operator_release_is_pinned_and_atomic(synth_stack):
    stack = synth_stack("external-secrets")
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "external-secrets", "external-secrets", "external-secrets", "2.6.0")
    assert inputs["atomic"] and inputs["cleanupOnFail"] and inputs["timeout"] == 600
    assert inputs["repositoryOpts"]["repo"] == "https://charts.external-secrets.io"
    assert inputs["values"]["extraArgs"] == {"enable-vault-token-cache": ""}


def test_both_cluster_secret_stores_point_at_vault(synth_stack):
    stack = synth_stack("external-secrets")
    kv = stack.k8s("ClusterSecretStore", "vault-kv")["inputs"]["spec"]["provider"]["vault"]
    db = stack.k8s("ClusterSecretStore", "vault-database")["inputs"]["spec"]["provider"]["vault"]
    assert (kv["path"], kv["version"]) == ("secret", "v2")
    assert (db["path"], db["version"]) == ("database", "v1")
    for store in (kv, db):
        assert store["server"] == "http://vault-active.vault.svc.cluster.local:8200"
        assert store["auth"]["kubernetes"]["role"] == "eso"
