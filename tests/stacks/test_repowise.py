"""repowise: the objects an outage would be about."""


def test_one_pod_four_containers_on_the_workspace(synth_stack):
    stack = synth_stack("repowise")
    deployment = stack.k8s("Deployment", "repowise", "repowise")
    spec = deployment["inputs"]["spec"]
    pod = spec["template"]["spec"]
    assert [x["name"] for x in pod["containers"]] == ["api", "web", "mcp", "sync"]
    assert {x["image"] for x in pod["containers"]} == {"ghcr.io/viktorbarzin/repowise:0.42.0"}
    assert pod["initContainers"][0]["name"] == "cross-repo"
    assert pod["securityContext"] == {"runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
                                      "fsGroupChangePolicy": "OnRootMismatch"}
    assert pod["volumes"][0] == {"name": "workspace", "persistentVolumeClaim": {"claimName": "repowise-workspace"}}
    ignored = deployment["options"]["ignoreChanges"]
    assert all(f"spec.template.spec.containers[{i}].image" in ignored for i in range(4))
    assert 'metadata.annotations["keel.sh/policy"]' in ignored
    pdb = stack.k8s("PodDisruptionBudget", "repowise", "repowise")["inputs"]["spec"]
    assert pdb["maxUnavailable"] == 1


def test_services_and_ingresses(synth_stack):
    stack = synth_stack("repowise")
    for role, port in (("api", 7337), ("web", 3000), ("mcp", 7338)):
        service = stack.k8s("Service", f"repowise-{role}", "repowise")["inputs"]["spec"]
        assert service["ports"] == [{"name": role, "port": port, "targetPort": port}]
    mcp = stack.k8s("Ingress", "repowise-mcp", "repowise")["inputs"]
    assert "repowise-bearer-auth@kubernetescrd" in mcp["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"]
    api = stack.k8s("Ingress", "repowise-api", "repowise")["inputs"]
    assert api["spec"]["rules"][0]["host"] == "repowise.viktorbarzin.me"
    assert [p["path"] for p in api["spec"]["rules"][0]["http"]["paths"]] == ["/api", "/health", "/metrics"]
