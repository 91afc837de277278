"""Analyzer-protocol behaviour beyond the per-policy cases: pack metadata, enforcement
configuration, values unknown at preview, Pulumi secrets, exceptions, importability."""

from __future__ import annotations

import subprocess
import sys

import pytest

from components.constants import AUTH_ANNOTATION, ROUTER_MIDDLEWARES_ANNOTATION
from policies import pack_config
from policies.registry import SPECS
from policy_fixtures import DELETE, container, ingress, mutate, workload
from tools.policy_check.analyzer import REPO, SECRET_SIG, SIG_KEY, AnalyzerError, diagnostics

MANDATORY = {"ingress-auth-posture", "ingress-auth-justification", "ingress-allowed-groups",
             "ingress-admin-ui-protected", "ingress-public-paths-open", "ingressroute-auth-posture",
             "service-exposure-posture", "hostport-exposure-posture", "tunnel-direct-exposure",
             "helm-exposure-posture", "route-posture-conflict", "exposed-workload-rbac",
             "deny-privileged-containers", "deny-host-namespaces", "restrict-sys-admin",
             "require-trusted-registries", "namespace-required", "no-plaintext-secrets",
             "no-secret-outside-secret-object"}


def run(pack, resources, config=None):
    pack.configure(config or {})
    out = []
    for r in resources:
        out += diagnostics(pack.analyze(r))
    out += diagnostics(pack.analyze_stack(resources))
    return out


def is_note(d):
    return d["message"].startswith("can't run policy")


def test_analyzer_info_lists_every_policy_with_default_levels(pack):
    info = pack.info()
    assert info.name == "homelab-infra"
    assert info.supportsConfig
    levels = pack.default_levels()
    assert set(levels) == {s.name for s in SPECS}
    for name, level in levels.items():
        assert level == ("mandatory" if name in MANDATORY else "advisory"), name
    for p in info.policies:
        assert p.description
        assert "exceptions" in p.configSchema.properties


def test_enforcement_level_configurable(pack):
    bad = workload(containers=[container(privileged=True, image="nginx")])
    diags = run(pack, [bad], {"deny-privileged-containers": "advisory", "image-pinned": "mandatory"})
    levels = {d["policy"]: d["level"] for d in diags}
    assert levels["deny-privileged-containers"] == "advisory"
    assert levels["image-pinned"] == "mandatory"
    diags = run(pack, [bad], {"deny-privileged-containers": {"enforcementLevel": "disabled"}})
    assert "deny-privileged-containers" not in {d["policy"] for d in diags}
    # back to defaults
    diags = run(pack, [bad])
    assert {d["policy"]: d["level"] for d in diags}["deny-privileged-containers"] == "mandatory"


def test_invalid_config_rejected_like_the_engine(pack):
    with pytest.raises(AnalyzerError):
        pack.configure({"no-such-policy": "mandatory"})
    with pytest.raises(AnalyzerError):
        pack.configure({"ingress-allowed-groups": {"uiManagedGroups": "not-a-list"}})
    with pytest.raises(AnalyzerError):
        pack.configure({"image-pinned": {"exceptions": [{"stack": "demo", "resource": "app"}]}})


# --- unknown at preview ------------------------------------------------------------------------

def test_auth_decides_on_known_annotations_despite_unknown_backend(pack):
    """A typical preview: the backend Service name comes from another resource's output.
    The auth policies only read annotations, so they decide and emit no preview note."""
    ok = ingress(service="[unknown]")
    diags = [d for d in run(pack, [ok]) if d["policy"].startswith("ingress-")]
    assert diags == []
    bad = ingress(auth=None, mws=[], service="[unknown]")
    diags = [d for d in run(pack, [bad]) if d["policy"] == "ingress-auth-posture"]
    assert len(diags) == 1 and not is_note(diags[0]) and diags[0]["level"] == "mandatory"


@pytest.mark.parametrize("path", [("metadata", "annotations"),
                                  ("metadata", "annotations", AUTH_ANNOTATION),
                                  ("metadata", "annotations", ROUTER_MIDDLEWARES_ANNOTATION)])
def test_auth_fails_closed_on_unknown_posture(pack, path):
    r = mutate(ingress(), path, "[unknown]")
    diags = [d for d in run(pack, [r]) if d["policy"] == "ingress-auth-posture"]
    assert len(diags) == 1
    assert diags[0]["level"] == "mandatory" and not is_note(diags[0])
    assert "unknown at preview" in diags[0]["message"]


