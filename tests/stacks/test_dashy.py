"""dashy: parked at zero behind Authentik, Sablier wake, dashboard config from the ConfigMap."""



def test_ingress_requires_auth_then_sablier(synth_stack):
    stack = synth_stack("dashy")
    ingress = stack.k8s("Ingress", "dashy", "dashy")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-2:] == ["traefik-authentik-forward-auth@kubernetescrd", "dashy-sablier-dashy@kubernetescrd"]
    assert annotations["gethomepage.dev/description"] == "Alternative service dashboard"
    assert ingress["spec"]["rules"][0]["host"] == "dashy.viktorbarzin.me"


def test_deployment_parked_at_zero_with_config_mounted(synth_stack):
    stack = synth_stack("dashy")
    deployment = stack.k8s("Deployment", "dashy", "dashy")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "lissy93/dashy:latest"
    assert container["volumeMounts"] == [{"name": "config", "mountPath": "/app/user-data/"}]
    assert spec["template"]["spec"]["volumes"] == [{"name": "config", "configMap": {"name": "config"}}]
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]
    assert deployment["inputs"]["metadata"]["labels"]["sablier.group"] == "dashy"


def test_config_map_carries_conf_yml_and_reloader_match(synth_stack):
    config_map = synth_stack("dashy").k8s("ConfigMap", "config", "dashy")["inputs"]
    assert set(config_map["data"]) == {"conf.yml"}
    assert config_map["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}
