"""k8s-portal: the objects an outage would be about."""

from components import constants as c

DNS = "cloudflare:index/dnsRecord:DnsRecord"


def test_portal_is_behind_authentik_with_grey_cloud_records(synth_stack):
    stack = synth_stack("k8s-portal")
    ingress = stack.k8s("Ingress", "k8s-portal", "k8s-portal")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "required"
    assert c.MW_FORWARD_AUTH in annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert ingress["spec"]["rules"][0]["host"] == "k8s-portal.viktorbarzin.me"
    records = {(r["inputs"]["type"], r["inputs"]["name"]) for r in stack.of_type(DNS)}
    assert records == {("A", "k8s-portal.viktorbarzin.me"), ("AAAA", "k8s-portal.viktorbarzin.me")}


def test_setup_script_paths_are_reachable_without_login(synth_stack):
    ingress = synth_stack("k8s-portal").k8s("Ingress", "k8s-portal-setup", "k8s-portal")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    assert c.MW_FORWARD_AUTH not in annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "k8s-portal.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == ["/setup/script", "/agent"]
    assert {p["backend"]["service"]["name"] for p in rule["http"]["paths"]} == {"k8s-portal"}
    assert "gethomepage.dev/enabled" not in annotations


def test_portal_mounts_the_cluster_ca_and_user_roles(synth_stack):
    stack = synth_stack("k8s-portal")
    deployment = stack.k8s("Deployment", "k8s-portal", "k8s-portal")
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"} and spec["revisionHistoryLimit"] == 3
    pod = spec["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    [container] = pod["containers"]
    assert container["image"] == "ghcr.io/viktorbarzin/k8s-portal:latest"
    assert {m["mountPath"]: m["subPath"] for m in container["volumeMounts"]} == {
        "/config/ca.crt": "ca.crt", "/config/users.json": "users.json"}
    assert {v["name"]: v["configMap"]["name"] for v in pod["volumes"]} == {
        "config": "k8s-portal-config", "user-roles": "k8s-user-roles"}
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    config_map = stack.k8s("ConfigMap", "k8s-portal-config", "k8s-portal")["inputs"]
    assert set(config_map["data"]) == {"ca.crt"}
    service = stack.k8s("Service", "k8s-portal", "k8s-portal")["inputs"]
    assert service["spec"]["ports"] == [{"port": 80, "targetPort": 3000}] and "labels" not in service["metadata"]
    namespace = stack.k8s("Namespace", "k8s-portal")["inputs"]["metadata"]
    assert namespace["labels"] == {"tier": "3-edge", "keel.sh/enrolled": "true"}
