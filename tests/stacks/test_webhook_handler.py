"""webhook_handler: the objects an outage would be about."""



def test_ingress_is_public_non_proxied_on_webhook_host(synth_stack):
    stack = synth_stack("webhook_handler")
    ingress = stack.k8s("Ingress", "webhook-handler", "webhook-handler")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "non-proxied"
    assert "traefik-authentik-forward-auth@kubernetescrd" not in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert ingress["spec"]["rules"][0]["host"] == "webhook.viktorbarzin.me"
    records = {r["inputs"]["type"]: r["inputs"] for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")}
    assert set(records) == {"A", "AAAA"} and records["A"]["name"] == "webhook.viktorbarzin.me"


def test_deployment_env_comes_from_vault_secret_and_ssh_key_mount(synth_stack):
    stack = synth_stack("webhook_handler")
    pod = stack.k8s("Deployment", "webhook-handler", "webhook-handler")["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "viktorbarzin/webhook-handler:latest"
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
    assert refs["WOODPECKER_TOKEN"] == {"name": "webhook-handler-secrets", "key": "woodpecker_token"}
    assert len(refs) == 9
    assert pod["volumes"] == [{"name": "id-rsa", "secret": {"secretName": "ssh-key"}}]
    secret = stack.k8s("Secret", "ssh-key", "webhook-handler")["inputs"]
    assert secret["type"] == "generic" and secret["stringData"] == "[secret]"
    es = stack.k8s("ExternalSecret", "webhook-handler-secrets", "webhook-handler")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "webhook-handler"}}]


def test_rbac_lets_default_account_only_patch_deployments(synth_stack):
    stack = synth_stack("webhook_handler")
    role = stack.k8s("ClusterRole", "deployment-updater")["inputs"]
    # SEC-001: the handler's one API call is PATCH apps/v1 deployments; no pods, namespaces, services.
    assert role["rules"] == [{"verbs": ["patch"], "apiGroups": ["apps"], "resources": ["deployments"]}]
    binding = stack.k8s("ClusterRoleBinding", "update-deployment-binding")["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "default", "namespace": "webhook-handler"}]
