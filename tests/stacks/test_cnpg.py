"""cnpg (Tier 0): the operator release every Postgres Cluster CR depends on."""



def test_operator_release_is_pinned(synth_stack):
    stack = synth_stack("cnpg")
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "cnpg", "cnpg-system", "cloudnative-pg", "0.27.1")
    assert inputs["repositoryOpts"]["repo"] == "https://cloudnative-pg.github.io/charts"
    assert inputs["atomic"] and inputs["timeout"] == 300 and not inputs.get("createNamespace")
    values = inputs["values"]
    assert values["crds"] == {"create": True}
    assert values["replicaCount"] == 1
    assert values["config"]["data"]["EXPIRING_CHECK_THRESHOLD"] == "30"
    assert values["resources"]["limits"] == {"memory": "256Mi"}


def test_namespace_is_cluster_tier_and_protected(synth_stack):
    stack = synth_stack("cnpg")
    namespace = stack.k8s("Namespace", "cnpg-system")
    assert namespace["inputs"]["metadata"]["labels"]["tier"] == "1-cluster"
    assert namespace["options"]["protect"]
    assert "metadata.labels[\"goldilocks.fairwinds.com/vpa-update-mode\"]" in namespace["options"]["ignoreChanges"]
