"""n8n: the database wiring, its encrypted volume and the exec grant it owns in openclaw."""

from pathlib import Path

from components import constants as c
from tools.ops.repo import load_stack_meta

REPO_ROOT = Path(__file__).resolve().parents[2]

NS = "n8n"


def _container(stack):
    return stack.k8s("Deployment", "n8n", NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]


def test_exec_grant_into_openclaw_is_owned_here_and_narrow(synth_stack):
    stack = synth_stack(NS)
    role = stack.k8s("Role", "n8n-openclaw-exec", "openclaw")["inputs"]
    assert [(r["resources"], r["verbs"]) for r in role["rules"]] == [(["pods"], ["get", "list"]), (["pods/exec"], ["create"])]
    binding = stack.k8s("RoleBinding", "n8n-openclaw-exec", "openclaw")["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "n8n", "namespace": "n8n"}]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "n8n-openclaw-exec"}
    stack.k8s("ServiceAccount", "n8n", NS)
    pod = stack.k8s("Deployment", "n8n", NS)["inputs"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "n8n"


def test_openclaw_applies_first():
    assert "openclaw" in load_stack_meta(REPO_ROOT, "n8n").depends_on


def test_postgres_env_and_the_single_live_domain_name(synth_stack):
    container = _container(synth_stack(NS))
    env = {e["name"]: e for e in container["env"]}
    assert len(env) == len(container["env"]), "an env name is declared twice"
    assert env["DB_POSTGRESDB_HOST"]["value"] == "pg-cluster-rw.dbaas.svc.cluster.local"
    assert env["DB_POSTGRESDB_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "n8n-secrets", "key": "db_password"}
    assert env["DOMAIN_NAME"]["value"] == "n8n"
    assert env["WEBHOOK_URL"]["value"] == "https://n8n.viktorbarzin.me"
    assert env["TELEGRAM_CHAT_ID"]["valueFrom"]["secretKeyRef"] == {"name": "instagram-pipeline-secrets", "key": "telegram_chat_id"}
    assert container["image"] == "docker.n8n.io/n8nio/n8n:1.80.5"
    assert container["resources"] == {"requests": {"cpu": "25m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}}


def test_data_on_an_autoresized_encrypted_claim(synth_stack):
    stack = synth_stack(NS)
    claim = stack.k8s("PersistentVolumeClaim", "n8n-data-encrypted", NS)
    assert claim["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "5Gi"
    assert {"name": "data", "mountPath": "/home/node/.n8n"} in _container(stack)["volumeMounts"]


def test_ingress_is_open_for_webhooks(synth_stack):
    ingress = synth_stack(NS).k8s("Ingress", "n8n", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "none"
    assert ingress["spec"]["rules"][0]["host"] == "n8n.viktorbarzin.me"
