"""States that must not be planned at all, and deposed objects: nothing is written for
the former, the latter never stand in for the current object."""

from __future__ import annotations

import json

import pytest

from handmade import Case, STACK, meta, pu, tf

NS = "demo"


def _namespace_pair():
    return (tf("kubernetes_namespace_v1", "ns", {"metadata": meta(NS)}),
            pu("kubernetes:core/v1:Namespace", "ns", {"metadata": {"name": NS}}))


@pytest.mark.parametrize("shape", ["v4", "show"])
def test_state_without_resources_is_an_error_and_writes_nothing(case: Case, capsys, shape: str) -> None:
    case.shape = shape
    case.pulumi = [_namespace_pair()[1]]
    code, out, err = case.run(capsys)
    assert (code, out) == (2, "")
    assert f"import-plan[{STACK}]: --tfstate {case.state_path}: the state holds no managed resources" in err
    assert not case.out_dir.exists()


def test_show_json_without_values_is_an_error(case: Case, capsys) -> None:
    case.pulumi = [_namespace_pair()[1]]
    case.write()
    case.state_path.write_text(json.dumps({"format_version": "1.0"}))
    from tools.import_plan.cli import main

    code = main(["--stack", STACK, "--tfstate", str(case.state_path), "--synth-dir", str(case.synth_dir),
                 "--out-dir", str(case.out_dir)])
    assert code == 2
    assert "holds no managed resources" in capsys.readouterr().err
    assert not case.out_dir.exists()


def test_state_with_only_data_sources_is_an_error(case: Case, capsys) -> None:
    case.terraform = [tf("kubernetes_namespace_v1", "ns", {"metadata": meta(NS)}, mode="data")]
    case.pulumi = [_namespace_pair()[1]]
    code, _, err = case.run(capsys)
    assert code == 2 and "holds no managed resources" in err


def test_state_of_another_stack_is_refused_and_writes_nothing(case: Case, capsys) -> None:
    case.terraform = [
        tf("kubernetes_namespace_v1", "immich", {"metadata": meta("immich")}),
        tf("kubernetes_persistent_volume_claim_v1", "data", {"metadata": meta("immich-data", "immich"),
                                                             "spec": [{}]}, module="module.nfs_immich"),
    ]
    case.pulumi = [_namespace_pair()[1]]
    code, out, err = case.run(capsys)
    assert (code, out) == (2, "")
    assert "the Terraform state looks like another stack's: none of its 2 objects is declared by the program of demo" in err
    assert "state modules: module.nfs_immich" in err
    assert "k8s:/Namespace//immich" in err
    assert err.rstrip().endswith("nothing written")
    assert not case.out_dir.exists()


def test_state_with_disjoint_providers_is_refused(case: Case, capsys) -> None:
    case.terraform = [tf("oci_core_vcn", "net", {"id": "ocid1.vcn.fake", "compartment_id": "", "display_name": ""})]
    case.pulumi = [_namespace_pair()[1]]
    code, _, err = case.run(capsys)
    assert code == 2
    assert "state providers: oci; program providers: kubernetes" in err


def test_one_shared_object_is_enough_to_plan(case: Case, capsys) -> None:
    ns_tf, ns_pu = _namespace_pair()
    case.terraform = [ns_tf, tf("kubernetes_namespace_v1", "other", {"metadata": meta("other")})]
    case.pulumi = [ns_pu]
    code, _, _ = case.run(capsys)
    assert code == 1  # planned: the unshared namespace is an orphan, not a refusal
    assert [o["address"] for o in case.report()["orphaned"]] == ["kubernetes_namespace_v1.other"]


@pytest.mark.parametrize("shape", ["v4", "show"])
def test_deposed_object_is_not_the_current_one(case: Case, capsys, shape: str) -> None:
    """A deposed Secret has another value than the current one; reading it as current
    would match (and report) the wrong object."""
    case.shape = shape
    current = tf("kubernetes_secret_v1", "s", {"metadata": meta("s", NS), "type": "Opaque", "data": {"k": "new"}})
    deposed = tf("kubernetes_secret_v1", "s", {"metadata": meta("s-old", NS), "type": "kubernetes.io/tls"},
                 deposed="00000001")
    case.terraform = [*_namespace_pair()[:1], current, deposed]
    case.pulumi = [_namespace_pair()[1],
                   pu("kubernetes:core/v1:Secret", "s", {"metadata": {"name": "s", "namespace": NS}, "type": "Opaque"})]
    code, out, _ = case.run(capsys)
    report = case.report()
    assert code == 1
    assert [m["address"] for m in report["matched"]] == ["kubernetes_namespace_v1.ns", "kubernetes_secret_v1.s"]
    assert report["orphaned"][0]["address"] == "kubernetes_secret_v1.s (deposed 00000001)"
    assert "run `terragrunt apply` on the old stack before the cut-over" in report["orphaned"][0]["reason"]
    assert report["summary"]["blocking"] == ["kubernetes_secret_v1.s (deposed 00000001)"]
    code, _, _ = case.run(capsys, "--accept", "kubernetes_secret_v1.s (deposed 00000001)")
    assert code == 0
