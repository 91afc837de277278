"""insta2spotify: the objects an outage would be about."""



def test_ui_ingress_is_behind_authentik_with_body_cap(synth_stack):
    stack = synth_stack("insta2spotify")
    ingress = stack.k8s("Ingress", "insta2spotify", "insta2spotify")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "Home Server Admins"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-authentik-forward-auth@kubernetescrd" in chain
    assert chain[-1] == "insta2spotify-buffering-insta2spotify@kubernetescrd"
    assert ingress["spec"]["rules"][0]["host"] == "insta2spotify.viktorbarzin.me"
    buffering = stack.k8s("Middleware", "buffering-insta2spotify", "insta2spotify")["inputs"]
    assert buffering["spec"]["buffering"]["maxRequestBodyBytes"] == 50 * 1024**2


def test_api_ingress_is_open_on_the_api_paths_only(synth_stack):
    stack = synth_stack("insta2spotify")
    ingress = stack.k8s("Ingress", "insta2spotify-api", "insta2spotify")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert "traefik-authentik-forward-auth@kubernetescrd" not in annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    assert "gethomepage.dev/enabled" not in annotations
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "insta2spotify.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == ["/api/identify", "/api/auth", "/api/health", "/api/history"]
    assert {p["backend"]["service"]["name"] for p in rule["http"]["paths"]} == {"insta2spotify"}


def test_deployment_images_secrets_and_keel(synth_stack):
    stack = synth_stack("insta2spotify")
    deployment = stack.k8s("Deployment", "insta2spotify", "insta2spotify")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    assert [ct["image"] for ct in pod["containers"]] == [
        "viktorbarzin/insta2spotify-frontend:latest", "viktorbarzin/insta2spotify-backend:latest"]
    backend_env = {e["name"]: e for e in pod["containers"][1]["env"]}
    assert backend_env["API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "insta2spotify-secrets", "key": "api_key"}
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "insta2spotify-data-nfs"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored and "spec.template.spec.containers[1].image" in ignored
    assert deployment["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/image-policy"] == "keel"


def test_secrets_from_vault_and_data_on_nfs(synth_stack):
    stack = synth_stack("insta2spotify")
    es = stack.k8s("ExternalSecret", "insta2spotify-secrets", "insta2spotify")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "insta2spotify"}}]
    pv = stack.k8s("PersistentVolume", "insta2spotify-data-nfs")
    assert pv["inputs"]["spec"]["csi"]["volumeAttributes"]["share"] == "/srv/nfs/insta2spotify"
    assert pv["inputs"]["spec"]["capacity"]["storage"] == "5Gi"
