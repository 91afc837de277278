"""interview-prep-app: Authentik in front of the host, the GHCR image and its pull secret."""



def test_ingress_requires_authentik_and_targets_the_app_service(synth_stack):
    stack = synth_stack("interview-prep-app")
    ingress = stack.k8s("Ingress", "interview-prep", "interview-prep-app")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "Home Server Admins"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert annotations["gethomepage.dev/pod-selector"] == "app=interview-prep-app"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "interview-prep.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "interview-prep-app", "port": {"number": 80}}
    assert not stack.of_type("cloudflare:index/dnsRecord:DnsRecord"), "wildcard CNAME serves the host"


def test_deployment_pulls_latest_from_ghcr_with_credentials(synth_stack):
    stack = synth_stack("interview-prep-app")
    deployment = stack.k8s("Deployment", "interview-prep-app", "interview-prep-app")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/interview-prep-app:latest"
    assert container["imagePullPolicy"] == "Always"
    annotations = deployment["inputs"]["metadata"]["annotations"]
    assert annotations["keel.sh/policy"] == "force" and annotations["keel.sh/pollSchedule"] == "@every 5m"
    assert 'metadata.annotations["keel.sh/policy"]' in deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]


def test_service_and_tls_secret(synth_stack):
    stack = synth_stack("interview-prep-app")
    service = stack.k8s("Service", "interview-prep-app", "interview-prep-app")["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 80}]
    assert stack.k8s("Secret", "tls-secret", "interview-prep-app")["inputs"]["type"] == "kubernetes.io/tls"
