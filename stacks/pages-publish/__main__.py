"""pages-publish: bearer-token API that renders markdown into the monorepo's pages/ and pushes it."""

import pulumi

from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components import constants as c
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "pages-publish"
SECRETS = "pages-publish-secrets"
HEALTH = {"http_get": {"path": "/health", "port": 8080}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Vault secret/pages-publish: api_keys ({user: token}; the user names are the pages/<user>
# directories the learn site serves) and deploy_key (read-write SSH key for the monorepo).
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(
    namespace=NS,
    refresh_interval="1h",
    data=[SecretKey(secret_key="PAGES_API_KEYS", key="pages-publish", property="api_keys"),
          SecretKey(secret_key="deploy_key", key="pages-publish", property="deploy_key")],
), opts=ns_opts)

WebApp("pages-publish", WebAppArgs(
    namespace=NS,
    keel=True,
    annotations={"keel.sh/policy": "force", "keel.sh/trigger": "poll", "keel.sh/pollSchedule": "@every 5m",
                 "keel.sh/match-tag": "true"},
    # Without match-tag Keel watches for new tags, which this :latest-only repo never
    # publishes; Kyverno strips it fleet-wide, so `up` must be able to put it back.
    keel_enforced_annotations=["keel.sh/match-tag"],
    # Kyverno copies the namespace tier onto the Deployment.
    ignore_changes=['metadata.labels["tier"]'],
    strategy="Recreate",  # one writer for the per-pod clone in /repo
    pod_spec={
        # fsGroup: the emptyDir clone is writable and the root-owned 0400 key readable by uid 10001.
        "security_context": {"run_as_user": 10001, "run_as_group": 10001, "fs_group": 10001},
        "image_pull_secrets": [{"name": "ghcr-credentials"}],
    },
    containers=[{
        "name": "pages-publish",
        "image": "ghcr.io/viktorbarzin/pages-publish:latest",
        "ports": [{"container_port": 8080}],
        "env": [
            # Only the API keys become env; the deploy key stays a file.
            *secret_env(SECRETS, {"PAGES_API_KEYS": "PAGES_API_KEYS"}),
            *env({"REPO_DIR": "/repo", "DEPLOY_KEY_PATH": "/etc/pages-deploy/id_ed25519"}),
        ],
        "liveness_probe": {**HEALTH, "initial_delay_seconds": 10, "period_seconds": 30},
        "readiness_probe": {**HEALTH, "initial_delay_seconds": 5, "period_seconds": 10},
        "volume_mounts": [
            {"name": "repo", "mount_path": "/repo"},
            {"name": "deploy-key", "mount_path": "/etc/pages-deploy", "read_only": True},
        ],
        "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    volumes=[
        {"name": "repo", "empty_dir": {}},
        # ssh refuses a key readable by others: project only deploy_key, mode 0400.
        {"name": "deploy-key", "secret": {"secret_name": SECRETS, "default_mode": 0o400,
                                          "items": [{"key": "deploy_key", "path": "id_ed25519"}]}},
    ],
    service_ports=[{"port": 8080, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, secrets]))

ingress = IngressFactory("pages-publish", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="none",
    auth_reason="bearer-token publishing API: every request carries a per-user token the service checks; "
                "its command-line clients cannot follow an Authentik login",
    dns_type="proxied",
    port=8080,
    extra_annotations={"gethomepage.dev/description": "Publishing API behind pages.viktorbarzin.me"},
), opts=ns_opts)

pulumi.export("host", ingress.host)
