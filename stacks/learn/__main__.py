"""Published pages (pages.<domain>, plans.<domain> redirects there): Caddy serving a git-synced monorepo tree."""

from pathlib import Path

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

HERE = Path(__file__).parent
settings = ClusterSettings.load()
NS = "learn"
GIT_USER = 65533  # git-sync's user; fsGroup lets it read the 0400 deploy key
SMALL = {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "128Mi"}}

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"istio-injection": "disabled"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Read-only deploy key of the monorepo and GitHub's host keys, at git-sync's default paths.
git_creds = ExternalSecret("learn-git-creds", ExternalSecretArgs(
    namespace=NS, refresh_interval="1h",
    data=[SecretKey(secret_key="ssh", key="learn", property="ssh"),
          SecretKey(secret_key="known_hosts", key="learn", property="known_hosts")],
), opts=ns_opts)

# Routes by Host and by the Authentik user header; its hash rolls the pod (a ConfigMap mount does not).
caddyfile = PayloadConfigMap("learn-caddyfile", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"Caddyfile": "Caddyfile"},
    hash_annotation="viktorbarzin.me/caddyfile-sha", hash_algorithm="sha1",
), opts=ns_opts)

WebApp("learn", WebAppArgs(
    namespace=NS,
    # Always on (not Sablier-enrolled): the pages are opened on the go and must load at once.
    keel=True,
    keel_containers=(0, 1),
    # Kyverno copies the namespace tier onto the Deployment.
    ignore_changes=['metadata.labels["tier"]'],
    pod_annotations=caddyfile.pod_annotations,
    pod_spec={"security_context": {"fs_group": GIT_USER}},
    containers=[
        {
            "name": "git-sync",
            "image": "registry.k8s.io/git-sync/git-sync:v4.7.0",
            "args": ["--repo=git@github.com:ViktorBarzin/monorepo.git", "--ref=master", "--period=30s",
                     "--depth=1", "--root=/repo/src", "--link=current"],
            "security_context": {"run_as_user": GIT_USER},
            "volume_mounts": [{"name": "repo", "mount_path": "/repo"},
                              {"name": "git-secret", "mount_path": "/etc/git-secret", "read_only": True}],
            "resources": SMALL,
        },
        {
            "name": "caddy",
            "image": "docker.io/library/caddy:2.10.2-alpine",
            "ports": [{"container_port": 8080, "name": "http"}],
            "volume_mounts": [{"name": "repo", "mount_path": "/repo", "read_only": True},
                              {"name": "caddyfile", "mount_path": "/etc/caddy", "read_only": True}],
            "readiness_probe": {"http_get": {"path": "/healthz", "port": 8080},
                                "initial_delay_seconds": 5, "period_seconds": 10, "failure_threshold": 6},
            "resources": SMALL,
        },
    ],
    volumes=[
        {"name": "repo", "empty_dir": {}},
        # SSH refuses a key readable by others.
        {"name": "git-secret", "secret": {"secret_name": git_creds.secret_name, "default_mode": 0o400}},
        caddyfile.volume("caddyfile"),
    ],
    service_ports=[{"name": "http", "port": 80, "target_port": 8080}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, git_creds]))

pages = IngressFactory("pages", IngressArgs.on_cluster(
    settings,
    namespace=NS, service_name="learn", auth="required", dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Pages",
        "gethomepage.dev/description": "Published pages — plans/specs/designs (git-backed)",
        "gethomepage.dev/icon": "mdi-file-document-multiple",
        "gethomepage.dev/group": "Productivity",
        "gethomepage.dev/pod-selector": "app=learn",
    },
), opts=ns_opts)
# The former host name; Caddy answers it with a redirect to pages.
IngressFactory("plans", IngressArgs.on_cluster(
    settings,
    namespace=NS, service_name="learn", auth="required", dns_type="proxied",
    extra_annotations={"gethomepage.dev/enabled": "false"},
), opts=ns_opts)

pulumi.export("host", pages.host)
