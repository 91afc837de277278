"""freshrss: the objects an outage would be about."""



def test_rss_ingress_is_app_auth_for_the_reader_apis(synth_stack):
    stack = synth_stack("freshrss")
    ingress = stack.k8s("Ingress", "rss", "freshrss")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert "traefik-authentik-forward-auth@kubernetescrd" not in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert annotations["gethomepage.dev/widget.username"] == "[secret]"
    assert annotations["gethomepage.dev/widget.password"] == "[secret]"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "rss.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "freshrss", "port": {"number": 80}}


def test_deployment_image_and_volumes(synth_stack):
    stack = synth_stack("freshrss")
    deployment = stack.k8s("Deployment", "freshrss", "freshrss")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "freshrss/freshrss"
    assert {e["name"]: e["value"] for e in container["env"]}["CRON_MIN"] == "0,30"
    assert [v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]] == [
        "freshrss-data-proxmox", "freshrss-extensions"]
    assert deployment["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/image-policy"] == "keel"


def test_data_claim_and_secrets(synth_stack):
    stack = synth_stack("freshrss")
    claim = stack.k8s("PersistentVolumeClaim", "freshrss-data-proxmox", "freshrss")
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert claim["options"]["protect"] and claim["options"]["ignoreChanges"] == ["spec.resources.requests"]
    pv = stack.k8s("PersistentVolume", "freshrss-extensions")["inputs"]
    assert pv["spec"]["csi"]["volumeAttributes"]["share"] == "/srv/nfs/freshrss/extensions"
    es = stack.k8s("ExternalSecret", "freshrss-secrets", "freshrss")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "freshrss"}}]
