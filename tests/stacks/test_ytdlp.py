"""ytdlp: the objects an outage would be about."""

import pytest



@pytest.mark.parametrize("name,host,service_port", [
    ("ytdlp", "yt.viktorbarzin.me", 17442),
    ("yt-highlights", "yt-highlights.viktorbarzin.me", 8000),
])
def test_hosts_are_owner_only_and_non_proxied(synth_stack, name, host, service_port):
    stack = synth_stack("ytdlp")
    ingress = stack.k8s("Ingress", name, "ytdlp")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "non-proxied"
    assert ingress["spec"]["rules"][0]["host"] == host
    service = stack.k8s("Service", name, "ytdlp")["inputs"]["spec"]
    assert service["ports"][0]["port"] == 80 and service["ports"][0]["targetPort"] == service_port


def test_downloader_keeps_all_data_on_nfs(synth_stack):
    stack = synth_stack("ytdlp")
    pod = stack.k8s("Deployment", "ytdlp", "ytdlp")["inputs"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == "tzahi12345/youtubedl-material:nightly"
    assert len(pod["containers"][0]["volumeMounts"]) == 5
    pv = stack.k8s("PersistentVolume", "ytdlp-data-host")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"]["share"] == "/srv/nfs/ytdlp"


def test_highlights_runs_on_a_gpu_node_with_vault_secrets(synth_stack):
    stack = synth_stack("ytdlp")
    pod = stack.k8s("Deployment", "yt-highlights", "ytdlp")["inputs"]["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}]
    container = pod["containers"][0]
    assert container["image"] == "viktorbarzin/yt-highlights:v20-20260127"
    assert container["resources"] == {"limits": {"nvidia.com/gpu": "1"}}
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
    assert refs == {"OPENROUTER_API_KEY": {"name": "ytdlp-secrets", "key": "openrouter_api_key"},
                    "SLACK_BOT_TOKEN": {"name": "ytdlp-secrets", "key": "slack_bot_token"}}
    es = stack.k8s("ExternalSecret", "ytdlp-secrets", "ytdlp")["inputs"]["spec"]
    assert es["dataFrom"] == [{"extract": {"key": "ytdlp"}}]
