"""headscale: the objects an outage would be about (control plane, peer ports, ACL, probe)."""


def test_control_plane_pod_keeps_image_config_and_encrypted_data(synth_stack):
    stack = synth_stack("headscale")
    deployment = stack.k8s("Deployment", "headscale", "headscale")["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    annotations = deployment["metadata"]["annotations"]
    assert annotations["keel.sh/policy"] == "patch" and annotations["keel.sh/pollSchedule"] == "@every 1h"
    server, ui = deployment["spec"]["template"]["spec"]["containers"]
    assert server["image"] == "headscale/headscale:0.29.3" and server["command"] == ["headscale", "serve"]
    assert server["readinessProbe"]["httpGet"] == {"path": "/health", "port": 8080}
    assert ui["image"].startswith("ghcr.io/gurucomputing/headscale-ui@sha256:015f5ba0")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert volumes["nfs-config"]["persistentVolumeClaim"]["claimName"] == "headscale-data-encrypted"
    assert [i["key"] for i in volumes["config-volume"]["configMap"]["items"]] == ["config.yaml", "acl.yaml", "derp.yaml"]
    claim = stack.k8s("PersistentVolumeClaim", "headscale-data-encrypted", "headscale")["inputs"]
    assert claim["spec"]["storageClassName"] == "proxmox-lvm-encrypted"


def test_peer_and_stun_ports_on_the_shared_address(synth_stack):
    stack = synth_stack("headscale")
    service = stack.k8s("Service", "headscale-server", "headscale")
    spec = service["inputs"]["spec"]
    assert spec["type"] == "LoadBalancer" and spec["externalTrafficPolicy"] == "Cluster"
    assert [(p["port"], p["protocol"]) for p in spec["ports"]] == [(41641, "UDP"), (3479, "UDP")]
    annotations = service["inputs"]["metadata"]["annotations"]
    assert annotations["metallb.io/loadBalancerIPs"] == "10.0.20.200"
    assert annotations["metallb.io/allow-shared-ip"] == "shared"
    assert 'metadata.annotations["metallb.io/ip-allocated-from-pool"]' in service["options"]["ignoreChanges"]


def test_clients_reach_the_api_and_derp_without_forward_auth(synth_stack):
    stack = synth_stack("headscale")
    api = stack.k8s("Ingress", "headscale", "headscale")["inputs"]
    assert api["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "app"
    assert api["spec"]["rules"][0]["host"] == "headscale.viktorbarzin.me"
    ui = stack.k8s("Ingress", "headscale-ui", "headscale")["inputs"]
    assert "authentik" in ui["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"]
    assert [p["path"] for p in ui["spec"]["rules"][0]["http"]["paths"]] == ["/web"]
    derp = stack.k8s("IngressRoute", "headscale-derp", "headscale")["inputs"]["spec"]["routes"][0]
    assert derp["match"] == "Host(`headscale.viktorbarzin.me`) && PathPrefix(`/derp`)"
    assert [m["name"] for m in derp["middlewares"]] == ["retry", "rate-limit"]


def test_acl_comes_from_the_brought_over_file(synth_stack):
    stack = synth_stack("headscale")
    data = stack.k8s("ConfigMap", "headscale-config", "headscale")["inputs"]["data"]
    assert "PLACEHOLDER" in data["acl.yaml"] and "acl.hujson" in data["acl.yaml"]


def test_backup_and_probe_schedules(synth_stack):
    stack = synth_stack("headscale")
    backup = stack.k8s("CronJob", "headscale-backup", "headscale")["inputs"]["spec"]
    assert backup["schedule"] == "0 */6 * * *" and backup["concurrencyPolicy"] == "Replace"
    pod = backup["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"] \
        == "kubernetes.io/hostname"
    assert {v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]} == {
        "headscale-data-encrypted", "headscale-data-host"}
    probe = stack.k8s("CronJob", "tailscale-subnet-router-probe", "headscale")["inputs"]["spec"]
    assert probe["schedule"] == "7 */6 * * *" and probe["startingDeadlineSeconds"] == 600
    pod = probe["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["initContainers"][0]["image"] == "ghcr.io/tailscale/tailscale:v1.86.2"
    assert pod["initContainers"][0]["env"][0]["valueFrom"]["secretKeyRef"]["name"] == "headscale-probe-preauthkey"
    key = stack.k8s("ExternalSecret", "headscale-probe-preauthkey", "headscale")["inputs"]["spec"]
    assert key["data"] == [{"secretKey": "TS_AUTHKEY",
                            "remoteRef": {"key": "platform", "property": "headscale_probe_preauthkey"}}]


def test_dashboard_in_monitoring(synth_stack):
    stack = synth_stack("headscale")
    cm = stack.k8s("ConfigMap", "grafana-headscale-dashboard", "monitoring")["inputs"]
    assert cm["metadata"]["labels"] == {"grafana_dashboard": "1"}
    assert cm["metadata"]["annotations"] == {"grafana_folder": "Networking"}
