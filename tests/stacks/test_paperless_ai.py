"""paperless-ai: the objects an outage would be about."""

from components import constants as c


def test_app_keeps_its_encrypted_claim_and_vault_secrets(synth_stack):
    stack = synth_stack("paperless-ai")
    deployment = stack.k8s("Deployment", "paperless-ai", "paperless-ai")["inputs"]
    spec = deployment["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == {"fsGroup": 1000}
    container = pod["containers"][0]
    assert container["image"] == "docker.io/clusterzx/paperless-ai:3.0.9"
    assert container["resources"]["limits"] == {"memory": "8Gi"}
    env = {e["name"]: e for e in container["env"]}
    assert env["PAPERLESS_API_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "paperless-ai-secrets",
                                                                       "key": "paperless_api_token"}
    assert env["RAG_SERVICE_URL"]["value"] == "http://localhost:8000"
    assert container["startupProbe"]["tcpSocket"] == {"port": 3000}
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "paperless-ai-data-encrypted"
    claim = stack.k8s("PersistentVolumeClaim", "paperless-ai-data-encrypted", "paperless-ai")["inputs"]
    assert claim["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "10Gi"
    es = stack.k8s("ExternalSecret", "paperless-ai-secrets", "paperless-ai")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "paperless-ai"}}]


def test_ingress_is_behind_forward_auth(synth_stack):
    stack = synth_stack("paperless-ai")
    ingress = stack.k8s("Ingress", "paperless-ai", "paperless-ai")["inputs"]
    assert ingress["spec"]["rules"][0]["host"] == "paperless-ai.viktorbarzin.me"
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"


def test_nightly_rag_refresh(synth_stack):
    stack = synth_stack("paperless-ai")
    spec = stack.k8s("CronJob", "rag-index-refresh", "paperless-ai")["inputs"]["spec"]
    assert spec["schedule"] == "30 4 * * *" and spec["concurrencyPolicy"] == "Forbid"
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 2)
    job = spec["jobTemplate"]
    assert job["metadata"] == {} and job["spec"]["backoffLimit"] == 1
    container = job["spec"]["template"]["spec"]["containers"][0]
    script = container["command"][2]
    assert "http://paperless-ai.paperless-ai.svc.cluster.local/api/rag/index" in script
    assert 'x-api-key: ${API_KEY}' in script and """-d '{"force":false}'""" in script
    assert container["env"][0]["valueFrom"]["secretKeyRef"] == {"name": "paperless-ai-secrets", "key": "api_key"}
