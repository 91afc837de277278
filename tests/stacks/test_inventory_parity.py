"""Every ported stack against the upstream inventory: ingresses, namespaces, workloads, secrets.

The inventory (../shared/upstream/inventory.json) exists only beside the porting workspace;
an operator's clone skips these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from upstream_inventory import INVENTORY, needs_inventory

REPO = Path(__file__).resolve().parents[2]
PORTED = sorted(p.parent.name for p in (REPO / "stacks").glob("*/Pulumi.yaml"))

pytestmark = needs_inventory


def _inventory() -> dict:
    return json.loads(INVENTORY.read_text())["stacks"]


def test_every_upstream_stack_has_a_project():
    """The fleet is complete: each inventory stack is a Pulumi project under stacks/ (and so
    synthesized by `make synth` and listed in docs/stacks.md)."""
    missing = sorted(set(_inventory()) - set(PORTED))
    assert missing == [], f"upstream stacks without a project: {missing}"


def _expected_chain(ing: dict) -> list[str]:
    """Upstream's chain, recomputed from the inventory's recorded arguments."""
    name, ns, auth = ing["name"], ing["namespace"], ing["auth"]
    anti_ai = ing["anti_ai_scraping"] if ing["anti_ai_scraping"] is not None else auth in ("app", "none")
    service = ing.get("service_name") or ""
    # `module.anubis.service_name` is an anubis_instance output, always "anubis-<name>".
    anubis = service.startswith("anubis-") or (service.startswith("expr:module.anubis") and service.endswith(".service_name"))
    items = [
        "traefik-real-ip@kubernetescrd" if anubis else None,
        "traefik-retry@kubernetescrd", "traefik-error-pages@kubernetescrd",
        None if ing["skip_default_rate_limit"] else "traefik-rate-limit@kubernetescrd",
        None if ing["custom_content_security_policy"] else "traefik-csp-headers@kubernetescrd",
        "traefik-ai-bot-block@kubernetescrd" if anti_ai else None, "traefik-anti-ai-headers@kubernetescrd" if anti_ai else None,
        {"required": "traefik-authentik-forward-auth@kubernetescrd", "public": "traefik-authentik-forward-auth-public@kubernetescrd"}.get(auth),
        "traefik-local-only@kubernetescrd" if ing["allow_local_access_only"] else None,
        f"{ns}-sablier-{name}@kubernetescrd" if ing["sablier"] else None,
        f"{ns}-custom-csp-{name}@kubernetescrd" if ing["custom_content_security_policy"] else None,
        f"{ns}-buffering-{name}@kubernetescrd" if ing["max_body_size"] else None,
        *ing["extra_middlewares"],
    ]
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def _chain_override(stack: str, ing: dict) -> list[str] | None:
    """Upstream callers may replace the whole chain through extra_annotations (later wins)."""
    for call in _inventory()[stack].get("module_calls", []):
        if call.get("name") == ing.get("module") and call.get("file") == ing.get("file"):
            extra = call.get("args", {}).get("extra_annotations") or {}
            value = extra.get("traefik.ingress.kubernetes.io/router.middlewares") if isinstance(extra, dict) else None
            if isinstance(value, str) and not value.startswith("expr:"):
                return value.split(",")
    return None


def _resolvable(ing: dict) -> bool:
    values = [ing["name"], ing["namespace"], ing["effective_host"], *ing["extra_middlewares"]]
    return all(isinstance(v, str) and not v.startswith("expr:") for v in values) and ing.get("enabled", True) is not False


def _ingress_cases():
    if not INVENTORY.is_file():
        return []
    cases = []
    for stack in PORTED:
        for ing in _inventory().get(stack, {}).get("ingresses", []):
            cases.append(pytest.param(stack, ing, id=f"{stack}:{ing['name']}"))
    return cases


@pytest.mark.parametrize("stack, upstream", _ingress_cases())
def test_upstream_ingress_exists_with_same_host_auth_and_chain(synth_stack, stack, upstream):
    if upstream.get("count_off") or upstream.get("disabled"):
        pytest.skip("disabled upstream (count = 0)")
    if upstream.get("orphan") or upstream.get("module_instances") == 0:
        pytest.skip("orphan local module upstream (never instantiated)")
    ported = synth_stack(stack)
    if not _resolvable(upstream):
        # Host or namespace computed upstream: match on what is literal.
        candidates = [r for r in ported.resources if r["inputs"].get("kind") == "Ingress"]
        assert candidates, f"{stack}: no Ingress synthesized for upstream {upstream['name']}"
        return
    ingress = ported.k8s("Ingress", upstream["name"], upstream["namespace"])
    annotations = ingress["inputs"]["metadata"]["annotations"]
    assert ingress["inputs"]["spec"]["rules"][0]["host"] == upstream["effective_host"], ingress["urn"]
    assert annotations["infra.viktorbarzin.me/auth"] == upstream["auth"], ingress["urn"]
    expected = _chain_override(stack, upstream) or _expected_chain(upstream)
    assert annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",") == expected, ingress["urn"]
    if upstream["auth"] == "required":
        groups = upstream["allowed_groups"]
        if all(isinstance(g, str) and not g.startswith("expr:") for g in groups):
            assert annotations["authentik.viktorbarzin.me/allowed-groups"] == ",".join(groups), ingress["urn"]


def _object_cases():
    if not INVENTORY.is_file():
        return []
    kinds = {"namespaces": "Namespace", "deployments": "Deployment", "cronjobs": "CronJob",
             "pvcs": "PersistentVolumeClaim", "statefulsets": "StatefulSet", "external_secrets": "ExternalSecret",
             "daemonsets": "DaemonSet"}
    cases = []
    for stack in PORTED:
        entry = _inventory().get(stack, {})
        for key, kind in kinds.items():
            for obj in entry.get(key, []):
                name, ns = obj.get("name"), obj.get("namespace")
                if not isinstance(name, str) or name.startswith("expr:"):
                    continue
                if key == "namespaces":
                    ns = None
                elif not isinstance(ns, str) or ns.startswith("expr:"):
                    continue
                # `count = 0` upstream: declared but never created, so nothing live to adopt.
                marks = [pytest.mark.skip(reason="count = 0 upstream")] if obj.get("count") == 0 else []
                # In a local module no block instantiates (servarr's lidarr/readarr/soulseek).
                if obj.get("orphan") or obj.get("module_instances") == 0:
                    marks = [pytest.mark.skip(reason="orphan local module upstream (never instantiated)")]
                cases.append(pytest.param(stack, kind, ns, name, id=f"{stack}:{kind}:{name}", marks=marks))
    return cases


@pytest.mark.parametrize("stack, kind, namespace, name", _object_cases())
def test_upstream_object_has_a_counterpart(synth_stack, stack, kind, namespace, name):
    ported = synth_stack(stack)
    ported.k8s(kind, name, namespace)


def _helm_cases():
    if not INVENTORY.is_file():
        return []
    cases = []
    for stack in PORTED:
        for release in _inventory().get(stack, {}).get("helm_releases", []):
            if not isinstance(release.get("name"), str) or release["name"].startswith("expr:"):
                continue
            cases.append(pytest.param(stack, release, id=f"{stack}:helm:{release['name']}"))
    return cases


@pytest.mark.parametrize("stack, upstream", _helm_cases())
def test_upstream_helm_release_has_same_name_chart_and_version(synth_stack, stack, upstream):
    """Release name and chart are the release's identity; a pinned upstream version carries over."""
    releases = [r["inputs"] for r in synth_stack(stack).of_type("kubernetes:helm.sh/v3:Release")]
    named = [r for r in releases if r.get("name") == upstream["name"]]
    assert named, f"{stack}: no Helm release named {upstream['name']!r} (have {[r.get('name') for r in releases]})"
    [release] = named
    assert release["chart"] == upstream["chart"], f"{stack}/{upstream['name']}: chart"
    namespace = upstream.get("namespace")
    if isinstance(namespace, str) and not namespace.startswith("expr:"):
        assert release.get("namespace") == namespace, f"{stack}/{upstream['name']}: namespace"
    version = upstream.get("version")
    if isinstance(version, str) and not version.startswith("expr:"):
        assert release.get("version") == version, f"{stack}/{upstream['name']}: pinned version"



