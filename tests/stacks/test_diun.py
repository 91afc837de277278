"""diun: what it watches, where it reports, and the account it watches with."""

import pytest

NS = "diun"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("diun")


def test_deployment_watches_the_cluster_and_reports_to_n8n(stack):
    deployment = stack.k8s("Deployment", "diun", NS)
    spec = deployment["inputs"]["spec"]
    pod = spec["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"] == "viktorbarzin/diun:latest"
    assert container["args"] == ["serve"]
    plain = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    assert plain == {
        "TZ": "Europe/Sofia", "DIUN_WATCH_WORKERS": "20", "DIUN_WATCH_SCHEDULE": "0 */6 * * *",
        "DIUN_WATCH_JITTER": "30s", "DIUN_PROVIDERS_KUBERNETES": "true", "DIUN_DEFAULTS_WATCHREPO": "true",
        "DIUN_DEFAULTS_MAXTAGS": "3", "DIUN_DEFAULTS_SORTTAGS": "reverse", "DIUN_NOTIF_WEBHOOK_METHOD": "POST",
        "DIUN_NOTIF_WEBHOOK_HEADERS_CONTENT-TYPE": "application/json", "LOG_LEVEL": "debug",
    }
    [webhook] = [e for e in container["env"] if "valueFrom" in e]
    assert webhook == {"name": "DIUN_NOTIF_WEBHOOK_ENDPOINT",
                       "valueFrom": {"secretKeyRef": {"name": "diun-secrets", "key": "n8n_webhook_url"}}}
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}
    assert pod["serviceAccountName"] == "diun"
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "diun-data-proxmox"}}]
    assert spec["strategy"] == {"type": "Recreate"} and spec["replicas"] == 1
    annotations = deployment["inputs"]["metadata"]["annotations"]
    assert annotations["diun.enable"] == "true" and annotations["reloader.stakater.com/search"] == "true"
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]


def test_account_may_only_read_pods_cluster_wide(stack):
    role = stack.k8s("ClusterRole", "diun")["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "watch", "list"]}]
    binding = stack.k8s("ClusterRoleBinding", "diun")["inputs"]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "diun"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "diun", "namespace": NS}]
    stack.k8s("ServiceAccount", "diun", NS)


def test_webhook_secret_and_data_claim(stack):
    es = stack.k8s("ExternalSecret", "diun-secrets", NS)["inputs"]["spec"]
    assert es["dataFrom"] == [{"extract": {"key": "diun"}}]
    assert es["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "vault-kv"}
    claim = stack.k8s("PersistentVolumeClaim", "diun-data-proxmox", NS)["inputs"]
    assert claim["spec"]["storageClassName"] == "proxmox-lvm"
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert claim["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "4-aux", "istio-injection": "disabled", "keel.sh/enrolled": "true"}
