"""kyverno: the engine release, the 18 ClusterPolicies + cleanup policy, and agreement with the
CrossGuard pack (same rule names, same excluded namespaces, same registry allowlist)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import yaml

from components import constants as c
from upstream_inventory import INVENTORY, needs_inventory

REPO = Path(__file__).resolve().parents[2]

CLUSTER_POLICIES = {
    "deny-privileged-containers", "deny-host-namespaces", "restrict-sys-admin", "require-trusted-registries",
    "set-image-pull-policy", "sync-tls-secret", "sync-registry-credentials", "sync-ghcr-credentials",
    "sync-tier-label-from-namespace", "generate-limitrange-by-tier", "generate-resourcequota-by-tier",
    "inject-priority-class-from-tier", "inject-ndots", "inject-gpu-workload-priority", "strip-cpu-limits",
    "inject-keel-annotations", "inject-dependency-init-containers", "crowdsec-agent-idempotent-register",
}
POD_SECURITY = ("deny-privileged-containers", "deny-host-namespaces", "restrict-sys-admin",
                "require-trusted-registries")


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("kyverno")


def _policies(stack) -> dict[str, dict]:
    return {r["inputs"]["metadata"]["name"]: r["inputs"] for r in stack.resources
            if r["custom"] and r["inputs"].get("kind") == "ClusterPolicy"}


def test_namespace_labels_are_upstreams_without_a_tier(stack):
    # Upstream (stacks/kyverno/modules/kyverno/main.tf) gives the namespace no tier label, so
    # the tier-keyed generate/mutate rules never act on Kyverno's own namespace.
    labels = stack.k8s("Namespace", "kyverno")["inputs"]["metadata"]["labels"]
    assert labels == {"istio-injection": "disabled", "keel.sh/enrolled": "true"}


def test_engine_release_is_pinned(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "kyverno", "kyverno", "kyverno", "3.8.1")
    assert inputs["repositoryOpts"]["repo"] == "https://kyverno.github.io/kyverno/"
    assert inputs["atomic"] is True
    values = inputs["values"]
    assert values["features"]["forceFailurePolicyIgnore"] == {"enabled": True}
    assert values["reportsController"]["enabled"] is False
    assert values["admissionController"]["replicas"] == 2
    assert values["backgroundController"]["resources"]["limits"] == {"memory": "2Gi"}


def test_all_policies_present_with_the_upstream_api_versions(stack):
    policies = _policies(stack)
    assert set(policies) == CLUSTER_POLICIES, set(policies) ^ CLUSTER_POLICIES
    assert {p["apiVersion"] for p in policies.values()} == {"kyverno.io/v1"}
    cleanup = stack.k8s("ClusterCleanupPolicy", "cleanup-failed-pods")["inputs"]
    assert cleanup["apiVersion"] == "kyverno.io/v2"
    assert cleanup["spec"]["schedule"] == "15 * * * *"


@pytest.mark.parametrize("name", POD_SECURITY)
def test_pod_security_policies_enforce_with_the_shared_exclude_list(stack, name):
    spec = _policies(stack)[name]["spec"]
    assert spec["validationFailureAction"] == "Enforce", name
    assert spec["background"] is True, name
    [rule] = spec["rules"]
    assert "validate" in rule, name
    assert rule["match"] == {"any": [{"resources": {"kinds": ["Pod"]}}]}, name
    assert rule["exclude"] == {"any": [{"resources": {
        "namespaces": list(c.SECURITY_POLICY_EXCLUDED_NAMESPACES)}}]}, name


def test_anchor_keys_reach_the_policy_literally(stack):
    pattern = _policies(stack)["deny-privileged-containers"]["spec"]["rules"][0]["validate"]["pattern"]
    assert pattern["spec"]["containers"] == [{"=(securityContext)": {"=(privileged)": False}}]
    assert pattern["spec"]["=(initContainers)"] == [{"=(securityContext)": {"=(privileged)": False}}]
    host = _policies(stack)["deny-host-namespaces"]["spec"]["rules"][0]["validate"]["pattern"]["spec"]
    assert host == {"=(hostNetwork)": False, "=(hostPID)": False, "=(hostIPC)": False}


def test_registry_allowlist_is_the_policy_packs_list(stack):
    """One allowlist: the ClusterPolicy pattern is built from the pack's registryAllowlist."""
    allow = yaml.safe_load((REPO / "policies" / "config" / "defaults.yaml").read_text())["registryAllowlist"]
    rule = _policies(stack)["require-trusted-registries"]["spec"]["rules"][0]
    assert rule["validate"]["pattern"]["spec"]["containers"] == [{"image": " | ".join(allow)}]
    assert "*/*" not in allow  # unknown registries must fail closed


