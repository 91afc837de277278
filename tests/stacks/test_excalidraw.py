"""excalidraw: the objects an outage would be about."""



def test_draw_ingress_is_behind_authentik_and_wakes_after_it(synth_stack):
    stack = synth_stack("excalidraw")
    ingress = stack.k8s("Ingress", "draw", "excalidraw")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain.index("traefik-authentik-forward-auth@kubernetescrd") < chain.index("excalidraw-sablier-draw@kubernetescrd")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "draw.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "draw"
    sablier = stack.k8s("Middleware", "sablier-draw", "excalidraw")["inputs"]
    assert sablier["spec"]["plugin"]["sablier"]["group"] == "excalidraw"


def test_deployment_private_image_keel_and_sablier(synth_stack):
    stack = synth_stack("excalidraw")
    deployment = stack.k8s("Deployment", "excalidraw", "excalidraw")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/excalidraw-library:latest"
    assert container["imagePullPolicy"] == "Always"
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "excalidraw-data-host"
    annotations = deployment["inputs"]["metadata"]["annotations"]
    assert annotations["keel.sh/policy"] == "force" and annotations["keel.sh/pollSchedule"] == "@every 5m"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.replicas" in ignored and 'metadata.annotations["keel.sh/policy"]' in ignored


def test_portforward_grant_for_emo_browser(synth_stack):
    stack = synth_stack("excalidraw")
    role = stack.k8s("Role", "excalidraw-portforward", "excalidraw")["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["create"]}]
    binding = stack.k8s("RoleBinding", "emo-browser-portforward", "excalidraw")["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "emo-browser", "namespace": "chrome-service"}]
    assert binding["roleRef"]["name"] == "excalidraw-portforward"
    pvc = stack.k8s("PersistentVolumeClaim", "excalidraw-data-host", "excalidraw")["inputs"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
