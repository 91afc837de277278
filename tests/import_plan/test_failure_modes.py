"""Each failure mode, proven with a deliberately broken copy of a good fixture."""

from __future__ import annotations

import pytest

from ip_support import tf_resource

PVC = "module.nfs_tandoor.kubernetes_persistent_volume_claim.this"
RANDOM = "random_password.secret_key"


def _drop(doc, name):
    doc["resources"] = [r for r in doc["resources"] if r["name"] != name]


# ---------------------------------------------------------------- orphaned


def test_resource_missing_from_port_is_orphaned_and_blocks(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: _drop(d, "tandoor-data-nfs-pvc"))
    code, out, _ = ws.run(capsys=capsys)
    assert code == 1
    assert ws.report()["orphaned"] == [
        {"address": PVC, "reason": "no Pulumi resource manages k8s:/PersistentVolumeClaim/tandoor/tandoor-data-nfs"}
    ]
    assert f"RESULT: BLOCKED - would replace or orphan: {PVC}" in out


def test_orphan_passes_when_its_address_is_accepted(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: _drop(d, "tandoor-data-nfs-pvc"))
    code, out, _ = ws.run("--accept", PVC, capsys=capsys)
    assert code == 0
    assert f"accepted: {PVC}" in out


def test_auto_named_object_is_an_orphan_plus_a_create(workspace, capsys) -> None:
    """Without metadata.name Pulumi would auto-name: a second object next to the live one."""
    ws = workspace("tandoor")

    def unnamed(doc):
        namespace = next(r for r in doc["resources"] if r["type"] == "kubernetes:core/v1:Namespace")
        namespace["inputs"]["metadata"].pop("name")

    ws.edit_synth(unnamed)
    code, _, _ = ws.run(capsys=capsys)
    report = ws.report()
    assert code == 1
    assert [o["address"] for o in report["orphaned"]] == ["kubernetes_namespace.tandoor"]
    assert [c["type"] for c in report["created"]] == ["kubernetes:core/v1:Namespace"]


def test_renamed_helm_release_is_not_the_same_release(workspace, capsys) -> None:
    ws = workspace("external-secrets")

    def rename(doc):
        release = next(r for r in doc["resources"] if r["type"] == "kubernetes:helm.sh/v3:Release")
        release["inputs"]["name"] = "eso"

    ws.edit_synth(rename)
    code, _, _ = ws.run(capsys=capsys)
    report = ws.report()
    assert code == 1
    assert [o["address"] for o in report["orphaned"]] == ["helm_release.external_secrets"]
    assert [c["type"] for c in report["created"]] == ["kubernetes:helm.sh/v3:Release"]


def test_unknown_terraform_type_is_orphaned_with_the_reason(workspace, capsys) -> None:
    ws = workspace("webapp")
    ws.edit_state(lambda s: s["resources"].append({
        "mode": "managed", "type": "cloudflare_worker_route", "name": "edge", "provider": "provider[\"x\"]",
        "instances": [{"schema_version": 0, "attributes": {"id": "fake"}, "sensitive_attributes": []}]}))
    code, _, _ = ws.run(capsys=capsys)
    assert code == 1
    assert ws.report()["orphaned"] == [
        {"address": "cloudflare_worker_route.edge", "reason": "no identity rule for Terraform type cloudflare_worker_route"}
    ]


# ---------------------------------------------------------------- replaced


def test_changed_storage_class_replaces_the_pvc(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: ws.resource(d, "tandoor-data-nfs-pvc")["inputs"]["spec"].__setitem__("storageClassName", "proxmox-lvm"))
    code, out, _ = ws.run(capsys=capsys)
    assert code == 1
    assert 'REPLACE: spec.storageClassName: terraform="nfs-truenas" pulumi="proxmox-lvm"' in out
    assert ws.report()["summary"]["blocking"] == [PVC]


def test_replace_passes_when_accepted(workspace, capsys) -> None:
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: ws.resource(d, "tandoor-data-nfs-pvc")["inputs"]["spec"].__setitem__("storageClassName", "proxmox-lvm"))
    code, _, _ = ws.run("--accept", PVC, capsys=capsys)
    assert code == 0


def test_changed_deployment_selector_replaces(workspace, capsys) -> None:
    ws = workspace("tandoor")

    def change(doc):
        dep = next(r for r in doc["resources"] if r["type"] == "kubernetes:apps/v1:Deployment")
        dep["inputs"]["spec"]["selector"]["matchLabels"] = {"app.kubernetes.io/name": "tandoor"}

    ws.edit_synth(change)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 1
    assert "REPLACE: spec.selector.matchLabels" in out


def test_random_password_without_ignore_changes_would_rotate(workspace, capsys) -> None:
    """Import sets every character-class flag to true; `special: false` then forces a
    new value unless the port ignores the generation parameters."""
    ws = workspace("tandoor")
    ws.edit_synth(lambda d: ws.resource(d, "tandoor-secret-key")["options"].__setitem__("ignoreChanges", []))
    code, out, _ = ws.run(capsys=capsys)
    assert code == 1
    assert "REPLACE: special: terraform=true pulumi=false" in out
    assert ws.report()["summary"]["blocking"] == [RANDOM]


def test_random_password_length_change_would_rotate(workspace, capsys) -> None:
    ws = workspace("tandoor")

    def change(doc):
        res = ws.resource(doc, "tandoor-secret-key")
        res["inputs"]["length"] = 64
        res["options"]["ignoreChanges"] = ["special"]

    ws.edit_synth(change)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 1
    assert 'REPLACE: length: terraform="128" pulumi="64"' in out


