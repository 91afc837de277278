"""networking-toolbox: Authentik then Sablier on the ingress, the pinned image behind it."""



def test_ingress_requires_auth_then_sablier(synth_stack):
    stack = synth_stack("networking-toolbox")
    ingress = stack.k8s("Ingress", "networking-toolbox", "networking-toolbox")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-2:] == ["traefik-authentik-forward-auth@kubernetescrd", "networking-toolbox-sablier-networking-toolbox@kubernetescrd"]
    assert annotations["gethomepage.dev/group"] == "Development & CI"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "networking-toolbox.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "networking-toolbox", "port": {"number": 80}}


def test_deployment_image_port_and_sablier_enrolment(synth_stack):
    stack = synth_stack("networking-toolbox")
    deployment = stack.k8s("Deployment", "networking-toolbox", "networking-toolbox")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "lissy93/networking-toolbox:1.6.0"
    assert container["ports"] == [{"containerPort": 3000}]
    assert deployment["inputs"]["metadata"]["labels"]["sablier.group"] == "networking-toolbox"
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]
    service = stack.k8s("Service", "networking-toolbox", "networking-toolbox")["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 3000}]
