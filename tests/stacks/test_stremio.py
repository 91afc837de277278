"""stremio: the objects an outage would be about."""

from components import constants as c


def test_streaming_server_holds_its_gpu_share(synth_stack):
    stack = synth_stack("stremio")
    deployment = stack.k8s("Deployment", "stremio", "stremio")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["priorityClassName"] == "gpu-workload"
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/stremio-nvenc:latest"
    assert container["resources"]["limits"] == {"memory": "2Gi", "ephemeral-storage": "20Gi",
                                                "nvidia.com/gpu": "1", "viktorbarzin.me/gpumem": "1500"}
    env = {e["name"]: e for e in container["env"]}
    assert env["NVIDIA_DRIVER_CAPABILITIES"]["value"] == "compute,utility,video"
    assert env["PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "stremio-secrets", "key": "webui_password"}
    assert pod["volumes"] == [{"name": "data", "emptyDir": {"sizeLimit": "20Gi"}}]
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]


def test_stremio_ingress_is_basic_auth_on_a_direct_record(synth_stack):
    stack = synth_stack("stremio")
    ingress = stack.k8s("Ingress", "stremio", "stremio")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    assert ingress["spec"]["rules"][0]["host"] == "stremio.viktorbarzin.me"
    records = {(r["inputs"]["type"], r["inputs"]["name"]) for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")}
    assert ("A", "stremio.viktorbarzin.me") in records


def test_cinemeta_proxy_survives_a_node_drain(synth_stack):
    stack = synth_stack("stremio")
    spec = stack.k8s("Deployment", "cinemeta-proxy", "stremio")["inputs"]["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    pod = spec["template"]["spec"]
    term = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    assert "nodeSelector" not in pod
    assert pod["containers"][0]["image"] == "nginx:1.27"
    assert pod["volumes"][0]["configMap"]["name"] == "cinemeta-proxy-nginx"
    assert "checksum/config" in spec["template"]["metadata"]["annotations"]
    ingress = stack.k8s("Ingress", "cinemeta", "stremio")["inputs"]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "cinemeta-proxy"
    chain = ingress["metadata"]["annotations"][c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert c.MW_AI_BOT_BLOCK not in chain
