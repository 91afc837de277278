"""netbox: the objects an outage would be about."""



def test_ingress_wakes_netbox_only_after_authentik(synth_stack):
    stack = synth_stack("netbox")
    ingress = stack.k8s("Ingress", "netbox", "netbox")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain.index("traefik-authentik-forward-auth@kubernetescrd") < chain.index("netbox-sablier-netbox@kubernetescrd")
    assert ingress["spec"]["rules"][0]["host"] == "netbox.viktorbarzin.me"


def test_deployment_parked_with_sablier_and_secrets(synth_stack):
    stack = synth_stack("netbox")
    deployment = stack.k8s("Deployment", "netbox", "netbox")
    assert deployment["inputs"]["spec"]["replicas"] == 0
    assert deployment["inputs"]["metadata"]["labels"]["sablier.group"] == "netbox"
    assert "spec.replicas" in deployment["options"]["ignoreChanges"]
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "netboxcommunity/netbox:v4.5.0-beta1"
    env = {e["name"]: e for e in container["env"]}
    assert env["DB_HOST"]["value"] == "pg-cluster-rw.dbaas.svc.cluster.local"
    assert env["REDIS_HOST"]["value"] == "redis-master.redis.svc.cluster.local"
    assert env["SUPERUSER_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "netbox-secrets", "key": "superuser_password"}
    # SEC-023: both generated keys are referenced from a Secret, never literals in the pod spec.
    assert env["SECRET_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "netbox-generated-keys", "key": "secret_key"}
    assert env["API_TOKEN_PEPPERS"]["valueFrom"]["secretKeyRef"] == {"name": "netbox-generated-keys",
                                                                    "key": "api_token_peppers"}
    assert all("value" not in e for e in (env["SECRET_KEY"], env["API_TOKEN_PEPPERS"]))
    keys = stack.k8s("Secret", "netbox-generated-keys", "netbox")["inputs"]
    assert keys["stringData"] == "[secret]" and keys["type"] == "Opaque"


def test_vault_secret_and_generated_keys(synth_stack):
    stack = synth_stack("netbox")
    es = stack.k8s("ExternalSecret", "netbox-secrets", "netbox")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "netbox"}}]
    strings = stack.of_type("random:index/randomString:RandomString")
    assert sorted(r["inputs"]["length"] for r in strings) == [50, 50]