def test_crossguard_kyverno_policies_exist_here(stack):
    """Every pack policy that mirrors a live Kyverno ClusterPolicy names one this stack declares."""
    from policies.registry import SPECS

    policies = _policies(stack)
    mirrored = {}
    for spec in SPECS:
        found = re.match(r"Kyverno ClusterPolicy (\S+)", spec.origin or "")
        if found and "commented out upstream" not in spec.origin:
            mirrored[spec.name] = found.group(1)
    assert set(POD_SECURITY) <= set(mirrored), mirrored
    for pack_name, cluster_policy in mirrored.items():
        assert cluster_policy in policies, f"pack policy {pack_name} mirrors missing ClusterPolicy {cluster_policy}"
    for name in POD_SECURITY:  # validate policies: the pack uses the ClusterPolicy's own name
        assert mirrored[name] == name


def test_clone_sources_and_generate_rules(stack):
    tls = stack.k8s("Secret", "tls-secret", "kyverno")
    assert tls["inputs"]["type"] == "kubernetes.io/tls"
    assert "metadata.labels" in tls["options"]["ignoreChanges"]
    # Plain Secrets, as upstream manages them (no ExternalSecret takes them over at adoption).
    for secret in ("registry-credentials", "ghcr-credentials"):
        source = stack.k8s("Secret", secret, "kyverno")
        assert source["type"] == "kubernetes:core/v1:Secret"
        assert source["inputs"]["type"] == "kubernetes.io/dockerconfigjson"
        assert source["inputs"]["data"] == "[secret]"
        assert source["options"]["ignoreChanges"] == ["metadata.labels"]
    assert not [r for r in stack.resources if r["inputs"].get("kind") == "ExternalSecret"]
    policies = _policies(stack)
    for policy, secret in (("sync-tls-secret", "tls-secret"), ("sync-registry-credentials", "registry-credentials"),
                           ("sync-ghcr-credentials", "ghcr-credentials")):
        [rule] = policies[policy]["spec"]["rules"]
        assert rule["generate"]["clone"] == {"namespace": "kyverno", "name": secret}, policy
    ghcr = policies["sync-ghcr-credentials"]["spec"]["rules"][0]
    assert "vpn-portal" in ghcr["match"]["any"][0]["resources"]["names"]
    [ghcr_res] = [r for r in stack.resources if r["name"] == "sync-ghcr-credentials-cluster-policy"]
    assert ghcr_res["options"]["deleteBeforeReplace"] is True


def test_pull_secrets_have_upstreams_exact_bytes(monkeypatch):
    """The dockerconfigjson is Terraform's jsonencode output (sorted keys, no spaces), base64'd."""
    import runpy

    from tools.synth import mockrt

    seen = {}
    original = mockrt._Mocks.new_resource

    def new_resource(self, args):
        if args.typ == "kubernetes:core/v1:Secret" and args.name in ("registry-credentials", "ghcr-credentials"):
            # A secret input reaches the mock in Pulumi's secret envelope: {<sig>: ..., "value": ...}.
            seen[args.name] = args.inputs["data"]["value"][".dockerconfigjson"]
        return original(self, args)

    monkeypatch.setattr(mockrt._Mocks, "new_resource", new_resource)
    monkeypatch.chdir(REPO / "stacks" / "kyverno")
    result = mockrt.run_callable(
        lambda: runpy.run_path(str(REPO / "stacks" / "kyverno" / "__main__.py"), run_name="__main__"),
        project="kyverno", invokes={"vault:kv/getSecretV2:getSecretV2": {
            "data": {"forgejo_pull_token": "tok1", "ghcr_pull_token": "tok2"}}})
    assert result.error is None, result.error
    decoded = {name: base64.b64decode(value).decode() for name, value in seen.items()}
    assert decoded == {
        "registry-credentials": '{"auths":{"forgejo.viktorbarzin.me":{"auth":"Y2x1c3Rlci1wdWxsZXI6dG9rMQ=="}}}',
        "ghcr-credentials": '{"auths":{"ghcr.io":{"auth":"VmlrdG9yQmFyemluOnRvazI=","password":"tok2",'
                            '"username":"ViktorBarzin"}}}',
    }


