"""offline-reader: the objects an outage would be about."""



def test_main_ingress_is_owner_only(synth_stack):
    ingress = synth_stack("offline-reader").k8s("Ingress", "offline-reader", "offline-reader")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["authentik.viktorbarzin.me/allowed-groups"] == "Home Server Admins"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "offline-reader.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "offline-reader", "port": {"number": 8000}}


def test_ingest_carve_out_is_only_the_ingest_path(synth_stack):
    ingress = synth_stack("offline-reader").k8s("Ingress", "offline-reader-ingest", "offline-reader")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert "cloudflare.viktorbarzin.me/dns-type" not in annotations
    assert annotations["gethomepage.dev/enabled"] == "false"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "offline-reader.viktorbarzin.me"
    assert [p["path"] for p in rule["http"]["paths"]] == ["/api/ingest"]


def test_app_runs_capture_jobs_on_the_nfs_claim(synth_stack):
    stack = synth_stack("offline-reader")
    pod = stack.k8s("Deployment", "offline-reader", "offline-reader")["inputs"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/offline-reader:latest"
    values = {e["name"]: e.get("value") for e in container["env"]}
    assert values["NFS_PVC_CLAIM"] == "offline-reader-pages"
    assert values["SINGLEFILE_IMAGE"] == "ghcr.io/viktorbarzin/offline-reader-capture:latest"
    assert pod["serviceAccountName"] == "offline-reader"
    pv = stack.k8s("PersistentVolume", "offline-reader-pages")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"]["share"] == "/srv/nfs/offline-reader" and pv["capacity"]["storage"] == "50Gi"
    role = stack.k8s("Role", "offline-reader-jobs", "offline-reader")["inputs"]
    assert "create" in role["rules"][0]["verbs"]


def test_ingest_token_from_vault_and_network_policy(synth_stack):
    stack = synth_stack("offline-reader")
    es = stack.k8s("ExternalSecret", "offline-reader-secrets", "offline-reader")["inputs"]["spec"]
    assert es["data"] == [{"secretKey": "INGEST_TOKEN", "remoteRef": {"key": "offline-reader", "property": "ingest_token"}}]
    policy = stack.k8s("NetworkPolicy", "offline-reader-ingress", "offline-reader")["inputs"]["spec"]
    sources = [rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for rule in policy["ingress"]]
    assert sources == ["traefik", "monitoring"]
