"""url: the objects an outage would be about."""

from components import constants as c

NS = "url"


def test_short_links_are_public_and_admin_client_is_behind_authentik(synth_stack):
    stack = synth_stack("url")
    public = stack.k8s("Ingress", "url", NS)["inputs"]
    annotations = public["metadata"]["annotations"]
    assert public["spec"]["rules"][0]["host"] == "url.viktorbarzin.me"
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    assert public["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "shlink"
    assert annotations["gethomepage.dev/widget.key"] == "[secret]"
    admin = stack.k8s("Ingress", "shlink", NS)["inputs"]
    admin_annotations = admin["metadata"]["annotations"]
    assert admin["spec"]["rules"][0]["host"] == "shlink.viktorbarzin.me"
    assert admin_annotations[c.AUTH_ANNOTATION] == "required"
    assert c.MW_FORWARD_AUTH in admin_annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert admin_annotations["gethomepage.dev/enabled"] == "false"
    assert admin["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "shlink-web"


def test_shlink_takes_rotated_mysql_credentials(synth_stack):
    stack = synth_stack("url")
    creds = stack.k8s("ExternalSecret", "url-db-creds", NS)["inputs"]["spec"]
    assert creds["secretStoreRef"]["name"] == "vault-database"
    assert creds["data"][0]["remoteRef"] == {"key": "static-creds/mysql-shlink", "property": "password"}
    assert creds["target"]["template"]["data"] == {"DB_USER": "shlink", "DB_PASSWORD": "{{ .password }}"}
    deployment = stack.k8s("Deployment", "shlink", NS)["inputs"]
    assert deployment["metadata"]["annotations"] == {"reloader.stakater.com/auto": "true"}
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "shlinkio/shlink:5.0.2"
    assert container["envFrom"] == [{"secretRef": {"name": "url-db-creds"}}]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["DB_DRIVER"] == "mysql" and env["DB_HOST"] == "mysql.dbaas.svc.cluster.local"
    assert env["DEFAULT_DOMAIN"] == "url.viktorbarzin.me"
    assert container["livenessProbe"]["httpGet"] == {"path": "/rest/v3/health", "port": 8080}
    service = stack.k8s("Service", "shlink", NS)["inputs"]["spec"]
    assert service["selector"] == {"run": "shlink"}
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 8080}]


def test_web_client_mounts_its_server_list(synth_stack):
    stack = synth_stack("url")
    servers = stack.k8s("ConfigMap", "shlink-web-servers", NS)["inputs"]
    assert servers["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}
    assert servers["data"] == {"servers.json": "[secret]"}  # carries the API key
    pod = stack.k8s("Deployment", "shlink-web", NS)["inputs"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == "shlinkio/shlink-web-client:4.7.1"
    assert pod["containers"][0]["volumeMounts"] == [
        {"mountPath": "/usr/share/nginx/html/servers.json", "subPath": "servers.json", "name": "config"}]
    assert pod["volumes"] == [{"name": "config", "configMap": {"name": "shlink-web-servers"}}]
    assert stack.k8s("Secret", "mysql-config", NS)["inputs"]["metadata"]["annotations"] == {
        "reloader.stakater.com/match": "true"}