def test_unknown_namespace_skips_pod_security_with_preview_note(pack):
    r = workload(ns="[unknown]", pod={"hostNetwork": True})
    diags = [d for d in run(pack, [r]) if d["policy"] == "deny-host-namespaces"]
    assert len(diags) == 1 and is_note(diags[0])
    assert diags[0]["level"] == "advisory"
    assert "metadata.namespace" in diags[0]["message"]


def test_unknown_namespace_without_violation_is_silent(pack):
    diags = [d for d in run(pack, [workload(ns="[unknown]")]) if d["policy"] == "deny-host-namespaces"]
    assert diags == []


def test_unknown_security_flag_is_a_violation(pack):
    r = workload(containers=[container(privileged="[unknown]")])
    diags = [d for d in run(pack, [r]) if d["policy"] == "deny-privileged-containers"]
    assert len(diags) == 1 and not is_note(diags[0]) and diags[0]["level"] == "mandatory"


def test_unknown_image_skips_with_note(pack):
    r = workload(containers=[container(image="[unknown]")])
    diags = [d for d in run(pack, [r]) if d["policy"] == "image-pinned"]
    assert len(diags) == 1 and is_note(diags[0])


# --- secrets ------------------------------------------------------------------------------------

def _engine_secret_workload(value_obj):
    r = workload(containers=[container(env=[{"name": "DB_PASSWORD", "value": "placeholder"}])])
    r["inputs"]["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = value_obj
    return r


def test_engine_secret_with_plaintext_is_recognised_as_secret(pack):
    """The engine sends secrets as a signature object WITH the plaintext; the pack must not
    mistake it for a literal (pulumi_policy unwraps secrets; policies/engine_compat.py)."""
    r = _engine_secret_workload({SIG_KEY: SECRET_SIG, "value": "correct-horse-battery-staple"})
    diags = [d for d in run(pack, [r]) if d["policy"] == "no-plaintext-secrets"]
    assert diags == []


def test_plaintext_literal_flagged_without_echoing_value(pack):
    r = _engine_secret_workload("correct-horse-battery-staple")
    diags = [d for d in run(pack, [r]) if d["policy"] == "no-plaintext-secrets"]
    assert len(diags) == 1
    assert "correct-horse-battery-staple" not in diags[0]["message"]
    assert "DB_PASSWORD" in diags[0]["message"]


# --- exceptions ----------------------------------------------------------------------------------

def test_exception_only_matches_its_stack_and_resource(pack):
    bad = workload(pod={"hostNetwork": True})
    exc = {"deny-host-namespaces": {"exceptions": [{"stack": "other", "resource": "app", "reason": "r"}]}}
    assert [d for d in run(pack, [bad], exc) if d["policy"] == "deny-host-namespaces"]
    exc = {"deny-host-namespaces": {"exceptions": [{"stack": "demo", "resource": "app", "reason": "r"}]}}
    assert not [d for d in run(pack, [bad], exc) if d["policy"] == "deny-host-namespaces"]


def test_file_exceptions_require_reason():
    with pytest.raises(pack_config.ConfigError):
        pack_config._check_exceptions([{"policy": "x", "stack": "s", "resource": "r", "reason": " "}], "t")
    assert pack_config._check_exceptions([{"policy": "x", "stack": "s", "resource": "r", "reason": "ok"}], "t")


def test_default_excluded_namespaces_come_from_constants():
    from components.constants import SECURITY_POLICY_EXCLUDED_NAMESPACES
    assert pack_config.resolve("deny-host-namespaces", None)["excludedNamespaces"] == \
        list(SECURITY_POLICY_EXCLUDED_NAMESPACES)


# --- packaging -----------------------------------------------------------------------------------

def test_policy_modules_import_without_starting_the_analyzer():
    code = ("import sys; sys.path.insert(0, %r)\n"
            "import policies.auth_policies, policies.pod_security, policies.hygiene, "
            "policies.secret_material, policies.registry\n"
            "print(len(policies.registry.build_policies()))") % str(REPO)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(SPECS))


def test_pack_prints_only_its_port_on_stdout(pack):
    assert isinstance(pack.port, int) and pack.port > 0
    assert pack.proc.poll() is None
