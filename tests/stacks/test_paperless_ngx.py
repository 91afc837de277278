"""paperless-ngx: the objects an outage would be about."""

from components import constants as c

NS = "paperless-ngx"


def _env(container: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_ingress_is_app_auth_on_pdf_host_with_homepage_login(synth_stack):
    ingress = synth_stack("paperless-ngx").k8s("Ingress", "paperless-ngx", NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert ingress["spec"]["rules"][0]["host"] == "pdf.viktorbarzin.me"
    assert annotations[c.AUTH_ANNOTATION] == "app" and annotations[c.AUTH_REASON_ANNOTATION]
    assert c.MW_FORWARD_AUTH not in annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert annotations["gethomepage.dev/widget.username"] == "[secret]"
    assert annotations["gethomepage.dev/widget.password"] == "[secret]"
    assert annotations["gethomepage.dev/widget.fields"] == '["total"]'


def test_paperless_database_redis_and_converters(synth_stack):
    stack = synth_stack("paperless-ngx")
    deployment = stack.k8s("Deployment", "paperless-ngx", NS)["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/paperless-ngx/paperless-ngx:2.20.14"
    env = _env(container)
    assert env["PAPERLESS_DBENGINE"] == "mariadb" and env["PAPERLESS_DBHOST"] == "mysql.dbaas.svc.cluster.local"
    assert env["PAPERLESS_DBPASS"] == {"secretKeyRef": {"name": "paperless-ngx-secrets", "key": "db_password"}}
    assert env["PAPERLESS_REDIS"] == "redis://redis-master.redis.svc.cluster.local"
    assert env["PAPERLESS_TIKA_ENDPOINT"] == "http://tika.paperless-ngx.svc.cluster.local:9998"
    assert env["PAPERLESS_TIKA_GOTENBERG_ENDPOINT"] == "http://gotenberg.paperless-ngx.svc.cluster.local:3000"
    assert env["PAPERLESS_OCR_LANGUAGE"] == "bul+eng"
    assert container["resources"]["limits"] == {"memory": "8Gi"}
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/usr/src/paperless/data"}]
    service = stack.k8s("Service", "paperless-ngx", NS)["inputs"]["spec"]
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"}]
    for name, port in (("tika", 9998), ("gotenberg", 3000)):
        svc = stack.k8s("Service", name, NS)["inputs"]["spec"]
        assert svc["selector"] == {"app": name} and svc["ports"][0]["port"] == port
    gotenberg = stack.k8s("Deployment", "gotenberg", NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert gotenberg["args"] == ["gotenberg", "--chromium-disable-javascript=true",
                                 "--chromium-allow-list=file:///tmp/.*"]


def test_document_volume_is_encrypted_and_kept(synth_stack):
    pvc = synth_stack("paperless-ngx").k8s("PersistentVolumeClaim", "paperless-ngx-data-encrypted", NS)
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert pvc["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "80Gi"
    assert pvc["options"]["protect"] is True and pvc["options"]["retainOnDelete"] is True
