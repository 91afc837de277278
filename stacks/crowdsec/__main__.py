"""CrowdSec (Tier 1): LAPI and log-parsing agents from the chart, the local scenarios and
whitelists they mount, the nftables firewall bouncer on every node, the decisions UI
behind Authentik, and the daily public-blocklist import."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import yaml

from components.constants import KUBECTL_IMAGE
from components.helm import HelmRelease, HelmReleaseArgs
from components.kubectl_job import KubectlJob, KubectlJobArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs, Quota
from components.payload import load_payload
from components.scheduled_job import ScheduledJobArgs
from components.secret_inputs import vault_field, vault_json_field
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import deployment_ignore_changes, env, secret_env
from components.workload_rbac import Rule
from crowdsec_values import GPU_TOLERATION, TIER_PRIORITY_CLASS, crowdsec_values

settings = ClusterSettings.load()
HERE = Path(__file__).resolve().parent
NS = "crowdsec"
TIER = settings.tier("cluster")
LAPI_URL = "http://crowdsec-service.crowdsec.svc.cluster.local:8080"
# Keel's annotations and image tag, Kyverno's dnsConfig: owned by cluster controllers.
CONTROLLER_OWNED = deployment_ignore_changes(keel=True)


def platform_secret(key: str) -> pulumi.Output[str]:
    """A field of Vault secret/platform, read at deploy time."""
    return vault_field("platform", key)


# --- namespace, certificate, quota ----------------------------------------------------------
namespace = Namespace(NS, NamespaceArgs(
    tier=TIER, labels={"keel.sh/enrolled": "true"},
    # Agents on every node, three LAPI replicas and the UI need more than the tier default.
    quota=Quota(hard={"requests.cpu": "4", "requests.memory": "8Gi", "limits.memory": "16Gi", "pods": "30"}),
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# --- agent configuration mounted by the chart (see crowdsec_values.agent.extraVolumes) -------
def agent_config_map(name: str, files: dict[str, str]) -> k8s.core.v1.ConfigMap:
    return k8s.core.v1.ConfigMap(
        name,
        metadata={"name": name, "namespace": NS, "labels": {"app.kubernetes.io/name": "crowdsec"}},
        data={key: load_payload(HERE, path) for key, path in files.items()},
        opts=ns_opts,
    )


agent_config = [
    agent_config_map("crowdsec-custom-scenarios", {
        f: f"scenarios/{f}"
        for f in ("http-403-abuse.yaml", "http-probing.yaml", "http-crawl-non_statics.yaml", "http-429-abuse.yaml")
    }),
    agent_config_map("crowdsec-whitelist", {"whitelist.yaml": "whitelist.yaml"}),
    agent_config_map("crowdsec-syslog-acquisition", {"syslog.yaml": "syslog.yaml"}),
]

# --- the chart: LAPI, agents, Metabase dashboard --------------------------------------------
homepage = vault_json_field("platform", "homepage_credentials",
                            placeholder={"crowdsec": {"username": "PLACEHOLDER", "password": "PLACEHOLDER"}})
release = HelmRelease("crowdsec", HelmReleaseArgs(
    namespace=NS,
    repository="https://crowdsecurity.github.io/helm-charts",
    chart="crowdsec",
    version="0.21.0",
    timeout=1200,
    create_namespace=True,
    values=crowdsec_values(
        db_password=platform_secret("crowdsec_db_password"),
        traefik_bouncer_key=platform_secret("traefik_bouncer_key"),
        firewall_bouncer_key=platform_secret("firewall_bouncer_key"),
        slack_webhook_url=platform_secret("alertmanager_slack_api_url"),
        homepage_username=pulumi.Output.secret(homepage.apply(lambda h: h["crowdsec"]["username"])),
        homepage_password=pulumi.Output.secret(homepage.apply(lambda h: h["crowdsec"]["password"])),
        postgresql_host=settings.postgresql_host,
    ),
), opts=pulumi.ResourceOptions(depends_on=[namespace, *agent_config]))

# pfSense ships its firewall log to any node on 30514/udp; the agents parse it.
k8s.core.v1.Service(
    "crowdsec-syslog",
    metadata={"name": "crowdsec-syslog", "namespace": NS, "labels": {"app": "crowdsec-syslog"}},
    spec={
        "type": "NodePort",
        "selector": {"k8s-app": "crowdsec", "type": "agent"},
        "ports": [{"name": "syslog-udp", "port": 514, "target_port": 514, "node_port": 30514, "protocol": "UDP"}],
    },
    opts=ns_opts,
)

# --- firewall bouncer: nftables drops on every node ------------------------------------------
BOUNCER = "crowdsec-firewall-bouncer"
BOUNCER_VERSION = "v0.0.34"
BOUNCER_DIR = "/opt/firewall-bouncer"
BOUNCER_BIN = f"{BOUNCER_DIR}/crowdsec-firewall-bouncer"
BOUNCER_CONFIG_KEY = "crowdsec-firewall-bouncer.yaml"
BOUNCER_CONFIG_PATH = f"/etc/crowdsec/bouncers/{BOUNCER_CONFIG_KEY}"
BOUNCER_TARBALL = (f"https://github.com/crowdsecurity/cs-firewall-bouncer/releases/download/"
                   f"{BOUNCER_VERSION}/crowdsec-firewall-bouncer-linux-amd64.tgz")


def bouncer_config(api_key: str) -> str:
    """The bouncer's YAML. Hooks on input *and* forward: LoadBalancer traffic is DNAT'd to the
    Traefik pod, so it crosses the forward hook of the node."""
    table = lambda family, suffix: {  # noqa: E731
        "enabled": True, "set-only": False, "table": f"crowdsec{suffix}", "chain": f"crowdsec{suffix}-chain", "priority": -10}
    return yaml.safe_dump({
        "mode": "nftables",
        "update_frequency": "10s",
        "log_mode": "stdout",
        "log_level": "info",
        "api_url": f"{LAPI_URL}/",
        "api_key": api_key,
        "insecure_skip_verify": False,
        "disable_ipv6": False,
        "deny_action": "DROP",
        "deny_log": True,
        "nftables": {"ipv4": table("ipv4", ""), "ipv6": table("ipv6", "6")},
        "nftables_hooks": ["input", "forward"],
    }, sort_keys=False)


bouncer_labels = {"app.kubernetes.io/name": BOUNCER, "tier": TIER}
bouncer_secret = k8s.core.v1.Secret(
    "crowdsec-firewall-bouncer-config",
    metadata={"name": f"{BOUNCER}-config", "namespace": NS, "labels": bouncer_labels,
              "annotations": {"reloader.stakater.com/match": "true"}},
    type="Opaque",
    string_data={BOUNCER_CONFIG_KEY: platform_secret("firewall_bouncer_key").apply(bouncer_config)},
    opts=ns_opts,
)

# The bouncer ships no image: an init container fetches the pinned static binary.
fetch_bouncer = "\n".join([
    "set -eu",
    f'curl -fsSL "{BOUNCER_TARBALL}" -o /tmp/fb.tgz',
    "mkdir -p /tmp/fb-extract",
    "tar -xzf /tmp/fb.tgz -C /tmp/fb-extract",
    f"cp /tmp/fb-extract/*/crowdsec-firewall-bouncer {BOUNCER_BIN}",
    f"chmod +x {BOUNCER_BIN}",
    f"ls -l {BOUNCER_BIN}",
])

k8s.apps.v1.DaemonSet(
    BOUNCER,
    metadata={"name": BOUNCER, "namespace": NS, "labels": bouncer_labels},
    spec={
        "selector": {"match_labels": {"app.kubernetes.io/name": BOUNCER}},
        "template": {
            "metadata": {"labels": bouncer_labels,
                         "annotations": {"secret.reloader.stakater.com/reload": bouncer_secret.metadata["name"]}},
            "spec": {
                "priority_class_name": TIER_PRIORITY_CLASS,
                # The drop rules belong in the node's ruleset, not the pod's network namespace.
                "host_network": True,
                "dns_policy": "ClusterFirstWithHostNet",
                "tolerations": [GPU_TOLERATION],
                "init_containers": [{
                    "name": "fetch-bouncer",
                    "image": "curlimages/curl:8.10.1",
                    "command": ["sh", "-c", fetch_bouncer],
                    "volume_mounts": [{"name": "binary", "mount_path": BOUNCER_DIR}],
                    "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
                }],
                "containers": [{
                    "name": "firewall-bouncer",
                    "image": "debian:bookworm-slim",
                    "command": [BOUNCER_BIN, "-c", BOUNCER_CONFIG_PATH],
                    # Netlink nftables needs these two capabilities, not a privileged pod.
                    "security_context": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
                    "volume_mounts": [
                        {"name": "binary", "mount_path": BOUNCER_DIR, "read_only": True},
                        {"name": "config", "mount_path": BOUNCER_CONFIG_PATH, "sub_path": BOUNCER_CONFIG_KEY,
                         "read_only": True},
                    ],
                    "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                }],
                "volumes": [
                    {"name": "binary", "empty_dir": {}},
                    {"name": "config", "secret": {"secret_name": bouncer_secret.metadata["name"]}},
                ],
            },
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=CONTROLLER_OWNED),
)

# --- decisions UI (unban yourself) ---------------------------------------------------------
# The UI's LAPI machine credentials sit in a Secret the pod references, not as literals in
# the pod spec (SEC-018).
WEB_SECRET = "crowdsec-web-credentials"
web_secret = k8s.core.v1.Secret(
    "crowdsec-web-credentials", metadata={"name": WEB_SECRET, "namespace": NS}, type="Opaque",
    string_data={key: platform_secret(f"crowdsec_dash_{key}")
                 for key in ("api_key", "machine_id", "machine_password")},
    opts=ns_opts)
WebApp("crowdsec-web", WebAppArgs(
    namespace=NS,
    selector={"app": "crowdsec_web"},
    tier=TIER,
    labels={"kubernetes.io/cluster-service": "true"},
    pod_labels={"kubernetes.io/cluster-service": "true"},
    keel=True,
    strategy="RollingUpdate",
    pod_spec={"priority_class_name": TIER_PRIORITY_CLASS,
              "dns_config": {"options": [{"name": "ndots", "value": "2"}]}},
    containers=[{
        "name": "crowdsec-web",
        "image": "viktorbarzin/crowdsec_web",
        "env": env({"CS_API_URL": f"{LAPI_URL}/v1"}) + secret_env(WEB_SECRET, {
            "CS_API_KEY": "api_key", "CS_MACHINE_ID": "machine_id", "CS_MACHINE_PASSWORD": "machine_password"}),
        "ports": [{"name": "http", "container_port": 8000, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "15m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
    }],
    service_ports=[{"port": 80, "target_port": 8000}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, web_secret]))
ingress = IngressFactory("crowdsec-web", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    service_name="crowdsec-web",
    auth="required",
    dns_type="proxied",
    extra_annotations={"gethomepage.dev/description": "CrowdSec decisions and alerts UI",
                       "gethomepage.dev/icon": "crowdsec.png"},
), opts=ns_opts)

# --- daily public-blocklist import (runs inside an agent pod via kubectl exec) --------------
IMPORT = "crowdsec-blocklist-import"
KubectlJob(IMPORT, KubectlJobArgs(
    rules=[Rule(api_groups=[""], resources=["pods"], verbs=["get", "list"]),
           Rule(api_groups=[""], resources=["pods/exec"], verbs=["create"])],
    rbac_moved_from={"service_account": IMPORT, "role": f"{IMPORT}-role", "binding": f"{IMPORT}-binding"},
    job=ScheduledJobArgs(
        namespace=NS,
        schedule="0 4 * * *",
        time_zone="Europe/London",
        successful_jobs_history_limit=3,
        failed_jobs_history_limit=3,
        backoff_limit=3,
        labels={"app": IMPORT, "tier": TIER},
        job_metadata={"labels": {"app": IMPORT}},
        pod_metadata={"labels": {"app": IMPORT}},
        restart_policy="OnFailure",
        containers=[{
            "name": "blocklist-import",
            "image": KUBECTL_IMAGE,
            "command": ["/bin/bash", "-c"],
            "args": [load_payload(HERE, "blocklist-import.sh")],
        }],
        moved_from={"cronjob": IMPORT},
    ),
), opts=ns_opts)

pulumi.export("host", ingress.host)
pulumi.export("release", release.release_name)
