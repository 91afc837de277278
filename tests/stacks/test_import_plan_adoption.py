"""Adoption of ported stacks from hand-made Terraform states (tests/stacks/import_fixtures).

Each fixture, ``import_fixtures/<stack>/terraform.tfstate``, holds what the Terraform
providers record for the objects the upstream HCL (0cd4afb6) declares: their identities and
the fields that decide a replacement (selectors, claim storage classes and access modes, PV
sources, role refs, chart names, OCI force-new fields). Pod templates are often abridged, so
in-place updates there are the fixture's gaps, not the port's; the table below is about
identity. All secret values in the states are fake. The plan runs against the session's real
synth of the port (``fleet_dir``), or, for a stack listed with operator config, against a
synth of that stack alone with the config the operator sets before running the import plan.

Adding a fixture is one entry in ``FIXTURES``::

    "my-stack": Expect(matched=12),

with ``created=`` the logical names of what the first ``up`` creates because Terraform had
no object for it (re-runnable Commands, node patches, a renamed kind), ``accepted=`` the
Terraform addresses deliberately retired (orphans; each needs its reason beside it),
``dropped=`` the count of state-only ``null_resource`` instances, and ``config=`` stack config
the import plan needs (see backup-mx). The parametrized tests then check, per fixture: no
replacement and no orphan beyond ``accepted``; every state instance matched, dropped or
accepted, with exactly ``matched`` matches; exactly ``created`` new objects; and one import
file entry per match. Write a separate named test for what an outage of that stack would be
about (a pod restart, a kept id, a claim template), as those below the table do.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tools.import_plan import PlanInputs, build_import_file, build_plan

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "import_fixtures"

OPENCLAW_GIT_CRYPT_CONFIG_MAP = "kubernetes_config_map.git_crypt_key"
WOODPECKER_GIT_CRYPT_CONFIG_MAP = "kubernetes_config_map.git_crypt_key"
PROXMOX_NODES = ("k8s-master", "k8s-node1", "k8s-node2", "k8s-node3", "k8s-node4", "k8s-node5")


@dataclass(frozen=True)
class Expect:
    """What the import plan of one fixture must say."""

    matched: int  # Terraform instances matched to a Pulumi resource (and imported)
    created: tuple[str, ...] = ()  # logical names the first `up` creates (order-insensitive)
    accepted: tuple[str, ...] = ()  # Terraform addresses retired on purpose: the only orphans
    replaced: tuple[str, ...] = ()  # Terraform addresses replaced on purpose (each also accepted)
    dropped: int = 0  # state-only null_resource instances
    config: dict[str, str] = field(default_factory=dict)  # operator stack config for the synth


FIXTURES_TABLE: dict[str, Expect] = {
    "backup-mx": Expect(matched=7, config={
        # Objects are matched by compartment and display name: the fixture's tenancy.
        "backup-mx:tenancyOcid": "ocid1.tenancy.oc1..aaaaaaaafixturebackupmx"}),
    "calico": Expect(matched=14),
    "ebook2audiobook": Expect(matched=18),
    "frigate": Expect(matched=10),
    "immich": Expect(matched=52),
    # The taint and the gpumem status patch were null_resources: re-run as Commands.
    "nvidia": Expect(matched=23, dropped=2, created=("advertise-gpumem", "gpu-node-taint")),
    # The two admin-only Grafana folder ACL null_resources are re-run as Commands.
    "monitoring": Expect(matched=97, dropped=2, created=(
        "grafana-admin-only-folder-acl-finance-personal", "grafana-admin-only-folder-acl-security-personal")),
    # Upstream's git-crypt key ConfigMap is retired; the port's Secret of the same name is
    # the one object created in its place (SEC-063).
    "openclaw": Expect(matched=40, created=("git-crypt-key-secret",), accepted=(OPENCLAW_GIT_CRYPT_CONFIG_MAP,)),
    # The node-label null_resources become one NodePatch per node.
    "proxmox-csi": Expect(matched=13, dropped=6, created=tuple(f"{n}-csi-topology" for n in PROXMOX_NODES)),
    "recruiter-responder": Expect(matched=6),
    "redis": Expect(matched=9),
    # Two null_resource steps become re-runnable Commands, run on the first `up`.
    "technitium": Expect(matched=31, dropped=2, created=("coredns-scale", "technitium-readiness-gate")),
    "tripit": Expect(matched=25),
    "url": Expect(matched=12),
    # The hostAliases patch: upstream's null_resource is state-only bookkeeping, the port's
    # Command re-applies it. The git-crypt key ConfigMap is retired on purpose (SEC-072): the
    # port's Secret of the same name (GitCryptKey) is created in its place.
    "woodpecker": Expect(matched=13, dropped=1, created=("woodpecker-server-host-alias", "git-crypt-key-secret"),
                         accepted=(WOODPECKER_GIT_CRYPT_CONFIG_MAP,)),
}


def _state(stack: str) -> Path:
    return FIXTURES / stack / "terraform.tfstate"


def _state_addresses(stack: str) -> set[str]:
    """Every managed instance address in the fixture, read independently of the tool."""
    state = json.loads(_state(stack).read_text())
    out = set()
    for res in state["resources"]:
        if res.get("mode", "managed") != "managed":
            continue
        prefix = f"{res['module']}." if res.get("module") else ""
        for inst in res["instances"]:
            key = inst.get("index_key")
            suffix = "" if key is None else (f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            out.add(f"{prefix}{res['type']}.{res['name']}{suffix}")
    return out


def _created_name(resource) -> str:
    return getattr(resource, "name", None) or resource.urn.rsplit("::", 1)[-1]


def _synth_with_config(root: Path, stack: str, config: dict[str, str]) -> Path:
    """Synthesize one stack (in a subprocess: the runtime is global) with ``config`` added to
    a copy of its Pulumi.prod.yaml; returns the synth output directory."""
    stacks_dir = root / "stacks"
    shutil.copytree(REPO_ROOT / "stacks" / stack, stacks_dir / stack, ignore=shutil.ignore_patterns("__pycache__"))
    prod = stacks_dir / stack / "Pulumi.prod.yaml"
    document = yaml.safe_load(prod.read_text()) or {}
    document["config"] = {**(document.get("config") or {}), **config}
    prod.write_text(yaml.safe_dump(document))
    out = root / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "tools.synth", "--stacks", stack, "--stacks-dir", str(stacks_dir),
         "--out", str(out), "--no-cache", "--jobs", "1"],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    errors = summary.get("per_stack", {}).get(stack, {}).get("errors", ["not synthesized"])
    assert proc.returncode == 0 and not errors, f"{stack}: synth failed: {errors}\n{proc.stdout}{proc.stderr}"
    return out


@pytest.fixture(scope="module")
def synth_dir(fleet_dir, synth_stack, tmp_path_factory):
    """The synth output a stack's plan reads: the fleet's, or its own when it needs config."""
    done: dict[str, Path] = {}

    def _dir(stack: str) -> Path:
        if stack not in done:
            config = FIXTURES_TABLE[stack].config if stack in FIXTURES_TABLE else {}
            if config:
                done[stack] = _synth_with_config(tmp_path_factory.mktemp(f"synth-{stack}"), stack, config)
            else:
                synth_stack(stack)  # fails with the synth errors if the stack did not synthesize
                done[stack] = fleet_dir
        return done[stack]

    return _dir


@pytest.fixture(scope="module")
def plan(synth_dir):
    """The import plan of a fixture (accepting what its table entry accepts), built once."""
    done: dict[str, object] = {}

    def _plan(stack: str):
        if stack not in done:
            expect = FIXTURES_TABLE[stack]
            done[stack] = build_plan(PlanInputs(stack=stack, tfstate=_state(stack), synth_dir=synth_dir(stack),
                                                accept=tuple(dict.fromkeys(expect.accepted + expect.replaced))))
        return done[stack]

    return _plan


def _match(plan, address: str):
    [match] = [m for m in plan.matches if m.tf.address == address]
    return match


STACKS = sorted(FIXTURES_TABLE)


def test_every_fixture_has_a_table_entry_and_the_reverse():
    assert sorted(p.name for p in FIXTURES.iterdir() if (p / "terraform.tfstate").is_file()) == STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_nothing_is_replaced_or_orphaned_beyond_the_table(plan, stack):
    expect, result = FIXTURES_TABLE[stack], plan(stack)
    assert [o.tf.address for o in result.orphans] == list(expect.accepted)
    assert [m.tf.address for m in result.matches if m.replaces] == list(expect.replaced)
    assert result.ok()


@pytest.mark.parametrize("stack", STACKS)
def test_every_state_object_is_matched_dropped_or_accepted(plan, stack):
    expect, result = FIXTURES_TABLE[stack], plan(stack)
    matched = {m.tf.address for m in result.matches}
    assert len(result.matches) == expect.matched
    assert len(result.dropped) == expect.dropped
    assert matched == _state_addresses(stack) - set(expect.accepted) - {i.address for i in result.dropped}


@pytest.mark.parametrize("stack", STACKS)
def test_only_the_tabled_objects_are_created_and_every_match_is_imported(plan, stack):
    expect, result = FIXTURES_TABLE[stack], plan(stack)
    assert sorted(_created_name(r) for r in result.created) == sorted(expect.created)
    assert all(m.imported for m in result.matches)
    document = build_import_file(result)
    assert len([e for e in document["resources"] if "id" in e]) == len(result.matches)


# --- frigate: the GPU workload -------------------------------------------------------------

def test_gpu_deployment_is_adopted_without_a_restart(plan):
    match = _match(plan("frigate"), "kubernetes_deployment.frigate")
    assert match.import_id == "frigate/frigate"
    # Limits (nvidia.com/gpu 1, gpumem 2300) and privileged /dev/dri are in the state: nothing
    # under the pod template may change. The liveness script is operator content not brought
    # over here, so the plan names it as a placeholder instead of predicting a restart.
    template = [(d.field, d.effect) for d in match.diffs if d.field.startswith("spec.template")]
    assert template == [("spec.template.spec.containers[0].livenessProbe.exec.command", "placeholder")]
    rtsp = _match(plan("frigate"), "kubernetes_service.frigate-rtsp")
    assert [(d.field, d.effect) for d in rtsp.diffs] == [
        ('metadata.annotations["metallb.io/ip-allocated-from-pool"]', "ignored")]


# --- url: a database credential -------------------------------------------------------------

def test_database_credentials_external_secret_keeps_its_template(plan):
    match = _match(plan("url"), "kubernetes_manifest.db_external_secret")
    assert match.import_id == "url/url-db-creds"
    # Only the server-side-apply takeover annotation is new; store, path and template stay.
    assert [d.field for d in match.diffs] == ['metadata.annotations["pulumi.com/patchForce"]']


# --- ebook2audiobook / recruiter-responder: GPU and vault-database credential ----------------

def test_gpu_deployments_and_database_credentials_keep_their_ids(plan):
    ids = {m.tf.address: m.import_id for m in plan("ebook2audiobook").matches}
    assert ids["kubernetes_deployment.audiblez-web"] == "ebook2audiobook/audiblez-web"
    assert ids["module.nfs_data_host.kubernetes_persistent_volume.this"] == "ebook2audiobook-data-host"
    ids = {m.tf.address: m.import_id for m in plan("recruiter-responder").matches}
    assert ids["kubernetes_manifest.db_external_secret"] == "recruiter-responder/recruiter-responder-db-creds"


# --- tripit: Authentik OIDC client ----------------------------------------------------------

def test_tripit_oidc_client_and_workers_keep_their_ids(plan):
    ids = {m.tf.address: m.import_id for m in plan("tripit").matches}
    # Provider matched by name, application by slug; imported by Authentik's own ids.
    assert ids["authentik_provider_oauth2.tripit_app"] == "42"
    assert ids["authentik_application.tripit_app"] == "tripit-app"
    assert ids['kubernetes_cron_job_v1.tripit_worker["fill-tour-audio-retry"]'] == "tripit/tripit-fill-tour-audio-retry"
    assert ids["module.documents_nfs.kubernetes_persistent_volume.this"] == "tripit-documents-host"
    assert ids["kubernetes_persistent_volume_claim.personal_documents"] == "tripit/tripit-personal-documents"


# --- openclaw and woodpecker: the accepted git-crypt orphans ----------------------------------

def test_openclaw_gateway_deployment_keeps_its_id(plan):
    ids = {m.tf.address: m.import_id for m in plan("openclaw").matches}
    assert ids["kubernetes_deployment.openclaw"] == "openclaw/openclaw"


@pytest.mark.parametrize("stack,config_map", [
    ("openclaw", OPENCLAW_GIT_CRYPT_CONFIG_MAP), ("woodpecker", WOODPECKER_GIT_CRYPT_CONFIG_MAP)])
def test_git_crypt_config_map_blocks_unless_accepted(synth_dir, stack, config_map):
    # Without the accept the retired ConfigMap is the one (and only) blocking orphan, and the
    # Secret that replaces it is the object created.
    result = build_plan(PlanInputs(stack=stack, tfstate=_state(stack), synth_dir=synth_dir(stack)))
    assert result.blocking() == [config_map]
    created = [r for r in result.created if _created_name(r) == "git-crypt-key-secret"]
    assert [r.type for r in created] == ["kubernetes:core/v1:Secret"]


# --- backup-mx: the Oracle Cloud relay ------------------------------------------------------

def test_backup_mx_objects_import_by_their_ocids(plan):
    ids = {m.tf.address: m.import_id for m in plan("backup-mx").matches}
    assert ids["oci_core_instance.mx2"] == "ocid1.instance.oc1.eu-frankfurt-1.fixturemx2"
    assert ids["oci_core_public_ip.mx2"] == "ocid1.publicip.oc1.eu-frankfurt-1.fixturepip"
    # The default route table is found through the VCN it belongs to.
    assert ids["oci_core_default_route_table.backup_mx"] == "ocid1.routetable.oc1.eu-frankfurt-1.fixturert"


def test_backup_mx_availability_domain_is_left_to_the_real_preview(plan):
    diffs = {m.tf.address: [(d.field, d.effect) for d in m.diffs] for m in plan("backup-mx").matches}
    assert diffs["oci_core_instance.mx2"] == [("availabilityDomain", "placeholder")]
    assert all(d == [] for address, d in diffs.items() if address != "oci_core_instance.mx2")


def test_a_changed_force_new_oci_field_is_a_replacement(synth_dir, tmp_path):
    state = json.loads(_state("backup-mx").read_text())
    [subnet] = [r for r in state["resources"] if r["type"] == "oci_core_subnet"]
    subnet["instances"][0]["attributes"]["dns_label"] = "other"
    changed = tmp_path / "terraform.tfstate"
    changed.write_text(json.dumps(state))
    result = build_plan(PlanInputs(stack="backup-mx", tfstate=changed, synth_dir=synth_dir("backup-mx")))
    assert [m.tf.address for m in result.matches if m.replaces] == ["oci_core_subnet.backup_mx"]


# --- redis / immich / woodpecker ------------------------------------------------------------

def test_redis_statefulset_keeps_its_claim_template(plan):
    match = _match(plan("redis"), "module.redis.kubernetes_stateful_set_v1.redis_v2")
    assert match.import_id == "redis/redis-v2"
    # Claim template, service name and pod management policy are immutable: none may differ.
    # The one template change is the conf checksum, which matches once redis.conf is brought over.
    assert [(d.field, d.effect) for d in match.diffs] == [
        ("spec.template.metadata.annotations.checksum/conf", "update")]


def test_redis_backup_claim_and_cronjob_are_adopted(plan):
    claim = _match(plan("redis"), "module.redis.module.nfs_backup_host.kubernetes_persistent_volume_claim.this")
    assert claim.import_id == "redis/redis-backup-host" and claim.diffs == ()
    cron = _match(plan("redis"), "module.redis.kubernetes_cron_job_v1.redis-backup")
    assert [(d.field, d.effect) for d in cron.diffs] == [
        ("spec.jobTemplate.spec.template.spec.containers[0].command", "placeholder")]


def test_immich_database_and_gpu_workers_keep_their_pods(plan):
    result = plan("immich")
    # The database's hook and init script are operator content: placeholders, never a predicted restart.
    database = _match(result, "kubernetes_deployment.immich-postgres")
    assert {d.effect for d in database.diffs} == {"placeholder"}
    for address in ("kubernetes_deployment.immich_server", "kubernetes_deployment.immich_api",
                    "kubernetes_deployment.immich-machine-learning"):
        assert _match(result, address).diffs == (), address
    claim = _match(result, "kubernetes_persistent_volume_claim.immich_postgresql_encrypted")
    assert claim.import_id == "immich/immich-postgresql-data-encrypted"
    assert [d.field for d in claim.diffs] == ['metadata.annotations["pulumi.com/skipAwait"]']


def test_woodpecker_release_keeps_its_chart_and_values(plan):
    result = plan("woodpecker")
    release = _match(result, "helm_release.woodpecker")
    assert release.import_id == "woodpecker/woodpecker"
    # Only the operator's forge URL (stack config, unset offline) is unknown; nothing else moves.
    assert [(d.field, d.effect) for d in release.diffs] == [
        ("values.server.env.WOODPECKER_FORGEJO_URL", "placeholder")]
    assert _match(result, "kubernetes_cluster_role_binding.woodpecker").diffs == ()


# --- calico / proxmox-csi: CNI and storage nodes --------------------------------------------

def test_calico_operator_release_and_crs_change_nothing(plan):
    result = plan("calico")
    release = _match(result, "helm_release.tigera_operator")
    assert release.import_id == "tigera-operator/calico" and release.diffs == ()
    for address in ("kubectl_manifest.goldmane", "kubectl_manifest.whisker",
                    "kubectl_manifest.wave1_egress_observe_tier34"):
        assert _match(result, address).diffs == (), address
    # Only the watchdog's job template changes (own-words script, pinned kubectl): no pod restarts.
    first = result.first_up()
    assert first.restarts == []
    assert sorted(m.tf.address for m, _ in first.updates) == [
        "kubernetes_cron_job_v1.whisker_watchdog", "module.ingress_whisker.kubernetes_ingress_v1.proxied-ingress"]


def test_proxmox_csi_node_label_steps_become_patches(plan):
    result = plan("proxmox-csi")
    assert sorted(i.address for i in result.dropped) == sorted(
        f'module.proxmox-csi.null_resource.node_labels["{n}"]' for n in PROXMOX_NODES)
    assert {(r.type, r.name) for r in result.created} == {
        ("kubernetes:core/v1:NodePatch", f"{n}-csi-topology") for n in PROXMOX_NODES}
    release = _match(result, "module.proxmox-csi.helm_release.proxmox_csi")
    # Same chart, repository, version and values: the StorageClasses do not change.
    assert release.diffs == ()
    assert release.import_id == "proxmox-csi/proxmox-csi-plugin"


# --- technitium: the LAN and cluster DNS ----------------------------------------------------
# 31 resources of `module.technitium` (plus the TLS Secret and Ingress of its module calls):
# three Deployments on encrypted claims, six Services (the MetalLB DNS address and the pinned
# 10.96.0.53 ClusterIP among them), kube-system's CoreDNS ConfigMap and PDB, the adopted
# db-init Job, six CronJobs and the sync RBAC.

TECHNITIUM = "module.technitium"


def test_technitium_new_objects_are_the_two_commands(plan):
    assert sorted((r.type, _created_name(r)) for r in plan("technitium").created) == [
        ("command:local:Command", "coredns-scale"), ("command:local:Command", "technitium-readiness-gate")]


@pytest.mark.parametrize("address,import_id", [
    (f"{TECHNITIUM}.kubernetes_config_map.coredns", "kube-system/coredns"),
    (f"{TECHNITIUM}.kubernetes_pod_disruption_budget_v1.coredns", "kube-system/coredns"),
    (f"{TECHNITIUM}.kubernetes_service.technitium-dns", "technitium/technitium-dns"),
    (f"{TECHNITIUM}.kubernetes_service.technitium_dns_internal", "technitium/technitium-dns-internal"),
    (f"{TECHNITIUM}.kubernetes_job.pg_db_init", "technitium/technitium-pg-db-init"),
    (f"{TECHNITIUM}.kubernetes_cluster_role.ingress_dns_sync", "ingress-dns-sync"),
    (f"{TECHNITIUM}.kubernetes_config_map.grafana_technitium_dashboard", "monitoring/grafana-technitium-dashboard"),
])
def test_dns_objects_keep_their_identity(plan, address, import_id):
    assert _match(plan("technitium"), address).import_id == import_id


@pytest.mark.parametrize("name", ["technitium", "technitium_secondary", "technitium_tertiary"])
def test_dns_servers_do_not_restart(plan, name):
    match = _match(plan("technitium"), f"{TECHNITIUM}.kubernetes_deployment.{name}")
    assert [d.field for d in match.diffs if d.field.startswith("spec.template") and d.effect != "ignored"] == []


def test_the_init_job_is_not_rerun(plan):
    match = _match(plan("technitium"), f"{TECHNITIUM}.kubernetes_job.pg_db_init")
    # The template (immutable) matches; only the await annotation of wait_for_completion=false is new.
    assert [d.field for d in match.diffs] == ['metadata.annotations["pulumi.com/skipAwait"]']


# --- nvidia: the GPU operator, the GPU node's taint and VRAM budget ------------------------
NVIDIA = "module.nvidia"


@pytest.mark.parametrize("address,import_id", [
    (f"{NVIDIA}.helm_release.nvidia-gpu-operator", "nvidia/nvidia-gpu-operator"),
    (f"{NVIDIA}.kubernetes_daemonset.gpu_pod_exporter", "nvidia/gpu-pod-exporter"),
    (f"{NVIDIA}.kubernetes_deployment.gpu_vram_watchdog", "nvidia/gpu-vram-watchdog"),
    (f"{NVIDIA}.kubernetes_cron_job_v1.gpumem_reconcile", "nvidia/gpumem-reconcile"),
    (f"{NVIDIA}.kubernetes_config_map.time_slicing_config", "nvidia/time-slicing-config"),
    (f"{NVIDIA}.kubernetes_cluster_role.gpumem_reconcile", "gpumem-reconcile"),
    (f"{NVIDIA}.kubernetes_limit_range.nvidia_defaults", "nvidia/tier-defaults"),
    (f"{NVIDIA}.kubernetes_resource_quota.nvidia_quota", "nvidia/tier-quota"),
])
def test_nvidia_objects_keep_their_identity(plan, address, import_id):
    assert _match(plan("nvidia"), address).import_id == import_id


def test_nvidia_operator_release_and_time_slicing_change_nothing(plan):
    assert _match(plan("nvidia"), f"{NVIDIA}.helm_release.nvidia-gpu-operator").diffs == ()
    assert _match(plan("nvidia"), f"{NVIDIA}.kubernetes_config_map.time_slicing_config").diffs == ()


def test_nvidia_first_up_restarts_nothing(plan):
    first = plan("nvidia").first_up()
    assert first.restarts == []
    # The pinned kubectl image and the own-words script shape only the CronJob's next run;
    # the Ingress gains the auth-posture annotations.
    assert sorted((m.tf.address, tuple(fields)) for m, fields in first.updates) == [
        (f"{NVIDIA}.kubernetes_cron_job_v1.gpumem_reconcile",
         ("spec.jobTemplate.spec.template.spec.containers[0].image",
          "spec.jobTemplate.spec.template.spec.containers[0].args")),
        (f"{NVIDIA}.module.ingress.kubernetes_ingress_v1.proxied-ingress",
         ('metadata.annotations["infra.viktorbarzin.me/auth"]',
          'metadata.annotations["infra.viktorbarzin.me/auth-reason"]')),
    ]
    # The two scripts are compared once brought over.
    assert sorted(m.tf.address for m, _ in first.placeholders) == [
        f"{NVIDIA}.kubernetes_config_map.gpu_pod_exporter_script",
        f"{NVIDIA}.kubernetes_config_map.gpu_vram_watchdog_script",
    ]


def test_nvidia_null_resources_are_dropped_and_rerun_as_commands(plan):
    result = plan("nvidia")
    assert {i.address for i in result.dropped} == {
        f"{NVIDIA}.null_resource.gpu_node_config", f"{NVIDIA}.null_resource.advertise_gpumem"}
    assert sorted((r.type, _created_name(r)) for r in result.created) == [
        ("command:local:Command", "advertise-gpumem"), ("command:local:Command", "gpu-node-taint")]


# --- monitoring: the chart releases, their storage, the dashboards and the probes -----------
# Scripts, dashboards and chart values in the state are stand-ins, not the operator's content.
MONITORING = "module.monitoring"
MONITORING_RELEASES = {  # release -> (chart, version, repository)
    "prometheus": ("prometheus", "25.8.2", "https://prometheus-community.github.io/helm-charts"),
    "grafana": ("grafana", "10.5.15", "https://grafana.github.io/helm-charts"),
    "loki": ("loki", "7.0.0", "https://grafana.github.io/helm-charts"),
    "alloy": ("alloy", "1.11.0", "https://grafana.github.io/helm-charts"),
}
MONITORING_DASHBOARDS = (
    "api_server.json", "backup_health.json", "claude-usage.json", "cluster-logs.json", "cluster_health.json",
    "core_dns.json", "cost-of-living.json", "fire-planner.json", "idrac.json", "job-hunter.json", "k8s-audit.json",
    "kube-state-metrics.json", "loki.json", "network_traffic.json", "nginx_ingress.json", "node_exporter_full.json",
    "nodes.json", "nvidia.json", "openclaw.json", "pods.json", "proxmox_node_exporter.json", "proxy_visits.json",
    "qbittorrent.json", "realestate-crawler.json", "registry.json", "rpi-sofia.json", "technitium-dns.json",
    "terminal-lobby-usage.json", "uk-payslip.json", "ups.json", "wealth.json",
)
HELM_UNSTICK_NAMESPACES = ("monitoring", "crowdsec", "nextcloud")


@pytest.mark.parametrize("address,import_id", [
    (f"{MONITORING}.kubernetes_namespace.monitoring", "monitoring"),
    (f"{MONITORING}.kubernetes_resource_quota.monitoring", "monitoring/monitoring-quota"),
    (f"{MONITORING}.module.tls_secret.kubernetes_secret.tls_secret", "monitoring/tls-secret"),
    (f"{MONITORING}.kubernetes_cron_job_v1.monitor_prom", "default/monitor-prometheus"),
    (f"{MONITORING}.kubernetes_cron_job_v1.dns_anomaly_monitor", "monitoring/dns-anomaly-monitor"),
    (f"{MONITORING}.kubernetes_secret.forgejo_probe_credentials", "monitoring/forgejo-probe-credentials"),
    (f"{MONITORING}.kubernetes_cron_job_v1.forgejo_integrity_probe", "monitoring/forgejo-integrity-probe"),
    (f"{MONITORING}.kubernetes_service.pushgateway_nodeport", "monitoring/pushgateway-nodeport"),
    (f"{MONITORING}.kubernetes_manifest.yotovski_redirect_middleware", "monitoring/yotovski-redirect"),
    (f"{MONITORING}.kubernetes_manifest.yotovski_ingress_route", "monitoring/hetrix-yotovski-redirect-ingress"),
    (f"{MONITORING}.kubernetes_persistent_volume_claim.prometheus_server_pvc", "monitoring/prometheus-data-proxmox"),
    (f"{MONITORING}.module.nfs_prometheus_backup_host.kubernetes_persistent_volume.this",
     "monitoring-prometheus-backup-host"),
    (f"{MONITORING}.module.nfs_prometheus_backup_host.kubernetes_persistent_volume_claim.this",
     "monitoring/monitoring-prometheus-backup-host"),
    (f"{MONITORING}.module.prometheus-query-ingress.kubernetes_ingress_v1.proxied-ingress", "monitoring/prometheus-query"),
    (f"{MONITORING}.module.prometheus-otlp-ingress.kubernetes_ingress_v1.proxied-ingress", "monitoring/prometheus-otlp"),
    (f"{MONITORING}.kubernetes_persistent_volume.alertmanager_pv", "alertmanager-pv"),
    (f"{MONITORING}.kubernetes_manifest.grafana_db_creds", "monitoring/grafana-db-creds"),
    (f"{MONITORING}.kubernetes_daemon_set_v1.sysctl-inotify", "monitoring/sysctl-inotify"),
    (f"{MONITORING}.kubernetes_config_map.loki_alert_rules", "monitoring/loki-alert-rules"),
    (f"{MONITORING}.kubernetes_config_map.grafana_loki_datasource", "monitoring/grafana-loki-datasource"),
    (f"{MONITORING}.module.loki-write-ingress.kubernetes_ingress_v1.proxied-ingress", "monitoring/loki"),
    (f"{MONITORING}.module.loki-otlp-ingress.kubernetes_ingress_v1.proxied-ingress", "monitoring/loki-otlp"),
    (f"{MONITORING}.kubernetes_deployment.goflow2", "monitoring/goflow2"),
    (f"{MONITORING}.kubernetes_service.goflow2-netflow", "monitoring/goflow2-netflow"),
    (f"{MONITORING}.kubernetes_deployment.idrac-redfish", "monitoring/idrac-redfish-exporter"),
    (f"{MONITORING}.kubernetes_config_map.redfish-config", "monitoring/redfish-exporter-config"),
    (f"{MONITORING}.module.idrac-redfish-exporter-ingress.kubernetes_ingress_v1.proxied-ingress",
     "monitoring/idrac-redfish-exporter"),
    (f"{MONITORING}.kubernetes_deployment.pve_exporter", "monitoring/proxmox-exporter"),
    (f"{MONITORING}.kubernetes_secret.pve_exporter_config", "monitoring/pve-exporter-config"),
    (f"{MONITORING}.kubernetes_deployment.snmp-exporter", "monitoring/snmp-exporter"),
    (f"{MONITORING}.module.snmp-exporter-ingress.kubernetes_ingress_v1.proxied-ingress", "monitoring/snmp-exporter"),
    (f"{MONITORING}.kubernetes_deployment.blackbox_exporter", "monitoring/blackbox-exporter"),
    (f"{MONITORING}.kubernetes_cron_job_v1.alert_digest", "monitoring/alert-digest"),
    (f"{MONITORING}.kubernetes_secret.alert_digest", "monitoring/alert-digest"),
    (f"{MONITORING}.kubernetes_cron_job_v1.proxy_visit_digest", "monitoring/proxy-visit-digest"),
    (f"{MONITORING}.kubernetes_cron_job_v1.share_link_geo", "monitoring/share-link-geo"),
    (f"{MONITORING}.kubernetes_cluster_role.image_flipflop_detect", "image-flipflop-detect"),
    (f"{MONITORING}.kubernetes_cluster_role_binding.image_flipflop_detect", "image-flipflop-detect"),
    (f"{MONITORING}.kubernetes_cron_job_v1.image_flipflop_detect", "monitoring/image-flipflop-detect"),
    (f"{MONITORING}.kubernetes_service_account.helm_unstick", "monitoring/helm-unstick"),
    (f"{MONITORING}.kubernetes_cron_job_v1.helm_unstick", "monitoring/helm-unstick"),
])
def test_monitoring_objects_keep_their_identity(plan, address, import_id):
    assert _match(plan("monitoring"), address).import_id == import_id


@pytest.mark.parametrize("release", sorted(MONITORING_RELEASES))
def test_monitoring_helm_releases_keep_chart_and_version_and_are_not_replaced(plan, release):
    match = _match(plan("monitoring"), f"{MONITORING}.helm_release.{release}")
    assert match.import_id == f"monitoring/{release}"
    assert not match.replaces
    chart, version, repository = MONITORING_RELEASES[release]
    assert (match.tf.attributes["chart"], match.tf.attributes["version"], match.tf.attributes["repository"]) == (
        chart, version, repository)
    # Chart, version and repository are the state's; only the values differ, because the
    # state's values are stand-ins (and the port's templates partly placeholders).
    assert [d.field for d in match.diffs if not d.field.startswith("values.")] == []


def test_monitoring_dashboards_are_keyed_by_file_name(plan):
    dashboards = {m.tf.address: m for m in plan("monitoring").matches
                  if m.tf.address.startswith(f"{MONITORING}.kubernetes_config_map.grafana_dashboards[")}
    assert sorted(dashboards) == sorted(
        f'{MONITORING}.kubernetes_config_map.grafana_dashboards["{f}"]' for f in MONITORING_DASHBOARDS)
    for address, match in dashboards.items():
        key = address.split('["', 1)[1].rstrip('"]')
        assert match.import_id == "monitoring/grafana-dashboard-" + key.removesuffix(".json").replace("_", "-")
        # The label and the folder annotation are upstream's; the JSON is brought over.
        assert [(d.field, d.effect) for d in match.diffs] == [(f'data["{key}"]', "placeholder")], address


def test_monitoring_folder_acl_null_resources_are_dropped_and_rerun_as_commands(plan):
    result = plan("monitoring")
    acl = f"{MONITORING}.null_resource.grafana_admin_only_folder_acl"
    assert {i.address for i in result.dropped} == {f'{acl}["Finance (Personal)"]', f'{acl}["Security (Personal)"]'}
    assert sorted((r.type, _created_name(r)) for r in result.created) == [
        ("command:local:Command", "grafana-admin-only-folder-acl-finance-personal"),
        ("command:local:Command", "grafana-admin-only-folder-acl-security-personal")]


def test_monitoring_helm_unstick_rbac_is_keyed_by_namespace(plan):
    result = plan("monitoring")
    for namespace in HELM_UNSTICK_NAMESPACES:
        for kind in ("kubernetes_role", "kubernetes_role_binding"):
            match = _match(result, f'{MONITORING}.{kind}.helm_unstick["{namespace}"]')
            assert match.import_id == f"{namespace}/helm-unstick"
            assert list(match.diffs) == []


def test_monitoring_otlp_records_are_adopted(plan):
    for module in ("prometheus-otlp-ingress", "loki-otlp-ingress"):
        match = _match(plan("monitoring"), f"{MONITORING}.module.{module}.cloudflare_record.internal_a[0]")
        assert list(match.diffs) == [], module


@pytest.mark.parametrize("name", ["monitor_prom", "dns_anomaly_monitor", "forgejo_integrity_probe"])
def test_monitoring_cronjobs_keep_their_template(plan, name):
    match = _match(plan("monitoring"), f"{MONITORING}.kubernetes_cron_job_v1.{name}")
    # The scripts are brought over byte for byte: until then the plan names them as placeholders.
    assert [(d.field, d.effect) for d in match.diffs if d.effect != "placeholder"] == []


def test_monitoring_probe_objects_change_at_most_the_posture_annotations(plan):
    for address in (f"{MONITORING}.kubernetes_service.pushgateway_nodeport",
                    f"{MONITORING}.kubernetes_secret.forgejo_probe_credentials",
                    f"{MONITORING}.kubernetes_manifest.yotovski_redirect_middleware"):
        assert list(_match(plan("monitoring"), address).diffs) == [], address
    route = _match(plan("monitoring"), f"{MONITORING}.kubernetes_manifest.yotovski_ingress_route")
    assert [d.field for d in route.diffs] == ['metadata.annotations["infra.viktorbarzin.me/auth"]',
                                              'metadata.annotations["infra.viktorbarzin.me/auth-reason"]']


@pytest.mark.parametrize("module", ["prometheus-query-ingress", "prometheus-otlp-ingress"])
def test_monitoring_api_ingresses_gain_only_the_posture_annotations(plan, module):
    match = _match(plan("monitoring"), f"{MONITORING}.module.{module}.kubernetes_ingress_v1.proxied-ingress")
    assert [d.field for d in match.diffs] == ['metadata.annotations["infra.viktorbarzin.me/auth"]',
                                              'metadata.annotations["infra.viktorbarzin.me/auth-reason"]']


def test_monitoring_storage_is_kept(plan):
    result = plan("monitoring")
    claim = _match(result, f"{MONITORING}.kubernetes_persistent_volume_claim.prometheus_server_pvc")
    # The autoresizer grew the live claim; the program never reverts it.
    assert [(d.field, d.effect) for d in claim.diffs] == [("spec.resources.requests.storage", "ignored")]
    for kind in ("kubernetes_persistent_volume", "kubernetes_persistent_volume_claim"):
        assert list(_match(result, f"{MONITORING}.module.nfs_prometheus_backup_host.{kind}.this").diffs) == []
    assert list(_match(result, f"{MONITORING}.kubernetes_persistent_volume.alertmanager_pv").diffs) == []


def test_monitoring_workload_selectors_are_upstreams(plan):
    result = plan("monitoring")
    for address in (f"{MONITORING}.kubernetes_deployment.goflow2", f"{MONITORING}.kubernetes_deployment.idrac-redfish",
                    f"{MONITORING}.kubernetes_deployment.pve_exporter", f"{MONITORING}.kubernetes_deployment.snmp-exporter",
                    f"{MONITORING}.kubernetes_deployment.blackbox_exporter",
                    f"{MONITORING}.kubernetes_daemon_set_v1.sysctl-inotify"):
        match = _match(result, address)
        assert not match.replaces, address
        assert [d.field for d in match.diffs if d.field.startswith("spec.selector")] == [], address
