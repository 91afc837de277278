"""Actual Budget: one actual-server per person, each with an HTTP API and a daily bank sync."""

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_random as random

from components import constants as c
from components.errors import ArgumentError
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.ingress import IngressArgs, IngressFactory
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.random_secret import GENERATION_FIELDS
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = "actualbudget"
# Seeds only: Keel owns the live tags of both images (they must not lag the live version,
# since both migrate the same budget file; see README).
SERVER_TAG = "26.8.1"
HTTP_API_TAG = "26.8.1"


@dataclass(frozen=True)
class Person:
    name: str
    enabled: bool = True
    """False keeps only the data claim (the instance can come back as it was)."""
    http_api: bool = False
    bank_sync: bool = False
    """The daily sync calls the HTTP API, so it needs ``http_api``."""
    storage: str = "1Gi"
    homepage_name: str | None = None

    def __post_init__(self) -> None:
        # Checked when PEOPLE is built, before anything is declared.
        if self.bank_sync and not self.http_api:
            raise ArgumentError("actualbudget", f"Person({self.name!r}).bank_sync", "needs http_api=True")


PEOPLE = (
    Person("viktor", http_api=True, bank_sync=True, storage="4Gi", homepage_name="Budget Viktor"),
    Person("anca", http_api=True, bank_sync=True, homepage_name="Budget Anca"),
    Person("emo", enabled=False),  # unused since 2026-05; its empty account list failed the sync
)

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE, labels={"istio-injection": "disabled",
                                                                   "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
secrets = ExternalSecret("actualbudget-secrets", ExternalSecretArgs(
    namespace=NS, extract=["actualbudget"], force_conflicts=True), opts=ns_opts)
# Vault secret/actualbudget `credentials`: JSON {person: {password, sync_id}}.
credentials = read_live("actualbudget-secrets", LiveReadArgs(
    namespace=NS, keys=["credentials"], depends_on=[secrets], source="Vault secret/actualbudget",
    placeholders={"credentials": '{"viktor": {}, "anca": {}, "emo": {}}'}))["credentials"]
bank_sync_script = load_payload(Path(__file__).parent, "bank-sync.sh")


def budget(person: Person) -> None:
    """The objects of one person's instance (upstream's `factory` module)."""
    who = person.name
    data = ProxmoxVolume(f"actualbudget-{who}-data-encrypted", ProxmoxVolumeArgs(
        namespace=NS, storage=person.storage, storage_limit="5Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
    # One API key per instance, shared by the HTTP API and the sync job.
    api_key = random.RandomString(f"actualbudget-{who}-api-key", length=32, lower=True,
                                  opts=pulumi.ResourceOptions(ignore_changes=list(GENERATION_FIELDS)))
    if not person.enabled:
        return
    WebApp(f"actualbudget-{who}", WebAppArgs(
        namespace=NS, tier=c.TIER_EDGE, keel=True, strategy="Recreate",  # RWO data claim
        pod_annotations={"diun.enable": "false", "diun.include_tags": f"^{SERVER_TAG}$"},
        containers=[{
            "name": "actualbudget", "image": f"actualbudget/actual-server:{SERVER_TAG}",
            "ports": [{"container_port": 5006}],
            "resources": {"requests": {"cpu": "15m", "memory": "320Mi"}, "limits": {"memory": "400Mi"}},
            "volume_mounts": [{"name": "data", "mount_path": "/data"}],
        }],
        volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": data.claim_name}}],
        service_name=f"budget-{who}",
        service_ports=[{"name": "http", "port": 80, "target_port": 5006}],
    ), opts=ns_opts)
    homepage = {} if person.homepage_name is None else {
        "gethomepage.dev/enabled": "true", "gethomepage.dev/name": person.homepage_name,
        "gethomepage.dev/description": "Personal budget", "gethomepage.dev/icon": "actual-budget.png",
        "gethomepage.dev/group": "Finance & Personal", "gethomepage.dev/pod-selector": ""}
    IngressFactory(f"budget-{who}", IngressArgs.on_cluster(
        settings, namespace=NS, auth="app",
        auth_reason="Actual's server password and per-user login gate it; its web and mobile sync "
                    "clients cannot follow a forward-auth redirect",
        dns_type="proxied", extra_annotations=homepage,
        # The app's boot fires ~70 parallel revalidations: a dedicated higher-burst limiter.
        skip_default_rate_limit=True, extra_middlewares=["traefik-actualbudget-rate-limit@kubernetescrd"],
    ), opts=ns_opts)
    if not person.http_api:
        return
    password = json_value(credentials, who, "password", default=None)
    WebApp(f"actualbudget-http-api-{who}", WebAppArgs(
        namespace=NS, tier=c.TIER_EDGE, keel=True, strategy="RollingUpdate",
        containers=[{
            "name": "actualbudget", "image": f"jhonderson/actual-http-api:{HTTP_API_TAG}",
            "ports": [{"container_port": 5007}],
            "env": [
                {"name": "ACTUAL_SERVER_URL", "value": f"http://budget-{who}.actualbudget.svc.cluster.local"},
                {"name": "ACTUAL_SERVER_PASSWORD", "value": password},
                {"name": "API_KEY", "value": api_key.result},
            ],
            "resources": {"requests": {"cpu": "50m", "memory": "768Mi"}, "limits": {"memory": "768Mi"}},
        }],
        service_name=f"budget-http-api-{who}",
        service_ports=[{"name": "http", "port": 80, "target_port": 5007}],
    ), opts=ns_opts)
    if not person.bank_sync:
        return
    sync_id = json_value(credentials, who, "sync_id", default=None)
    script = pulumi.Output.all(sync_id, api_key.result).apply(
        lambda parts: bank_sync_script.replace("@USER_NAME@", who).replace("@SYNC_ID@", str(parts[0] or ""))
        .replace("@API_KEY@", parts[1]))
    ScheduledJob(f"bank-sync-{who}", ScheduledJobArgs(
        namespace=NS, schedule="0 0 * * *", concurrency_policy="Replace",
        starting_deadline_seconds=60, successful_jobs_history_limit=10, failed_jobs_history_limit=5,
        backoff_limit=1, active_deadline_seconds=1800, ttl_seconds_after_finished=86400,
        job_metadata={}, pod_metadata={},
        containers=[{"name": "bank-sync", "image": "alpine:3.20", "command": ["/bin/sh", "-c", script]}],
    ), opts=ns_opts)


for person in PEOPLE:
    budget(person)

pulumi.export("hosts", [f"budget-{p.name}.{settings.root_domain}" for p in PEOPLE if p.enabled])
