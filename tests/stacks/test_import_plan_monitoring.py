"""Adoption of monitoring from a hand-made Terraform state (tests/stacks/import_fixtures/monitoring).

The state holds what the hashicorp/kubernetes, helm and cloudflare providers record for the
objects of `module.monitoring` ported so far: the probes part (three CronJobs, the probe
credentials, the Pushgateway NodePort, the yotovski Middleware + IngressRoute) and the
prometheus part (the chart release, the server claim, the backup NFS volume, the two API
ingresses and the OTLP name's internal A record). Scripts and values are stand-ins, not the
operator's content. Further parts add their objects to the same state.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.import_plan import PlanInputs, build_import_file, build_plan

FIXTURES = Path(__file__).parent / "import_fixtures"
MODULE = "module.monitoring"


@pytest.fixture(scope="module")
def plan(fleet_dir, synth_stack):
    synth_stack("monitoring")  # fails with the synth errors if the stack did not synthesize
    return build_plan(PlanInputs(stack="monitoring", tfstate=FIXTURES / "monitoring" / "terraform.tfstate",
                                 synth_dir=fleet_dir))


def _match(plan, address: str):
    [match] = [m for m in plan.matches if m.tf.address == address]
    return match


def test_every_terraform_object_is_adopted_without_replacement(plan):
    assert [o.tf.address for o in plan.orphans] == []
    assert [m.tf.address for m in plan.matches if m.replaces] == []
    assert plan.ok()
    document = build_import_file(plan)
    assert len([e for e in document["resources"] if "id" in e]) == len(plan.matches)


@pytest.mark.parametrize("address,import_id", [
    (f"{MODULE}.kubernetes_cron_job_v1.monitor_prom", "default/monitor-prometheus"),
    (f"{MODULE}.kubernetes_cron_job_v1.dns_anomaly_monitor", "monitoring/dns-anomaly-monitor"),
    (f"{MODULE}.kubernetes_secret.forgejo_probe_credentials", "monitoring/forgejo-probe-credentials"),
    (f"{MODULE}.kubernetes_cron_job_v1.forgejo_integrity_probe", "monitoring/forgejo-integrity-probe"),
    (f"{MODULE}.kubernetes_service.pushgateway_nodeport", "monitoring/pushgateway-nodeport"),
    (f"{MODULE}.kubernetes_manifest.yotovski_redirect_middleware", "monitoring/yotovski-redirect"),
    (f"{MODULE}.kubernetes_manifest.yotovski_ingress_route", "monitoring/hetrix-yotovski-redirect-ingress"),
    (f"{MODULE}.kubernetes_persistent_volume_claim.prometheus_server_pvc", "monitoring/prometheus-data-proxmox"),
    (f"{MODULE}.module.nfs_prometheus_backup_host.kubernetes_persistent_volume.this",
     "monitoring-prometheus-backup-host"),
    (f"{MODULE}.module.nfs_prometheus_backup_host.kubernetes_persistent_volume_claim.this",
     "monitoring/monitoring-prometheus-backup-host"),
    (f"{MODULE}.helm_release.prometheus", "monitoring/prometheus"),
    (f"{MODULE}.module.prometheus-query-ingress.kubernetes_ingress_v1.proxied-ingress", "monitoring/prometheus-query"),
    (f"{MODULE}.module.prometheus-otlp-ingress.kubernetes_ingress_v1.proxied-ingress", "monitoring/prometheus-otlp"),
])
def test_objects_keep_their_identity(plan, address, import_id):
    assert _match(plan, address).import_id == import_id


def test_otlp_record_is_adopted(plan):
    match = _match(plan, f"{MODULE}.module.prometheus-otlp-ingress.cloudflare_record.internal_a[0]")
    assert list(match.diffs) == []


@pytest.mark.parametrize("name", ["monitor_prom", "dns_anomaly_monitor", "forgejo_integrity_probe"])
def test_cronjobs_keep_their_template(plan, name):
    match = _match(plan, f"{MODULE}.kubernetes_cron_job_v1.{name}")
    # The scripts are brought over byte for byte: until then the plan names them as placeholders.
    assert [(d.field, d.effect) for d in match.diffs if d.effect != "placeholder"] == []


def test_probe_objects_change_at_most_the_posture_annotations(plan):
    for address in (f"{MODULE}.kubernetes_service.pushgateway_nodeport",
                    f"{MODULE}.kubernetes_secret.forgejo_probe_credentials",
                    f"{MODULE}.kubernetes_manifest.yotovski_redirect_middleware"):
        assert list(_match(plan, address).diffs) == [], address
    route = _match(plan, f"{MODULE}.kubernetes_manifest.yotovski_ingress_route")
    assert [d.field for d in route.diffs] == ['metadata.annotations["infra.viktorbarzin.me/auth"]',
                                              'metadata.annotations["infra.viktorbarzin.me/auth-reason"]']


@pytest.mark.parametrize("module", ["prometheus-query-ingress", "prometheus-otlp-ingress"])
def test_api_ingresses_gain_only_the_posture_annotations(plan, module):
    match = _match(plan, f"{MODULE}.module.{module}.kubernetes_ingress_v1.proxied-ingress")
    assert [d.field for d in match.diffs] == ['metadata.annotations["infra.viktorbarzin.me/auth"]',
                                              'metadata.annotations["infra.viktorbarzin.me/auth-reason"]']


def test_storage_is_kept(plan):
    claim = _match(plan, f"{MODULE}.kubernetes_persistent_volume_claim.prometheus_server_pvc")
    # The autoresizer grew the live claim; the program never reverts it.
    assert [(d.field, d.effect) for d in claim.diffs] == [("spec.resources.requests.storage", "ignored")]
    for kind in ("kubernetes_persistent_volume", "kubernetes_persistent_volume_claim"):
        assert list(_match(plan, f"{MODULE}.module.nfs_prometheus_backup_host.{kind}.this").diffs) == []


def test_prometheus_release_keeps_chart_and_version(plan):
    match = _match(plan, f"{MODULE}.helm_release.prometheus")
    # Chart, version and repository match; the values differ only because the template is a
    # placeholder in this repository (the state's values are a stand-in).
    assert [d.field for d in match.diffs if not d.field.startswith("values.")] == []
