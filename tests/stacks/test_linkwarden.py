"""linkwarden: the objects an outage would be about."""



def test_ingress_is_app_auth_with_homepage_widget(synth_stack):
    ingress = synth_stack("linkwarden").k8s("Ingress", "linkwarden", "linkwarden")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert "traefik-authentik-forward-auth@kubernetescrd" not in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert annotations["gethomepage.dev/widget.key"] == "[secret]"
    assert ingress["spec"]["rules"][0]["host"] == "linkwarden.viktorbarzin.me"


def test_database_url_comes_from_rotated_vault_creds(synth_stack):
    stack = synth_stack("linkwarden")
    db = stack.k8s("ExternalSecret", "linkwarden-db-creds", "linkwarden")["inputs"]["spec"]
    assert db["secretStoreRef"]["name"] == "vault-database"
    assert db["target"]["template"]["data"]["DATABASE_URL"] == (
        "postgresql://linkwarden:{{ .password }}@pg-cluster-rw.dbaas.svc.cluster.local:5432/linkwarden")
    app = stack.k8s("ExternalSecret", "linkwarden-secrets", "linkwarden")["inputs"]["spec"]
    assert app["dataFrom"] == [{"extract": {"key": "linkwarden"}}]


def test_app_image_archive_volume_and_nextauth_secret(synth_stack):
    stack = synth_stack("linkwarden")
    pod = stack.k8s("Deployment", "linkwarden", "linkwarden")["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/linkwarden/linkwarden:v2.14.0"
    assert container["volumeMounts"] == [{"name": "archives", "mountPath": "/storage"}]
    pvc = stack.k8s("PersistentVolumeClaim", "linkwarden-archives-encrypted", "linkwarden")["inputs"]["spec"]
    assert pvc["storageClassName"] == "proxmox-lvm-encrypted" and pvc["resources"]["requests"]["storage"] == "2Gi"
    [secret] = stack.of_type("random:index/randomString:RandomString")
    assert secret["inputs"]["length"] == 32 and secret["inputs"]["overrideSpecial"] == "/@£$"
