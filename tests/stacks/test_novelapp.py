"""novelapp: the objects an outage would be about."""

from components import constants as c


def test_ingress_is_app_auth_on_a_direct_dns_record(synth_stack):
    stack = synth_stack("novelapp")
    ingress = stack.k8s("Ingress", "novelapp", "novelapp")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "app"
    assert ingress["spec"]["rules"][0]["host"] == "novelapp.viktorbarzin.me"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"] == {"name": "novelapp", "port": {"number": 80}}
    records = {(r["inputs"]["type"], r["inputs"]["name"]) for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")}
    assert {("A", "novelapp.viktorbarzin.me"), ("AAAA", "novelapp.viktorbarzin.me")} <= records


def test_deployment_is_always_on_with_keel_semver_policy(synth_stack):
    stack = synth_stack("novelapp")
    deployment = stack.k8s("Deployment", "novelapp", "novelapp")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}
    assert "sablier.enable" not in deployment["inputs"]["metadata"]["labels"]
    annotations = deployment["inputs"]["metadata"]["annotations"]
    assert annotations["keel.sh/policy"] == "major" and annotations["keel.sh/pollSchedule"] == "@every 1h"
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "mghee/novelapp:v1.1.3"
    assert container["resources"] == {"requests": {"memory": "640Mi", "cpu": "10m"}, "limits": {"memory": "640Mi"}}
    secret_keys = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
    assert secret_keys["AUTH_SECRET"] == {"name": "novelapp-secrets", "key": "auth_secret"}
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored
    assert 'metadata.annotations["keel.sh/policy"]' not in ignored


def test_database_claim_and_secrets(synth_stack):
    stack = synth_stack("novelapp")
    claim = stack.k8s("PersistentVolumeClaim", "novelapp-data-proxmox", "novelapp")
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
    assert "pulumi.com/skipAwait" not in claim["inputs"]["metadata"]["annotations"]
    assert claim["options"]["retainOnDelete"]
    es = stack.k8s("ExternalSecret", "novelapp-secrets", "novelapp")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "novelapp"}}]


def test_namespace_owner_is_admin_by_user_and_dashboard_account(synth_stack):
    stack = synth_stack("novelapp")
    binding = stack.k8s("RoleBinding", "novelapp-owner-vabbit81", "novelapp")["inputs"]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"}
    assert [(s["kind"], s["name"]) for s in binding["subjects"]] == [
        ("User", "vabbit81@gmail.com"), ("ServiceAccount", "dashboard-vabbit81")]
