"""priority-pass: both images at the configured SHA, uploads on NFS, 10m body cap behind Authentik."""



def test_ingress_requires_auth_and_caps_uploads_at_10m(synth_stack):
    stack = synth_stack("priority-pass")
    ingress = stack.k8s("Ingress", "priority-pass", "priority-pass")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-2:] == ["traefik-authentik-forward-auth@kubernetescrd", "priority-pass-buffering-priority-pass@kubernetescrd"]
    assert ingress["spec"]["rules"][0]["host"] == "priority-pass.viktorbarzin.me"
    buffering = stack.k8s("Middleware", "buffering-priority-pass", "priority-pass")["inputs"]
    assert buffering["spec"]["buffering"]["maxRequestBodyBytes"] == 10 * 1024 * 1024


def test_frontend_and_backend_share_the_configured_tag(synth_stack):
    stack = synth_stack("priority-pass")
    deployment = stack.k8s("Deployment", "priority-pass", "priority-pass")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    images = {ctr["name"]: ctr["image"] for ctr in pod["containers"]}
    assert images == {
        "frontend": "docker.io/viktorbarzin/priority-pass-frontend:63e118c3",
        "backend": "docker.io/viktorbarzin/priority-pass-backend:63e118c3",
    }
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    backend = pod["containers"][1]
    assert backend["volumeMounts"] == [{"name": "uploads", "mountPath": "/data/uploads"}]
    assert pod["volumes"][0]["persistentVolumeClaim"] == {"claimName": "priority-pass-uploads-nfs"}
    ignored = deployment["options"]["ignoreChanges"]
    assert {"spec.template.spec.containers[0].image", "spec.template.spec.containers[1].image"} <= set(ignored)
    service = stack.k8s("Service", "priority-pass", "priority-pass")["inputs"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 3000}]


def test_uploads_volume_is_nfs(synth_stack):
    pv = synth_stack("priority-pass").k8s("PersistentVolume", "priority-pass-uploads-nfs")
    assert pv["inputs"]["spec"]["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/priority-pass"}
    assert pv["inputs"]["spec"]["capacity"] == {"storage": "10Gi"}
