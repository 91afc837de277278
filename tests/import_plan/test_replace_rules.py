"""Every REPLACE rule of the import plan, each with a change that must replace.

If a rule is downgraded to "update" (or dropped), its case here fails: the plan no longer
blocks on a change that the first `pulumi up` would carry out as delete-and-recreate.
`test_every_replace_rule_has_a_case` fails when a new REPLACE rule appears without one.
"""

from __future__ import annotations

import base64

import pytest

from handmade import Case, diff_of, meta, pu, tf
from tools.import_plan import compare, identity
from tools.import_plan.synth import PulumiResource
from tools.import_plan.tfstate import TfInstance

NS = "demo"


def _pod(image: str = "nginx:1.27") -> dict:
    return {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": image}]}}


def _tf_pod(image: str = "nginx:1.27") -> list:
    return [{"metadata": [{"labels": {"app": "web"}}], "spec": [{"container": [{"name": "web", "image": image}]}]}]


def _workload(kind: str, tf_spec: dict, pu_spec: dict):
    tf_type = {"Deployment": "kubernetes_deployment_v1", "StatefulSet": "kubernetes_stateful_set_v1",
               "Job": "kubernetes_job_v1"}[kind]
    group = "batch/v1" if kind == "Job" else "apps/v1"
    return (tf(tf_type, "web", {"metadata": meta("web", NS), "spec": [tf_spec]}),
            pu(f"kubernetes:{group}:{kind}", "web", {"metadata": {"name": "web", "namespace": NS}, "spec": pu_spec}))


def _pv(tf_source: dict, pu_spec: dict, tf_extra: dict | None = None):
    spec = {"capacity": {"storage": "1Gi"}, "access_modes": ["ReadWriteMany"], "storage_class_name": "nfs",
            "persistent_volume_source": [tf_source], **(tf_extra or {})}
    base = {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteMany"], "storageClassName": "nfs"}
    return (tf("kubernetes_persistent_volume_v1", "data", {"metadata": meta("data"), "spec": [spec]}),
            pu("kubernetes:core/v1:PersistentVolume", "data", {"metadata": {"name": "data"}, "spec": {**base, **pu_spec}}))


def _pvc(pu_spec: dict):
    spec = {"access_modes": ["ReadWriteOnce"], "storage_class_name": "nfs", "volume_name": "data",
            "resources": [{"requests": {"storage": "1Gi"}}]}
    base = {"accessModes": ["ReadWriteOnce"], "storageClassName": "nfs", "volumeName": "data",
            "resources": {"requests": {"storage": "1Gi"}}}
    return (tf("kubernetes_persistent_volume_claim_v1", "data", {"metadata": meta("data", NS), "spec": [spec]}),
            pu("kubernetes:core/v1:PersistentVolumeClaim", "data",
               {"metadata": {"name": "data", "namespace": NS}, "spec": {**base, **pu_spec}}))


NFS = {"nfs": [{"server": "10.0.10.15", "path": "/mnt/main/data"}]}
CSI = {"csi": [{"driver": "nfs.csi.k8s.io", "volume_handle": "h1"}]}
RANDOM = "x" * 32
RANDOM_ID = base64.urlsafe_b64encode(b"\x01" * 16).decode().rstrip("=")


def _random(inputs: dict):
    return (tf("random_password", "key", {"id": "none", "result": RANDOM, "length": 32}),
            pu("random:index/randomPassword:RandomPassword", "key", {"length": 32, **inputs}))


def _vault(tf_type: str, token: str, tf_kind: str, pu_kind: str):
    return (tf(tf_type, "m", {"id": "secrets", "path": "secrets", "type": tf_kind}),
            pu(token, "m", {"path": "secrets", "type": pu_kind}))


# (rule id, Terraform address, replaced field, (terraform block, pulumi resource))
CASES = [
    ("workload selector", "kubernetes_deployment_v1.web", "spec.selector.matchLabels",
     _workload("Deployment", {"selector": [{"match_labels": {"app": "web"}}], "template": _tf_pod()},
               {"selector": {"matchLabels": {"app": "web2"}}, "template": _pod()})),
    ("statefulset serviceName", "kubernetes_stateful_set_v1.web", "spec.serviceName",
     _workload("StatefulSet", {"service_name": "web", "template": _tf_pod()},
               {"serviceName": "web-headless", "template": _pod()})),
    ("statefulset volumeClaimTemplates", "kubernetes_stateful_set_v1.web",
     "spec.volumeClaimTemplates[0].spec.storageClassName",
     _workload("StatefulSet",
               {"volume_claim_template": [{"metadata": [{"name": "data"}], "spec": [{"storage_class_name": "nfs"}]}]},
               {"volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"storageClassName": "lvm"}}]})),
    ("statefulset podManagementPolicy", "kubernetes_stateful_set_v1.web", "spec.podManagementPolicy",
     _workload("StatefulSet", {"pod_management_policy": "OrderedReady"}, {"podManagementPolicy": "Parallel"})),
    ("job pod template", "kubernetes_job_v1.web", "spec.template.spec.containers[0].image",
     _workload("Job", {"template": _tf_pod("busybox:1.36")}, {"template": _pod("busybox:1.37")})),
    ("service clusterIP", "kubernetes_service_v1.web", "spec.clusterIP",
     (tf("kubernetes_service_v1", "web", {"metadata": meta("web", NS), "spec": [{"cluster_ip": "10.96.0.10"}]}),
      pu("kubernetes:core/v1:Service", "web", {"metadata": {"name": "web", "namespace": NS},
                                               "spec": {"clusterIP": "10.96.0.11"}}))),
    ("pvc storageClassName", "kubernetes_persistent_volume_claim_v1.data", "spec.storageClassName",
     _pvc({"storageClassName": "lvm"})),
    ("pvc accessModes", "kubernetes_persistent_volume_claim_v1.data", "spec.accessModes",
     _pvc({"accessModes": ["ReadWriteMany"]})),
    ("pvc volumeName", "kubernetes_persistent_volume_claim_v1.data", "spec.volumeName",
     _pvc({"volumeName": "other"})),
    ("pv storageClassName", "kubernetes_persistent_volume_v1.data", "spec.storageClassName",
     _pv(NFS, {"storageClassName": "lvm", "nfs": {"server": "10.0.10.15", "path": "/mnt/main/data"}})),
    ("pv accessModes", "kubernetes_persistent_volume_v1.data", "spec.accessModes",
     _pv(NFS, {"accessModes": ["ReadWriteOnce"], "nfs": {"server": "10.0.10.15", "path": "/mnt/main/data"}})),
    ("pv nfs server", "kubernetes_persistent_volume_v1.data", "spec.nfs.server",
     _pv(NFS, {"nfs": {"server": "10.0.10.16", "path": "/mnt/main/data"}})),
    ("pv nfs path", "kubernetes_persistent_volume_v1.data", "spec.nfs.path",
     _pv(NFS, {"nfs": {"server": "10.0.10.15", "path": "/mnt/main/other"}})),
    ("pv csi driver", "kubernetes_persistent_volume_v1.data", "spec.csi.driver",
     _pv(CSI, {"csi": {"driver": "smb.csi.k8s.io", "volumeHandle": "h1"}})),
    ("pv csi volumeHandle", "kubernetes_persistent_volume_v1.data", "spec.csi.volumeHandle",
     _pv(CSI, {"csi": {"driver": "nfs.csi.k8s.io", "volumeHandle": "h2"}})),
    ("secret type", "kubernetes_secret_v1.tls", "type",
     (tf("kubernetes_secret_v1", "tls", {"metadata": meta("tls", NS), "type": "Opaque"}),
      pu("kubernetes:core/v1:Secret", "tls", {"metadata": {"name": "tls", "namespace": NS},
                                              "type": "kubernetes.io/tls"}))),
    ("vault mount type", "vault_mount.m", "type",
     _vault("vault_mount", "vault:index/mount:Mount", "kv-v2", "kv")),
    ("vault auth backend type", "vault_auth_backend.m", "type",
     _vault("vault_auth_backend", "vault:index/authBackend:AuthBackend", "kubernetes", "jwt")),
    ("random_id byte length", "random_id.salt", "byteLength",
     (tf("random_id", "salt", {"id": RANDOM_ID, "b64_url": RANDOM_ID, "byte_length": 16}),
      pu("random:index/randomId:RandomId", "salt", {"byteLength": 8}))),
    ("random length", "random_password.key", "length", _random({"length": 16})),
    *[(f"random {flag}", "random_password.key", flag, _random({flag: False}))
      for flag in ("special", "upper", "lower", "numeric")],
    *[(f"random {minimum}", "random_password.key", minimum, _random({minimum: 2}))
      for minimum in ("minSpecial", "minUpper", "minLower", "minNumeric")],
    ("random overrideSpecial", "random_password.key", "overrideSpecial", _random({"overrideSpecial": "_-"})),
    ("random keepers", "random_password.key", "keepers", _random({"keepers": {"rotation": "1"}})),
]


@pytest.mark.parametrize(("rule", "address", "field_name", "objects"), CASES, ids=[c[0] for c in CASES])
def test_replace_rule_blocks(case: Case, rule: str, address: str, field_name: str, objects) -> None:
    terraform, pulumi = objects
    case.terraform, case.pulumi = [terraform], [pulumi]
    plan = case.plan()
    assert diff_of(plan, address, field_name).effect == compare.REPLACE
    assert plan.blocking() == [address]
    assert plan.first_up().updates == [] or all(m.tf.label != address for m, _ in plan.first_up().updates)


def test_replace_rule_passes_when_accepted(case: Case) -> None:
    _, address, _, (terraform, pulumi) = CASES[0]
    case.terraform, case.pulumi = [terraform], [pulumi]
    assert case.plan(accept=(address,)).ok()


def test_terraform_type_on_the_wrong_pulumi_type_replaces(case: Case) -> None:
    case.terraform = [tf("vault_mount", "m", {"id": "secrets", "path": "secrets", "type": "kv-v2"})]
    case.pulumi = [pu("vault:kubernetes/secretBackend:SecretBackend", "m", {"path": "secrets"})]
    plan = case.plan()
    assert plan.matches[0].type_mismatch.startswith("Terraform vault_mount must become vault:index/mount:Mount")
    assert plan.blocking() == ["vault_mount.m"]


def test_kubernetes_object_paired_with_a_non_kubernetes_resource_replaces(case: Case, capsys) -> None:
    case.terraform = [tf("kubernetes_config_map_v1", "cfg", {"metadata": meta("cfg", NS)})]
    case.pulumi = [pu("command:local:Command", "cfg", {"create": "kubectl apply -f cfg.yaml"})]
    urn = case.pulumi[0]["urn"]
    code, out, _ = case.run(capsys, "--map", f"kubernetes_config_map_v1.cfg={urn}")
    assert code == 1
    assert "REPLACE: Kubernetes object declared as command:local:Command" in out


def test_every_replace_rule_has_a_case() -> None:
    """Collect the fields every check function can mark REPLACE (by giving it values that
    differ everywhere) and require a case above for each."""
    covered = {c[2] for c in CASES}
    found: set[str] = set()
    for _, _, _, (terraform, pulumi) in CASES:
        inst = TfInstance(f"{terraform['type']}.{terraform['name']}", terraform["type"], terraform["name"], "", None,
                          terraform["instances"][0]["attributes"])
        res = PulumiResource(pulumi["urn"], pulumi["type"], pulumi["name"], pulumi["parent"], True,
                             pulumi["inputs"], pulumi["options"])
        key = identity.tf_key(inst, {})
        for check in compare.checks_for(key.identity.family, inst, res):
            if check.effect == compare.REPLACE:
                found.add(check.field)
    assert {_rule_of(f) for f in found} - {_rule_of(f) for f in covered} == set()


# Whole subtrees the API refuses to change in place: one rule each, whatever the leaf.
_SUBTREE_RULES = ("spec.template", "spec.volumeClaimTemplates")


def _rule_of(field_name: str) -> str:
    return next((root for root in _SUBTREE_RULES if field_name.startswith(root)), field_name)
