"""servarr: the objects an outage would be about."""

import pytest


@pytest.mark.parametrize("name,host_ns", [("prowlarr", "servarr"), ("qbittorrent", "servarr"),
                                          ("flaresolverr", "servarr"), ("listenarr", "servarr")])
def test_admin_uis_stay_behind_authentik(synth_stack, name, host_ns):
    ingress = synth_stack("servarr").k8s("Ingress", name, host_ns)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    assert ingress["spec"]["rules"][0]["host"] == f"{name}.viktorbarzin.me"


def test_aiostreams_ingress_is_app_auth_for_stremio(synth_stack):
    annotations = synth_stack("servarr").k8s("Ingress", "aiostreams", "aiostreams")["inputs"]["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"


def test_qbittorrent_dns_and_widget_credentials(synth_stack):
    annotations = synth_stack("servarr").k8s("Ingress", "qbittorrent", "servarr")["inputs"]["metadata"]["annotations"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "non-proxied"
    assert annotations["gethomepage.dev/widget.username"] == "[secret]"
    assert annotations["gethomepage.dev/widget.password"] == "[secret]"


def test_data_claims_are_protected(synth_stack):
    stack = synth_stack("servarr")
    for name, ns in [("servarr-prowlarr-data-proxmox", "servarr"), ("servarr-qbittorrent-data-proxmox", "servarr"),
                     ("servarr-listenarr-data-proxmox", "servarr"), ("aiostreams-data-proxmox", "aiostreams")]:
        claim = stack.k8s("PersistentVolumeClaim", name, ns)
        assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
        assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
        assert claim["options"]["protect"]
    share = stack.k8s("PersistentVolume", "servarr-mam-farming-data")["inputs"]["spec"]
    assert share["csi"]["volumeAttributes"]["share"] == "/srv/nfs/servarr/mam-farming"
    assert share["persistentVolumeReclaimPolicy"] == "Retain"


def test_qbittorrent_workload_and_peer_port(synth_stack):
    stack = synth_stack("servarr")
    pod = stack.k8s("Deployment", "qbittorrent", "servarr")["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "lscr.io/linuxserver/qbittorrent:5.1.4"
    assert {e["name"]: e["value"] for e in container["env"]}["TORRENTING_PORT"] == "50000"
    assert [v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]] == [
        "servarr-qbittorrent-data-proxmox", "servarr-qbittorrent-downloads-host",
        "servarr-qbittorrent-audiobooks-host", "servarr-qbittorrent-calibre-ingest-host"]
    lb = stack.k8s("Service", "qbittorrent-torrenting", "servarr")
    assert lb["inputs"]["metadata"]["annotations"]["metallb.io/loadBalancerIPs"] == "10.0.20.200"
    assert lb["inputs"]["spec"]["type"] == "LoadBalancer"
    assert [(p["port"], p["protocol"]) for p in lb["inputs"]["spec"]["ports"]] == [(50000, "TCP"), (50000, "UDP")]


def test_cronjobs_schedules_and_suspension(synth_stack):
    stack = synth_stack("servarr")
    expected = {
        ("qbittorrent-ratio-monitor", "servarr"): ("*/30 * * * *", "Replace", None),
        ("mam-freeleech-grabber", "servarr"): ("*/30 * * * *", "Forbid", True),
        ("mam-bp-spender", "servarr"): ("15 */6 * * *", "Forbid", True),
        ("mam-farming-janitor", "servarr"): ("*/15 * * * *", "Forbid", None),
        ("aiostreams-stream-probe", "aiostreams"): ("*/5 * * * *", "Replace", True),
        ("aiostreams-config-backup", "aiostreams"): ("0 3 * * 0", "Forbid", None),
        ("stremio-account-backup", "aiostreams"): ("0 4 * * 0", "Forbid", None),
    }
    for (name, ns), (schedule, concurrency, suspend) in expected.items():
        spec = stack.k8s("CronJob", name, ns)["inputs"]["spec"]
        assert (spec["schedule"], spec["concurrencyPolicy"], spec.get("suspend")) == (schedule, concurrency, suspend), name
    janitor = stack.k8s("CronJob", "mam-farming-janitor", "servarr")["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert janitor["containers"][0]["env"] == [{"name": "DRY_RUN", "value": "0"}]
    grabber = stack.k8s("CronJob", "mam-freeleech-grabber", "servarr")["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert grabber["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"] == {"name": "servarr-secrets", "key": "mam_id"}


def test_external_secrets(synth_stack):
    stack = synth_stack("servarr")
    es = stack.k8s("ExternalSecret", "servarr-secrets", "servarr")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "servarr"}}]
    probe = stack.k8s("ExternalSecret", "aiostreams-probe-secrets", "aiostreams")["inputs"]
    assert [d["secretKey"] for d in probe["spec"]["data"]] == [
        "AIOSTREAMS_UUID", "AIOSTREAMS_PASSWORD", "STREMIO_EMAIL", "STREMIO_PASSWORD"]
    namespace = stack.k8s("Namespace", "aiostreams")["inputs"]["metadata"]["labels"]
    assert "tier" not in namespace and namespace["istio-injection"] == "disabled"