def test_terraform_type_landing_on_wrong_pulumi_type_replaces(workspace, capsys) -> None:
    """Same Vault path, different resource type: Pulumi would not adopt the mount."""
    ws = workspace("vault")
    wrong = "vault:kubernetes/secretBackend:SecretBackend"

    def change(doc):
        mount = ws.resource(doc, "database")
        mount["urn"] = mount["urn"].replace(mount["type"], wrong)
        mount["type"] = wrong

    ws.edit_synth(change)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 1
    assert f"REPLACE: Terraform vault_mount must become vault:index/mount:Mount, the program declares {wrong}" in out


# ---------------------------------------------------------------- updates and creates (reported, not blocking)


def test_updates_are_reported_without_blocking(workspace, capsys) -> None:
    ws = workspace("external-secrets")

    def change(doc):
        release = next(r for r in doc["resources"] if r["type"] == "kubernetes:helm.sh/v3:Release")
        release["inputs"]["version"] = "2.7.0"
        release["inputs"]["values"]["replicaCount"] = 2

    ws.edit_synth(change)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 0
    assert 'UPDATE: version: terraform="2.6.0" pulumi="2.7.0"' in out
    # Helm values may hold secrets: the field is named, the values are not shown.
    assert "UPDATE: values.replicaCount: terraform=[redacted] pulumi=[redacted]" in out
    assert ws.report()["summary"]["updated"] == 1


def test_dns_content_change_is_an_update(workspace, capsys) -> None:
    ws = workspace("webapp")
    ws.edit_synth(lambda d: ws.resource(d, "mail")["inputs"].__setitem__("content", "192.0.2.26"))
    code, out, _ = ws.run(capsys=capsys)
    assert code == 0
    assert 'UPDATE: content: terraform="192.0.2.25" pulumi="192.0.2.26"' in out


def test_label_only_terraform_set_shows_as_update(workspace, capsys) -> None:
    ws = workspace("tandoor")

    def no_ignore(doc):
        namespace = next(r for r in doc["resources"] if r["type"] == "kubernetes:core/v1:Namespace")
        namespace["options"]["ignoreChanges"] = []

    ws.edit_synth(no_ignore)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 0
    assert 'UPDATE: metadata.labels["goldilocks.fairwinds.com/vpa-update-mode"]: terraform="off" pulumi=(absent)' in out


def test_new_pulumi_only_resource_is_listed_as_created(workspace, capsys) -> None:
    ws = workspace("webapp")

    def change(doc):
        extra = dict(ws.resource(doc, "shard-1"))
        extra = {**extra, "name": "shard-2", "urn": extra["urn"].replace("shard-1", "shard-2"),
                 "inputs": {**extra["inputs"], "metadata": {"name": "webapp-shard-2", "namespace": "webapp"}}}
        doc["resources"].append(extra)

    ws.edit_synth(change)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 0
    assert ws.report()["created"] == [
        {"urn": "urn:pulumi:prod::webapp::kubernetes:core/v1:ConfigMap::shard-2", "type": "kubernetes:core/v1:ConfigMap"}
    ]
    assert "kubernetes:core/v1:ConfigMap shard-2" in out


# ---------------------------------------------------------------- identity, not names


def test_logical_names_do_not_matter(workspace, capsys) -> None:
    ws = workspace("tandoor")

    def rename(doc):
        pvc = ws.resource(doc, "tandoor-data-nfs-pvc")
        pvc["name"] = "claim-with-another-name"
        pvc["urn"] = pvc["urn"].replace("tandoor-data-nfs-pvc", "claim-with-another-name")

    ws.edit_synth(rename)
    code, _, _ = ws.run(capsys=capsys)
    assert code == 0
    matched = {m["address"]: m["urn"] for m in ws.report()["matched"]}
    assert matched[PVC].endswith("::claim-with-another-name")


def test_api_version_bump_is_same_object_reported_as_update(workspace, capsys) -> None:
    ws = workspace("tandoor")

    def older_version(state):
        res = tf_resource(state, "kubernetes_manifest", "external_secret")
        res["instances"][0]["attributes"]["manifest"]["value"]["apiVersion"] = "external-secrets.io/v1beta1"

    ws.edit_state(older_version)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 0
    assert 'UPDATE: apiVersion: terraform="external-secrets.io/v1beta1" pulumi="external-secrets.io/v1"' in out


def test_ignore_changes_downgrades_a_replace(workspace, capsys) -> None:
    ws = workspace("tandoor")

    def change(doc):
        pvc = ws.resource(doc, "tandoor-data-nfs-pvc")
        pvc["inputs"]["spec"]["storageClassName"] = "proxmox-lvm"
        pvc["options"]["ignoreChanges"] = ["spec.storageClassName"]

    ws.edit_synth(change)
    code, out, _ = ws.run(capsys=capsys)
    assert code == 0
    assert "IGNORED: spec.storageClassName" in out


def test_explicit_map_pairs_an_address_with_a_urn(workspace, capsys) -> None:
    ws = workspace("tandoor")

    def two_candidates(doc):
        pw = ws.resource(doc, "tandoor-secret-key")
        doc["resources"].append({**pw, "name": "other-secret-key", "urn": pw["urn"].replace("tandoor-secret-key", "other-secret-key")})

    ws.edit_synth(two_candidates)
    code, _, err = ws.run(capsys=capsys)
    assert code == 2
    assert "random_password.secret_key: random:random:index/randomPassword:RandomPassword/secret-key is claimed by several" in err
    urn = "urn:pulumi:prod::tandoor::random:index/randomPassword:RandomPassword::other-secret-key"
    code, _, _ = ws.run("--map", f"{RANDOM}={urn}", capsys=capsys)
    assert code == 0
    assert {m["address"]: m["urn"] for m in ws.report()["matched"]}[RANDOM] == urn
