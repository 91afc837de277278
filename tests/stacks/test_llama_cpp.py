"""llama-cpp: the objects an outage would be about. Expected values come from upstream's render."""

UPSTREAM_CONFIG_SHA256 = "d407acf621994a0717e9698b2fe3319bd676a4c26035e799c66ef7a752480bb2"


def test_llama_swap_claims_its_gpu_share_on_the_gpu_node(synth_stack):
    stack = synth_stack("llama-cpp")
    deployment = stack.k8s("Deployment", "llama-swap", "llama-cpp")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}
    assert spec["selector"]["matchLabels"] == {"app": "llama-cpp", "component": "llama-swap"}
    assert deployment["inputs"]["metadata"]["labels"] == {"app": "llama-cpp", "tier": "2-gpu"}
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"gpu": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
    container = pod["containers"][0]
    assert container["image"].endswith("@sha256:50c640b15d7914ba356eb1e034680907b6c25eff7bdbe0071d77b907abfc0e0b")
    assert container["resources"] == {
        "requests": {"cpu": "200m", "memory": "2Gi", "ephemeral-storage": "1Gi"},
        "limits": {"memory": "12Gi", "ephemeral-storage": "10Gi", "nvidia.com/gpu": "1", "viktorbarzin.me/gpumem": "5000"}}
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" not in ignored  # the digest is owned here
    assert 'metadata.annotations["keel.sh/policy"]' in ignored


def test_config_is_upstreams_bytes(synth_stack):
    stack = synth_stack("llama-cpp")
    config = stack.k8s("ConfigMap", "llama-swap-config", "llama-cpp")["inputs"]["data"]["config.yaml"]
    assert '"qwen3-8b":\n    "checkEndpoint": "/health"\n    "cmd": "/app/llama-server --host 0.0.0.0 --port ${PORT} ' \
           '-m /models/qwen3-8b/model.gguf\n      -ngl 99 -c 16384 -np 1 --jinja -fa on --reasoning off"\n    "ttl": 600\n' in config
    assert '--mmproj /models/qwen3vl-4b/mmproj.gguf -ngl 99 -c 3072 -np 1 --jinja -fa on"' in config
    template = stack.k8s("Deployment", "llama-swap", "llama-cpp")["inputs"]["spec"]["template"]
    assert template["metadata"]["annotations"] == {"checksum/config": UPSTREAM_CONFIG_SHA256}


def test_download_job_feeds_the_models_volume(synth_stack):
    stack = synth_stack("llama-cpp")
    job = stack.k8s("Job", "download-models", "llama-cpp")
    spec = job["inputs"]["spec"]
    assert spec["backoffLimit"] == 2 and "ttlSecondsAfterFinished" not in spec
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    container = pod["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["MODELS_JSON"]["value"].startswith(
        '{"qwen3-8b":{"ctx_size":16384,"gguf_pattern":"*Q4_K_M*.gguf","gpu_layers":99,"hf_repo":"unsloth/Qwen3-8B-GGUF",')
    assert env["HF_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "hf-token", "key": "token", "optional": True}
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "llama-cpp-models"
    assert job["inputs"]["metadata"]["annotations"]["pulumi.com/skipAwait"] == "true"
    assert "metadata.annotations" in job["options"]["ignoreChanges"]
    pv = stack.k8s("PersistentVolume", "llama-cpp-models")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"]["share"] == "/srv/nfs-ssd/llamacpp" and pv["capacity"] == {"storage": "30Gi"}
