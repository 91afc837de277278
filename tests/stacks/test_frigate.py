"""frigate: the objects an outage would be about."""

from pathlib import Path

from components import constants as c

REPO = Path(__file__).resolve().parents[2]
NS = "frigate"


def test_gpu_tenant_limits_and_device_access(synth_stack):
    stack = synth_stack("frigate")
    deployment = stack.k8s("Deployment", "frigate", NS)["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"} and deployment["spec"]["replicas"] == 1
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/blakeblackshear/frigate:0.17.0-beta1-tensorrt"
    assert container["resources"] == {"requests": {"cpu": "1500m", "memory": "5Gi"}, "limits": {
        "memory": "10Gi", "nvidia.com/gpu": "1", "viktorbarzin.me/gpumem": "2300"}}
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
    assert container["securityContext"] == {"privileged": True}
    assert {"name": "dri", "hostPath": {"path": "/dev/dri", "type": "Directory"}} in pod["volumes"]
    assert NS in c.SECURITY_POLICY_EXCLUDED_NAMESPACES
    probe = container["livenessProbe"]
    assert probe["exec"]["command"][:2] == ["sh", "-c"]
    # The script is operator content brought over byte for byte (a placeholder here).
    script = (REPO / "stacks" / "frigate" / "files" / "liveness.sh").read_text()
    assert probe["exec"]["command"][2] == script
    assert (probe["initialDelaySeconds"], probe["periodSeconds"], probe["failureThreshold"]) == (120, 60, 3)


def test_camera_streams_on_their_own_metallb_address(synth_stack):
    service = synth_stack("frigate").k8s("Service", "frigate-rtsp", NS)
    spec = service["inputs"]["spec"]
    assert service["inputs"]["metadata"]["annotations"] == {"metallb.io/loadBalancerIPs": "10.0.20.204"}
    assert 'metadata.annotations["metallb.io/ip-allocated-from-pool"]' in service["options"]["ignoreChanges"]
    assert spec["type"] == "LoadBalancer" and spec["externalTrafficPolicy"] == "Local"
    assert [(p["name"], p["port"], p["protocol"]) for p in spec["ports"]] == [
        ("rtsp-tcp", 8554, "TCP"), ("rtsp-udp", 8554, "UDP"), ("webrtc-tcp", 8555, "TCP"), ("webrtc-udp", 8555, "UDP")]


def test_ui_behind_authentik_and_lan_ingress_local_only(synth_stack):
    stack = synth_stack("frigate")
    ui = stack.k8s("Ingress", "frigate", NS)["inputs"]
    assert ui["spec"]["rules"][0]["host"] == "frigate.viktorbarzin.me"
    assert ui["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    lan = stack.k8s("Ingress", "frigate-lan", NS)["inputs"]
    assert lan["spec"]["rules"][0]["host"] == "frigate-lan.viktorbarzin.lan"
    assert lan["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    assert c.MW_LOCAL_ONLY in lan["metadata"]["annotations"][c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    pvc = stack.k8s("PersistentVolumeClaim", "frigate-config-encrypted", NS)
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted" and pvc["options"]["protect"] is True
    assert stack.k8s("PersistentVolumeClaim", "frigate-media-host", NS)["inputs"]["spec"]["storageClassName"] == "nfs-truenas"
