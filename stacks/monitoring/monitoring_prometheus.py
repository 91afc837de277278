"""monitoring prometheus: the Prometheus chart (server, Alertmanager, Pushgateway), its storage, two LAN ingresses.

- `prometheus-data-proxmox`: the server's 200Gi `proxmox-lvm` claim, autoresized to 500Gi in
  10% steps (the chart mounts it as `server.persistentVolume.existingClaim`).
- `monitoring-prometheus-backup-host`: the NFS export the backup sidecar copies snapshots to.
- Helm release `prometheus` (prometheus-community chart 25.8.2). Its values are the operator's
  Terraform template `files/prometheus_chart_values.tpl`, rendered with `render_tftpl` and the
  same five variables upstream passed; the four secret ones are bound in as Pulumi secrets
  after parsing (see :func:`chart_values`), so the rendered values never hold them in plain text.
- `prometheus-query.viktorbarzin.lan` (`/api/v1/query` only) and
  `prometheus-otlp.viktorbarzin.me` (`/api/v1/otlp`, internal DNS): LAN-only API paths for
  Home Assistant's REST sensors and Claude Code's OTLP metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import yaml

from components.helm import HelmRelease, HelmReleaseArgs
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import is_placeholder, load_payload, offline_synth, render_tftpl
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings

HERE = Path(__file__).parent
NS = "monitoring"
VALUES_TEMPLATE = "prometheus_chart_values.tpl"

# Template variable -> field of Vault `secret/platform` (upstream's module inputs).
SECRET_VARIABLES = {
    "alertmanager_mail_pass": "alertmanager_account_password",
    "alertmanager_slack_api_url": "alertmanager_slack_api_url",
    "tuya_api_key": "tiny_tuya_service_secret",
    "haos_api_token": "haos_api_token",
}

# URLs that must answer without an Authentik redirect (auth="none" carve-outs elsewhere in
# the fleet). The template turns each into a blackbox probe target labelled `service=<key>`;
# the AuthentikWallingOffPublicPath alert fires when one starts redirecting to Authentik.
# Adding a carve-out anywhere: add one GET-able URL here.
AUTHENTIK_WALLOFF_TARGETS = {
    "vpn-portal-sub": "https://vpn.viktorbarzin.me/sub/uptime-probe",
    "meshcentral-agent": "https://meshcentral.viktorbarzin.me/agent.ashx",
    "uptime-status": "https://uptime.viktorbarzin.me/status/infra",
    "shlink-rest-health": "https://url.viktorbarzin.me/rest/health",
    "rybbit-script": "https://rybbit.viktorbarzin.me/api/script.js",
    "insta2spotify-api-health": "https://insta2spotify.viktorbarzin.me/api/health",
    "k8s-portal-setup-script": "https://k8s-portal.viktorbarzin.me/setup/script",
    "instagram-poster-image": "https://instagram-poster.viktorbarzin.me/image",
    "trading-bot-app": "https://trading.viktorbarzin.me/",
    "t3-probe-ws": "https://t3.viktorbarzin.me/probe/healthz",
    "t3-native-descriptor": "https://t3.viktorbarzin.me/.well-known/t3/environment",
    "tasks-icons": "https://tasks.viktorbarzin.me/apple-touch-icon.png",
    "terminal-pwa-assets": "https://terminal.viktorbarzin.me/manifest.webmanifest",
}


def secret_token(variable: str) -> str:
    """The stand-in rendered for a secret variable; replaced by the secret after parsing."""
    return f"@@secret:{variable}@@"


def rendered_values(text: str, walloff_targets: Mapping[str, str]) -> Any:
    """The template rendered as Terraform's templatefile() would, secrets as tokens, parsed."""
    variables: dict[str, object] = {name: secret_token(name) for name in SECRET_VARIABLES}
    variables["authentik_walloff_targets"] = dict(walloff_targets)
    return yaml.safe_load(render_tftpl(text, variables))


