"""ebooks: the objects an outage would be about."""


def _env(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def test_calibre_keeps_its_config_claim_and_smtp_seeder(synth_stack):
    stack = synth_stack("ebooks")
    claim = stack.k8s("PersistentVolumeClaim", "ebooks-calibre-config-proxmox", "ebooks")
    assert claim["inputs"]["spec"]["resources"]["requests"]["storage"] == "2Gi"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "10Gi"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/increase"] == "50%"
    assert claim["options"]["protect"] and claim["options"]["retainOnDelete"]
    assert claim["options"]["ignoreChanges"] == ["spec.resources.requests"]
    pod = stack.k8s("Deployment", "calibre-web-automated", "ebooks")["inputs"]["spec"]["template"]["spec"]
    init = pod["initContainers"][0]
    assert init["name"] == "seed-smtp-password" and init["command"][:2] == ["python3", "-c"]
    assert init["securityContext"] == {"runAsUser": 1000, "runAsGroup": 1000}
    assert _env(pod["containers"][0])["NETWORK_SHARE_MODE"] == "true"
    assert {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]} == {
        "library": "ebooks-calibre-library-host", "config": "ebooks-calibre-config-proxmox",
        "ingest": "ebooks-calibre-ingest-host"}
    service = stack.k8s("Service", "calibre", "ebooks")["inputs"]
    assert service["spec"]["selector"] == {"app": "calibre-web-automated"}
    assert service["metadata"]["labels"] == {"app": "calibre"}


def test_ingress_auth_postures(synth_stack):
    stack = synth_stack("ebooks")
    auth = {name: stack.k8s("Ingress", name, "ebooks")["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/auth"]
            for name in ("calibre", "stacks", "audiobookshelf", "book-search", "book-search-api")}
    assert auth == {"calibre": "required", "stacks": "required", "audiobookshelf": "app",
                    "book-search": "required", "book-search-api": "none"}
    api = stack.k8s("Ingress", "book-search-api", "ebooks")["inputs"]["spec"]["rules"][0]
    assert api["host"] == "book-search.viktorbarzin.me"
    assert [p["path"] for p in api["http"]["paths"]] == [
        "/api/download-url", "/api/download-status", "/api/send-to-kindle", "/shortcut"]
    widget = stack.k8s("Ingress", "audiobookshelf", "ebooks")["inputs"]["metadata"]["annotations"]
    assert widget["gethomepage.dev/widget.key"] == "[secret]"


def test_book_search_and_goodreads_sync(synth_stack):
    stack = synth_stack("ebooks")
    container = stack.k8s("Deployment", "book-search", "ebooks")["inputs"]["spec"]["template"]["spec"]["containers"][0]
    env = _env(container)
    assert env["SMTP_HOST"] == "mailserver.mailserver.svc.cluster.local"
    assert env["MAM_ID"] == {"secretKeyRef": {"name": "servarr-secrets", "key": "mam_id", "optional": True}}
    assert env["GOODREADS_SHELF_ID"] == "6"
    sync = stack.k8s("Deployment", "goodreads-sync", "ebooks")["inputs"]["spec"]
    assert sync["strategy"] == {"type": "Recreate"}
    sync_container = sync["template"]["spec"]["containers"][0]
    assert sync_container["envFrom"] == [{"secretRef": {"name": "goodreads-sync-db-creds"}}]
    assert "HTTPS_PROXY" not in _env(sync_container)
    es = stack.k8s("ExternalSecret", "goodreads-sync-db-creds", "ebooks")["inputs"]["spec"]
    assert es["secretStoreRef"]["name"] == "vault-database"
    assert es["data"][0]["remoteRef"] == {"key": "database/static-creds/pg-goodreads-sync", "property": "password"}
    assert es["target"]["template"]["data"]["GOODREADS_DATABASE_URL"] == (
        "postgresql://goodreads_sync:{{ .password }}@postgresql.dbaas.svc.cluster.local:5432/goodreads_sync")