# --- ServiceAccounts and RBAC: counted per kind ----------------------------------------------
# The inventory names these objects by their Terraform address only (no metadata name), so
# the comparison is a count per kind per stack. A local module's objects count once per
# instantiation (`module_instances`), a literal `count` multiplies, an orphan module (never
# called) counts nothing. A `for_each` or computed `count` has no count the inventory can
# give: then the upstream static objects are a lower bound (rbac's per-user bindings, vault's
# per-namespace deployer Roles come from Vault data the offline synth does not have).
RBAC_KINDS = {"kubernetes_service_account": "ServiceAccount", "kubernetes_role": "Role",
              "kubernetes_role_binding": "RoleBinding", "kubernetes_cluster_role": "ClusterRole",
              "kubernetes_cluster_role_binding": "ClusterRoleBinding"}
# Objects a port declares beyond upstream's, on purpose: (stack, kind) -> (extra count, why).
RBAC_ADDED: dict[tuple[str, str], tuple[int, str]] = {
    ("vault", "ServiceAccount"): (2, "woodpecker/ci-preview (PR previews' read-only identity) and "
                                     "vault/vault-raft-backup (SEC-031: the backup no longer uses the root token)"),
    ("vault", "ClusterRoleBinding"): (1, "ci-preview-view: the PR preview account gets `view` only"),
}


