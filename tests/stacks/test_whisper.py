"""whisper: the objects an outage would be about."""

import pytest


SERVICES = [
    ("whisper", "rhasspy/wyoming-whisper:latest", 10300, "1Gi",
     ["--model", "small-int8", "--language", "en", "--beam-size", "1"]),
    ("piper", "rhasspy/wyoming-piper:latest", 10200, "64Mi", ["--voice", "en_US-lessac-medium"]),
]


@pytest.mark.parametrize("name,image,port,memory,args", SERVICES)
def test_deployment_is_gpu_pinned_and_parked(synth_stack, name, image, port, memory, args):
    stack = synth_stack("whisper")
    deployment = stack.k8s("Deployment", name, "whisper")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
    container = pod["containers"][0]
    assert container["image"] == image and container["args"] == args
    assert container["resources"]["limits"]["memory"] == memory
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "whisper-data-host"
    assert deployment["inputs"]["metadata"]["labels"]["tier"] == "2-gpu"


@pytest.mark.parametrize("name,image,port,memory,args", SERVICES)
def test_tcp_route_reaches_the_service(synth_stack, name, image, port, memory, args):
    stack = synth_stack("whisper")
    route = stack.k8s("IngressRouteTCP", f"{name}-tcp", "traefik")["inputs"]
    assert route["apiVersion"] == "traefik.io/v1alpha1"
    assert route["spec"]["entryPoints"] == [f"{name}-tcp"]
    assert route["spec"]["routes"][0]["services"] == [{"name": name, "namespace": "whisper", "port": port}]
    service = stack.k8s("Service", name, "whisper")["inputs"]
    assert service["spec"]["ports"][0]["port"] == port


def test_models_live_on_nfs(synth_stack):
    stack = synth_stack("whisper")
    pv = stack.k8s("PersistentVolume", "whisper-data-host")["inputs"]
    assert pv["spec"]["csi"]["volumeAttributes"]["share"] == "/srv/nfs/whisper"
