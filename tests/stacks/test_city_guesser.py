"""city-guesser: Authentik then Sablier on the ingress, a parkable Deployment behind it."""



def test_ingress_requires_auth_and_wakes_sablier_last(synth_stack):
    stack = synth_stack("city-guesser")
    ingress = stack.k8s("Ingress", "city-guesser", "city-guesser")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain.index("traefik-authentik-forward-auth@kubernetescrd") < chain.index("city-guesser-sablier-city-guesser@kubernetescrd") == len(chain) - 1
    assert ingress["spec"]["rules"][0]["host"] == "city-guesser.viktorbarzin.me"
    middleware = stack.k8s("Middleware", "sablier-city-guesser", "city-guesser")["inputs"]
    assert middleware["spec"]["plugin"]["sablier"]["group"] == "city-guesser"


def test_deployment_is_sablier_enrolled_and_keel_rolled(synth_stack):
    stack = synth_stack("city-guesser")
    deployment = stack.k8s("Deployment", "city-guesser", "city-guesser")
    labels = deployment["inputs"]["metadata"]["labels"]
    assert labels["sablier.group"] == "city-guesser" and labels["sablier.enable"] == "true"
    assert labels["run"] == "city-guesser" and labels["tier"] == "4-aux"
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "viktorbarzin/city-guesser:latest"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.replicas" in ignored and "spec.template.spec.containers[0].image" in ignored
    service = stack.k8s("Service", "city-guesser", "city-guesser")["inputs"]
    assert service["spec"]["selector"] == {"run": "city-guesser"}
