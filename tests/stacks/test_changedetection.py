"""changedetection: the objects an outage would be about."""



def test_ingress_is_behind_authentik_with_homepage_widget(synth_stack):
    stack = synth_stack("changedetection")
    ingress = stack.k8s("Ingress", "changedetection", "changedetection")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "Home Server Admins"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert annotations["gethomepage.dev/widget.type"] == "changedetectionio"
    # The widget API key comes from the ESO-synced Secret and never appears in plain text.
    assert annotations["gethomepage.dev/widget.key"] == "[secret]"
    assert ingress["spec"]["rules"][0]["host"] == "changedetection.viktorbarzin.me"


def test_deployment_runs_browser_sidecar_and_app(synth_stack):
    stack = synth_stack("changedetection")
    deployment = stack.k8s("Deployment", "changedetection", "changedetection")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    browser, app = pod["containers"]
    assert browser["image"] == "dgtlmoon/sockpuppetbrowser:latest"
    assert browser["securityContext"]["capabilities"]["add"] == ["SYS_ADMIN"]
    assert app["image"] == "ghcr.io/dgtlmoon/changedetection.io:latest"
    assert {e["name"]: e["value"] for e in app["env"]}["PLAYWRIGHT_DRIVER_URL"] == "ws://localhost:3000"
    assert app["volumeMounts"] == [{"name": "data", "mountPath": "/datastore"}]
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "changedetection-data-nfs"
    assert deployment["inputs"]["spec"]["strategy"] == {"type": "Recreate"}
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[1].image" in ignored


def test_secrets_tls_and_datastore(synth_stack):
    stack = synth_stack("changedetection")
    es = stack.k8s("ExternalSecret", "changedetection-secrets", "changedetection")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "changedetection"}}]
    assert stack.k8s("Secret", "tls-secret", "changedetection")["inputs"]["type"] == "kubernetes.io/tls"
    pv = stack.k8s("PersistentVolume", "changedetection-data-nfs")["inputs"]
    assert pv["spec"]["csi"]["volumeAttributes"]["share"] == "/srv/nfs/changedetection"
    assert pv["spec"]["capacity"]["storage"] == "8Gi"
