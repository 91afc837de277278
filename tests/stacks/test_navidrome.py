"""navidrome: the objects an outage would be about."""



def test_ingress_is_app_auth_without_forward_auth(synth_stack):
    ingress = synth_stack("navidrome").k8s("Ingress", "navidrome", "navidrome")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "app" and annotations["infra.viktorbarzin.me/auth-reason"]
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert "traefik-authentik-forward-auth@kubernetescrd" not in chain and "traefik-rate-limit@kubernetescrd" in chain
    assert ingress["spec"]["rules"][0]["host"] == "navidrome.viktorbarzin.me"
    assert annotations["gethomepage.dev/widget.token"] == "[secret]"


def test_libraries_mount_read_only_from_nfs(synth_stack):
    stack = synth_stack("navidrome")
    shares = {
        "navidrome-music": {"server": "192.168.1.13", "share": "/volume1/music"},
        "navidrome-lidarr-host": {"server": "192.168.1.127", "share": "/srv/nfs/servarr/lidarr"},
        "navidrome-freedify-host": {"server": "192.168.1.127", "share": "/srv/nfs/freedify-music"},
    }
    for name, attributes in shares.items():
        assert stack.k8s("PersistentVolume", name)["inputs"]["spec"]["csi"]["volumeAttributes"] == attributes
        assert stack.k8s("PersistentVolumeClaim", name, "navidrome")["options"]["retainOnDelete"]
    pod = stack.k8s("Deployment", "navidrome", "navidrome")["inputs"]["spec"]["template"]["spec"]
    mounts = {m["name"]: m for m in pod["containers"][0]["volumeMounts"]}
    assert all(mounts[n].get("readOnly") for n in ("music", "lidarr", "freedify"))
    assert pod["containers"][0]["image"] == "deluan/navidrome:latest"


def test_database_claim_is_proxmox_and_resizable(synth_stack):
    pvc = synth_stack("navidrome").k8s("PersistentVolumeClaim", "navidrome-data-proxmox", "navidrome")
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm"
    assert pvc["inputs"]["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert pvc["options"]["ignoreChanges"] == ["spec.resources.requests"]
    assert pvc["options"]["protect"]


def test_secrets_come_from_vault(synth_stack):
    es = synth_stack("navidrome").k8s("ExternalSecret", "navidrome-secrets", "navidrome")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "navidrome"}}]
