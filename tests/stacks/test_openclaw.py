"""openclaw: the gateway pod's shape (8 init containers, 4 containers, its volumes), the
settings file, the grants, the CronJobs and what this stack must not declare."""

import json
from pathlib import Path

from components.payload import PLACEHOLDER_MARKER

NS = "openclaw"
STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "openclaw"
INIT = ["fix-workspace-perms", "copy-config", "setup-kubeconfig", "install-recruiter-plugin",
        "remove-nextcloud-todos-plugin", "install-host-tools", "setup-ssh-config", "seed-devvm-memory-note"]


def _pod(stack, name="openclaw"):
    return stack.k8s("Deployment", name, NS)["inputs"]["spec"]["template"]["spec"]


def test_gateway_pod_init_order_containers_and_images(synth_stack):
    stack = synth_stack(NS)
    deployment = stack.k8s("Deployment", "openclaw", NS)["inputs"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    pod = deployment["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["initContainers"]] == INIT
    images = {c["name"]: c["image"] for c in pod["containers"]}
    assert images == {"openclaw": "ghcr.io/openclaw/openclaw:2026.2.26",
                      "playwright-mcp": "docker.io/viktorbarzin/playwright-mcp:v1",
                      "openclaw-exporter": "docker.io/library/python:3.12-slim",
                      "modelrelay": "docker.io/library/node:22-alpine"}
    assert pod["serviceAccountName"] == "openclaw"
    assert pod["imagePullSecrets"] == [{"name": "ghcr-credentials"}]
    # Every script is a bring-over payload (a placeholder offline).
    assert pod["initContainers"][5]["command"][:2] == ["bash", "-c"]
    assert pod["initContainers"][7]["command"][2].startswith(PLACEHOLDER_MARKER)
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == "9099"


def test_gateway_volumes_and_mounts(synth_stack):
    pod = _pod(synth_stack(NS))
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["tools"]["persistentVolumeClaim"]["claimName"] == "openclaw-tools-host"
    assert volumes["workspace"]["persistentVolumeClaim"]["claimName"] == "openclaw-workspace-host"
    assert volumes["openclaw-home"]["persistentVolumeClaim"]["claimName"] == "openclaw-home-proxmox"
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "openclaw-data-proxmox"
    assert volumes["ssh-key"]["secret"] == {"secretName": "ssh-key", "defaultMode": 0o600}
    assert volumes["openclaw-exporter-script"]["configMap"] == {"name": "openclaw-exporter", "defaultMode": 0o555}
    gateway = pod["containers"][0]
    assert gateway["ports"] == [{"containerPort": 18789}]
    assert {m["mountPath"] for m in gateway["volumeMounts"]} == {"/tools", "/workspace", "/data", "/ssh", "/home/node/.openclaw"}
    env = {e["name"]: e for e in gateway["env"]}
    assert env["RECRUITER_RESPONDER_TOKEN"]["valueFrom"]["secretKeyRef"]["optional"] is True
    assert env["MEMORY_API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "openclaw-secrets", "key": "claude_memory_api_key"}


def test_settings_file_is_jsonencode_shaped(synth_stack):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gateway_config", STACK_DIR / "gateway_config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render({key: f"<{key}>" for key in module.SECRET_FIELDS})
    settings = json.loads(text)
    assert settings["agents"]["defaults"]["model"]["primary"] == "nim/meta/llama-3.1-70b-instruct"
    assert settings["channels"]["telegram"]["allowFrom"] == ["tg:8281953845"]
    assert settings["models"]["providers"]["nim"]["apiKey"] == "<nvidia_api_key>"
    assert len(settings["agents"]["defaults"]["models"]) == 15
    assert '"contextTokens":1000000' in text and "\\u003c" in text  # Go's HTML-safe escapes, as jsonencode
    # The ConfigMap holds it as a secret (never shown in the preview).
    synth_stack(NS).k8s("ConfigMap", "openclaw-config", NS)


def test_grants(synth_stack):
    stack = synth_stack(NS)
    admin = stack.k8s("ClusterRoleBinding", "openclaw-cluster-admin")["inputs"]
    assert admin["roleRef"]["name"] == "cluster-admin"
    assert admin["subjects"] == [{"kind": "ServiceAccount", "name": "openclaw", "namespace": NS}]
    reader = stack.k8s("Role", "ha-tokens-reader", NS)["inputs"]
    assert reader["rules"] == [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["ha-tokens"], "verbs": ["get"]}]
    binding = stack.k8s("RoleBinding", "ha-tokens-reader", NS)["inputs"]
    assert binding["subjects"] == [{"kind": "Group", "name": "Home Server Admins", "apiGroup": "rbac.authorization.k8s.io"}]
    jobs = stack.k8s("Role", "task-webhook-job-creator", NS)["inputs"]
    assert jobs["rules"][0]["resources"] == ["jobs", "cronjobs"]
    # n8n owns its exec Role in this namespace.
    assert not [r for r in stack.resources if "n8n-openclaw-exec" in r.get("urn", "")]


def test_cronjobs(synth_stack):
    stack = synth_stack(NS)
    processor = stack.k8s("CronJob", "task-processor", NS)["inputs"]["spec"]
    assert processor["schedule"] == "*/5 * * * *" and processor["suspend"] is True
    assert processor["concurrencyPolicy"] == "Forbid" and processor["failedJobsHistoryLimit"] == 3
    sync = stack.k8s("CronJob", "memory-sync", NS)["inputs"]["spec"]
    assert sync["schedule"] == "0 3 * * *"
    pod = sync["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "cluster-healthcheck"
    assert pod["containers"][0]["image"] == "bitnami/kubectl:latest"


def test_git_crypt_key_is_a_secret_and_openlobster_is_parked(synth_stack):
    stack = synth_stack(NS)
    stack.k8s("Secret", "git-crypt-key", NS)
    lobster = stack.k8s("Deployment", "openlobster", NS)["inputs"]["spec"]
    assert lobster["replicas"] == 0