def test_trusted_registries_message_is_upstreams_text(stack):
    # security-policies.tf at 0cd4afb6, byte for byte (em dash included).
    [rule] = _policies(stack)["require-trusted-registries"]["spec"]["rules"]
    assert rule["validate"]["message"] == (
        "Images must be from trusted registries. Allowlist defined in "
        "stacks/kyverno/modules/kyverno/security-policies.tf \u2014 add the new registry there if "
        "intentional, otherwise switch the workload to a trusted source.")


def test_priority_classes_match_the_tier_mutation(stack):
    values = {r["inputs"]["metadata"]["name"]: r["inputs"]["value"]
              for r in stack.of_type("kubernetes:scheduling.k8s.io/v1:PriorityClass")}
    assert values == {"tier-0-core": 1000000, "tier-1-cluster": 800000, "tier-2-gpu": 600000,
                      "gpu-workload": 1200000, "tier-3-edge": 400000, "tier-4-aux": 200000}
    rules = _policies(stack)["inject-priority-class-from-tier"]["spec"]["rules"]
    targets = {yaml.safe_load(r["mutate"]["patchesJson6902"])[-1]["value"] for r in rules}
    assert targets == {n for n in values if n.startswith("tier-")}
    [gpu] = _policies(stack)["inject-gpu-workload-priority"]["spec"]["rules"]
    assert gpu["exclude"]["any"][0]["resources"]["namespaces"] == [
        "kube-system", "metallb-system", "kyverno", "calico-system", "calico-apiserver", "tts"]


def test_post_boot_reconcile_is_observe_only_by_default(stack):
    cron = stack.k8s("CronJob", "post-boot-reconcile", "kyverno")["inputs"]["spec"]
    container = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["DRY_RUN"] == "true" and env["GRACE_SECONDS"] == "300" and env["MAX_RESTARTS_PER_RUN"] == "15"
    assert cron["schedule"] == "*/10 * * * *"
    script = stack.k8s("ConfigMap", "post-boot-reconcile-script", "kyverno")["inputs"]["data"]["reconcile.py"]
    compile(script, "reconcile.py", "exec")


@needs_inventory
def test_policies_match_the_upstream_inventory(stack):
    inventory = json.loads(INVENTORY.read_text())
    upstream = [p for p in inventory["kyverno_policies"] if p["stack"] == "kyverno"]
    ported = {r["inputs"]["metadata"]["name"]: r["inputs"] for r in stack.resources
              if r["custom"] and r["inputs"].get("apiVersion", "").startswith("kyverno.io/")}
    assert {p["name"] for p in upstream} == set(ported)
    for policy in upstream:
        mine = ported[policy["name"]]
        assert (mine["apiVersion"], mine["kind"]) == (policy["apiVersion"], policy["kind"]), policy["name"]
        spec = mine["spec"]
        if policy["validationFailureAction"] is not None:
            assert spec["validationFailureAction"] == policy["validationFailureAction"], policy["name"]
        if policy["background"] is not None:
            assert spec["background"] == policy["background"], policy["name"]
        if policy["rules"]:
            assert [r["name"] for r in spec["rules"]] == [r["name"] for r in policy["rules"]], policy["name"]
            for theirs, ours in zip(policy["rules"], spec["rules"]):
                assert theirs["type"] in ours, (policy["name"], theirs["name"])
                kinds = {k for f in ours["match"]["any"] for k in f["resources"].get("kinds", [])}
                assert kinds == set(theirs["match_kinds"]), (policy["name"], theirs["name"])
                excluded = {n for f in (ours.get("exclude") or {}).get("any", [])
                            for n in f["resources"].get("namespaces", [])}
                if not any(n.startswith("expr:") for n in theirs["exclude_namespaces"]):  # unresolved upstream
                    assert excluded == set(theirs["exclude_namespaces"]), (policy["name"], theirs["name"])
        elif policy.get("rules_from_expression"):
            over = policy["rules_from_expression"]["over_values"]
            assert len(spec["rules"]) == len(over), policy["name"]
