"""isponsorblocktv: the worker, its Keel-managed image and its NFS-held config."""



def test_worker_runs_keel_rolled_image_with_config_volume(synth_stack):
    stack = synth_stack("isponsorblocktv")
    deployment = stack.k8s("Deployment", "isponsorblocktv-vermont", "isponsorblocktv")
    spec = deployment["inputs"]["spec"]
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/dmunozv04/isponsorblocktv"
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/app/data"}]
    assert spec["template"]["spec"]["volumes"][0]["persistentVolumeClaim"] == {"claimName": "isponsorblocktv-data"}
    assert spec["strategy"] == {"type": "Recreate"} and spec["replicas"] == 1
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored and "spec.template.spec.dnsConfig" in ignored
    assert "spec.replicas" not in ignored
    assert deployment["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/image-policy"] == "keel"


def test_config_volume_is_nfs(synth_stack):
    stack = synth_stack("isponsorblocktv")
    pv = stack.k8s("PersistentVolume", "isponsorblocktv-data")
    assert pv["inputs"]["spec"]["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/isponsorblocktv"}
    pvc = stack.k8s("PersistentVolumeClaim", "isponsorblocktv-data", "isponsorblocktv")
    assert pvc["inputs"]["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert pvc["options"]["retainOnDelete"]


def test_namespace_is_edge_tier_and_keel_enrolled(synth_stack):
    labels = synth_stack("isponsorblocktv").k8s("Namespace", "isponsorblocktv")["inputs"]["metadata"]["labels"]
    assert labels == {"istio-injection": "disabled", "keel.sh/enrolled": "true", "tier": "3-edge"}