def _rbac_kind(tf_type: str) -> str | None:
    return RBAC_KINDS.get(tf_type.removesuffix("_v1"))


def _upstream_rbac_counts(stack: str) -> tuple[dict[str, int], set[str]]:
    """(static count per kind, kinds that also have objects of unknown count)."""
    counts: dict[str, int] = {}
    open_ended: set[str] = set()
    for res in _inventory().get(stack, {}).get("resources", []):
        kind = _rbac_kind(res["type"])
        if kind is None or res.get("orphan"):
            continue
        count = res.get("count", 1)
        if "for_each" in res or not isinstance(count, int):
            open_ended.add(kind)
            continue
        counts[kind] = counts.get(kind, 0) + count * res.get("module_instances", 1)
    return counts, open_ended


def _rbac_cases():
    if not INVENTORY.is_file():
        return []
    cases = []
    for stack in PORTED:
        counts, open_ended = _upstream_rbac_counts(stack)
        added = {kind for (s, kind) in RBAC_ADDED if s == stack}
        for kind in sorted(set(counts) | open_ended | added):
            cases.append(pytest.param(stack, kind, id=f"{stack}:rbac:{kind}"))
    return cases


@pytest.mark.parametrize("stack, kind", _rbac_cases())
def test_upstream_rbac_objects_have_counterparts(synth_stack, stack, kind):
    counts, open_ended = _upstream_rbac_counts(stack)
    extra, _why = RBAC_ADDED.get((stack, kind), (0, ""))
    expected = counts.get(kind, 0) + extra
    ported = sorted(r["inputs"].get("metadata", {}).get("name") for r in synth_stack(stack).resources
                    if r["custom"] and r["inputs"].get("kind") == kind)
    if kind in open_ended:
        assert len(ported) >= expected, f"{stack}: {kind} at least {expected} upstream (+ for_each), port has {ported}"
    else:
        assert len(ported) == expected, f"{stack}: {kind} {expected} upstream (incl. RBAC_ADDED), port has {ported}"


def test_rbac_added_entries_name_ported_stacks():
    assert {stack for stack, _ in RBAC_ADDED} <= set(PORTED)
