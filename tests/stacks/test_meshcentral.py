"""meshcentral: the objects an outage would be about."""

from components import constants as c


def _chain(ingress: dict) -> list[str]:
    return ingress["metadata"]["annotations"][c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")


def test_web_ui_is_behind_authentik(synth_stack):
    ingress = synth_stack("meshcentral").k8s("Ingress", "meshcentral", "meshcentral")["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert c.MW_FORWARD_AUTH in _chain(ingress) and c.MW_AI_BOT_BLOCK not in _chain(ingress)
    assert ingress["spec"]["rules"][0]["host"] == "meshcentral.viktorbarzin.me"


def test_agent_endpoints_skip_forward_auth_on_the_same_host(synth_stack):
    ingress = synth_stack("meshcentral").k8s("Ingress", "meshcentral-agent", "meshcentral")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "none"
    assert c.MW_FORWARD_AUTH not in _chain(ingress) and c.MW_AI_BOT_BLOCK not in _chain(ingress)
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "meshcentral.viktorbarzin.me"
    paths = [p["path"] for p in rule["http"]["paths"]]
    assert paths == ["/agent.ashx", "/control.ashx", "/meshrelay.ashx", "/meshagents", "/devicefile.ashx",
                     "/agentdownload.ashx", "/meshsettings.ashx", "/amtevents.ashx"]
    assert {p["backend"]["service"]["name"] for p in rule["http"]["paths"]} == {"meshcentral"}
    assert annotations[c.EXTERNAL_MONITOR_ANNOTATION] == "false"


def test_init_container_forces_tls_offload_before_start(synth_stack):
    stack = synth_stack("meshcentral")
    deployment = stack.k8s("Deployment", "meshcentral", "meshcentral")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    [init] = pod["initContainers"]
    assert init["image"] == "alpine:latest" and init["command"] == ["/bin/sh"]
    script = init["args"][1]
    assert '"TLSOffload": true' in script and "ignoreAgentHashCheck" in script
    assert init["volumeMounts"] == [{"name": "data", "mountPath": "/opt/meshcentral/meshcentral-data"}]
    [app] = pod["containers"]
    assert app["image"] == "typhonragewind/meshcentral:latest"
    assert {e["name"]: e["value"] for e in app["env"]}["ALLOW_NEW_ACCOUNTS"] == "false"
    assert {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]} == {
        "data": "meshcentral-data-encrypted", "files": "meshcentral-files-encrypted",
        "backups": "meshcentral-backups-host"}
    assert "spec.template.spec.initContainers[0].image" in deployment["options"]["ignoreChanges"]
    service = stack.k8s("Service", "meshcentral", "meshcentral")["inputs"]["spec"]
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 443, "protocol": "TCP"}]
    pv = stack.k8s("PersistentVolume", "meshcentral-backups-host")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"]["share"] == "/srv/nfs/meshcentral/meshcentral-backups"
