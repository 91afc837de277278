"""Reactive Resume: the public resume app and its headless-Chromium PDF printer, parked by Sablier."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory, Sablier
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.secret_inputs import secret_config
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
config = pulumi.Config()
NS = "resume"
SECRETS = "resume-secrets"
GROUP = "resume"  # one Sablier group: the app prints through the printer
MAIL_USER = "info@viktorbarzin.me"


def http_probe(path: str, *, delay: int, period: int, timeout: int) -> dict:
    return {"http_get": {"path": path, "port": 3000}, "initial_delay_seconds": delay,
            "period_seconds": period, "timeout_seconds": timeout}


namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["resume"]), opts=ns_opts)

# SMTP password: `mailserver_accounts` (JSON {address: password}) of Vault secret/resume,
# read from the Secret ESO syncs from that path.
synced = read_live(SECRETS, LiveReadArgs(namespace=NS, keys=["mailserver_accounts"], depends_on=[secrets],
                                         source="Vault secret/resume"))
smtp_password = json_value(synced["mailserver_accounts"], MAIL_USER)

WebApp("printer", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    sablier_group=GROUP,
    replicas=0,  # parked until the first request through the resume ingress
    containers=[{
        "name": "printer",
        "image": "ghcr.io/browserless/chromium:latest",
        "ports": [{"container_port": 3000}],
        "env": env({"HEALTH": "true", "CONCURRENT": "20", "QUEUED": "10"}),
        # Chromium does not boot under 256Mi; the 1Gi cap keeps a runaway render off the node.
        "resources": {"requests": {"memory": "256Mi", "cpu": "25m"}, "limits": {"memory": "1Gi"}},
        "liveness_probe": http_probe("/pressure", delay=30, period=10, timeout=5),
        "readiness_probe": http_probe("/pressure", delay=10, period=10, timeout=5),
    }],
    service_labels={},
    service_ports=[{"port": 3000, "target_port": 3000}],
), opts=ns_opts)

data = NfsVolume("resume-data-host", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/resume",
                                                   storage="1Gi", access_modes=["ReadWriteOnce"]), opts=ns_opts)

WebApp("resume", WebAppArgs(
    namespace=NS,
    tier=c.TIER_AUX,
    keel=True,
    sablier_group=GROUP,
    replicas=0,
    strategy="Recreate",
    pod_annotations={"reloader.stakater.com/search": "true"},
    containers=[{
        "name": "resume",
        "image": "amruthpillai/reactive-resume:v5.0.3",
        "ports": [{"container_port": 3000}],
        "env": [
            *env({"APP_URL": "https://resume.viktorbarzin.me"}),
            {"name": "DATABASE_URL", "value": secret_config(config, "databaseUrl")},
            *env({"PRINTER_ENDPOINT": f"ws://printer.{NS}.svc.cluster.local:3000",
                  "PRINTER_APP_URL": f"http://resume.{NS}.svc.cluster.local"}),
            *secret_env(SECRETS, {"AUTH_SECRET": "auth_secret"}),
            *env({"TZ": "Etc/UTC", "SMTP_HOST": settings.mail_host, "SMTP_PORT": "587", "SMTP_USER": MAIL_USER}),
            {"name": "SMTP_PASS", "value": smtp_password},
            *env({"SMTP_FROM": f"Reactive Resume <{MAIL_USER}>", "SMTP_SECURE": "false",
                  "FLAG_DISABLE_SIGNUPS": "false"}),
        ],
        "volume_mounts": [{"name": "data", "mount_path": "/app/data"}],
        "resources": {"requests": {"memory": "128Mi", "cpu": "15m"}, "limits": {"memory": "256Mi"}},
        "liveness_probe": http_probe("/api/health", delay=60, period=30, timeout=10),
        "readiness_probe": http_probe("/api/health", delay=30, period=10, timeout=5),
    }],
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
    service_labels={},
    service_ports=[{"port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory("resume", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="public",
    auth_reason="recruiters have no Authentik account; the guest binding renders the page and audits the visit",
    dns_type="proxied",
    sablier=Sablier(group=GROUP),
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Resume",
        "gethomepage.dev/description": "Online resume",
        "gethomepage.dev/icon": "mdi-file-account",
        "gethomepage.dev/group": "Other",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
