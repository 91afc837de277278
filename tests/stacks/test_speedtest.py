"""speedtest: the objects an outage would be about."""



def test_ingress_is_behind_authentik_with_widget(synth_stack):
    stack = synth_stack("speedtest")
    ingress = stack.k8s("Ingress", "speedtest", "speedtest")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert annotations["gethomepage.dev/widget.type"] == "speedtest"
    assert ingress["spec"]["rules"][0]["host"] == "speedtest.viktorbarzin.me"


def test_deployment_image_schedule_and_database(synth_stack):
    stack = synth_stack("speedtest")
    deployment = stack.k8s("Deployment", "speedtest", "speedtest")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "lscr.io/linuxserver/speedtest-tracker:0.24.1"
    env = {e["name"]: e for e in container["env"]}
    assert env["SPEEDTEST_SCHEDULE"]["value"] == "0 * * * *"
    assert env["DB_HOST"]["value"] == "mysql.dbaas.svc.cluster.local"
    assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "speedtest-secrets", "key": "db_password"}
    # SEC-026: the key is referenced from a Secret, never a literal in the pod spec.
    assert env["APP_KEY"] == {"name": "APP_KEY",
                              "valueFrom": {"secretKeyRef": {"name": "speedtest-app-key", "key": "app_key"}}}
    key = stack.k8s("Secret", "speedtest-app-key", "speedtest")["inputs"]
    assert key["stringData"] == "[secret]" and key["type"] == "Opaque"
    assert container["volumeMounts"] == [{"name": "config", "mountPath": "/config"}]
    assert deployment["inputs"]["spec"]["template"]["metadata"]["annotations"]["diun.include_tags"] == r"^\d+\.\d+\.\d+$"


def test_db_password_and_app_key_sources(synth_stack):
    stack = synth_stack("speedtest")
    es = stack.k8s("ExternalSecret", "speedtest-secrets", "speedtest")["inputs"]["spec"]
    assert es["secretStoreRef"]["name"] == "vault-database"
    assert es["data"][0]["remoteRef"] == {"key": "static-creds/mysql-speedtest", "property": "password"}
    assert [r["inputs"]["byteLength"] for r in stack.of_type("random:index/randomId:RandomId")] == [32]
    pv = stack.k8s("PersistentVolume", "speedtest-config-nfs")["inputs"]
    assert pv["spec"]["csi"]["volumeAttributes"]["share"] == "/srv/nfs/speedtest"