def bind_secrets(value: Any, secrets: Mapping[str, pulumi.Input[str]]) -> Any:
    """``value`` with every string holding a secret token turned into a secret Output of the text."""
    if isinstance(value, Mapping):
        return {k: bind_secrets(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [bind_secrets(v, secrets) for v in value]
    if not isinstance(value, str):
        return value
    used = [name for name in secrets if secret_token(name) in value]
    if not used:
        return value

    def fill(values: list[str], text: str = value) -> str:
        for name, secret in zip(used, values):
            text = text.replace(secret_token(name), secret)
        return text

    return pulumi.Output.secret(pulumi.Output.all(*[secrets[name] for name in used]).apply(fill))


def chart_values(text: str, secrets: Mapping[str, pulumi.Input[str]],
                 walloff_targets: Mapping[str, str] = AUTHENTIK_WALLOFF_TARGETS) -> dict:
    """Helm values of the release: the template rendered and parsed, the secrets bound in.

    A placeholder (the template not brought over yet) gives empty values; a real `up` never
    gets here, since `load_payload` refuses the placeholder."""
    if is_placeholder(text):
        return {}
    document = rendered_values(text, walloff_targets)
    if not isinstance(document, dict):
        problem = f"files/{VALUES_TEMPLATE} does not render to a YAML mapping; bring over upstream's template"
        if not offline_synth():
            raise ValueError(problem)
        pulumi.log.warn(problem + " (offline: empty values stand in)")
        return {}
    return bind_secrets(document, secrets)


def declare(namespace: Namespace, settings: ClusterSettings) -> None:
    """The server claim, the backup export, the chart and its two API ingresses."""
    ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

    # Bound before the apply moves on, as upstream's claim waited; the chart does not wait
    # for it (the class binds on first consumer, which is the chart's pod).
    ProxmoxVolume("prometheus-data-proxmox", ProxmoxVolumeArgs(
        namespace=NS, storage="200Gi", storage_limit="500Gi", threshold="10%", increase="10%",
        storage_class="proxmox-lvm", wait_until_bound=True,
    ), opts=ns_opts)
    NfsVolume("monitoring-prometheus-backup-host", NfsVolumeArgs(
        namespace=NS, nfs_server="192.168.1.127", nfs_path="/srv/nfs/prometheus-backup",
    ), opts=ns_opts)

    secrets = {name: vault_field("platform", field) for name, field in SECRET_VARIABLES.items()}
    # No await, no atomic: the server rolls with Recreate and replays its WAL for minutes, and
    # an apply blocked on that roll was the one cancelled mid-upgrade (the release stuck in
    # pending-upgrade). PrometheusDown and the helm-unstick CronJob catch a failed roll.
    HelmRelease("prometheus", HelmReleaseArgs(
        namespace=NS, chart="prometheus", version="25.8.2",
        repository="https://prometheus-community.github.io/helm-charts",
        values=chart_values(load_payload(HERE, VALUES_TEMPLATE), secrets),
        atomic=False, cleanup_on_fail=False, skip_await=True, timeout=900, create_namespace=True,
    ), opts=ns_opts)

    homepage = {"gethomepage.dev/icon": "prometheus.png"}
    IngressFactory("prometheus-query", IngressArgs(
        namespace=NS, tls_secret_name=settings.tls_secret_name, root_domain="viktorbarzin.lan",
        dns=settings.dns, service_name="prometheus-server", port=80, ingress_path=["/api/v1/query"],
        auth="none",
        auth_reason="Home Assistant's REST sensors call the read-only instant-query API with no browser "
                    "session; the LAN-only allowlist is the gate",
        allow_local_access_only=True,
        extra_annotations={"gethomepage.dev/description": "Prometheus query API", **homepage},
    ), opts=ns_opts)
    IngressFactory("prometheus-otlp", IngressArgs.on_cluster(
        settings, namespace=NS, service_name="prometheus-server", port=80, ingress_path=["/api/v1/otlp"],
        auth="none",
        auth_reason="Claude Code's OTLP metric exporter pushes without a browser session; the LAN-only "
                    "allowlist is the gate and the name resolves only to the internal Traefik address",
        allow_local_access_only=True, dns_type="internal", external_monitor=False,
        skip_default_rate_limit=True,
        extra_annotations={
            "gethomepage.dev/description": "Prometheus OTLP metric ingest for Claude Code telemetry (LAN only)",
            **homepage,
        },
    ), opts=ns_opts)
