"""Every router middleware an ingress names must exist as a Middleware somewhere in the fleet.

A router that names a missing Middleware is dropped by Traefik (404 for the whole host), so a
dangling reference is an outage, not a warning.
"""

import json
import re

import pytest


REFERENCE = re.compile(r"^(?P<namespace>[a-z0-9]([-a-z0-9]*[a-z0-9])?)-(?P<name>.+)@kubernetescrd$")


def _documents(fleet_dir):
    summary = json.loads((fleet_dir / "summary.json").read_text())
    for stack in sorted(summary["per_stack"]):
        path = fleet_dir / stack / "resources.json"
        if path.is_file():
            yield stack, json.loads(path.read_text())


def _k8s(resources, kind):
    for r in resources:
        if r["custom"] and r["inputs"].get("kind") == kind:
            yield r


def _resolve(reference: str, defined: set[tuple[str, str]]) -> bool:
    """`<ns>-<name>@kubernetescrd` is ambiguous when the namespace has dashes: try every split."""
    if not reference.endswith("@kubernetescrd"):
        return False
    body = reference.removesuffix("@kubernetescrd")
    return any((body[:i], body[i + 1:]) in defined for i, ch in enumerate(body) if ch == "-")


@pytest.fixture(scope="module")
def fleet(fleet_dir):
    defined: set[tuple[str, str]] = set()
    references: list[tuple[str, str, str]] = []
    for stack, document in _documents(fleet_dir):
        for mw in _k8s(document["resources"], "Middleware"):
            meta = mw["inputs"]["metadata"]
            defined.add((meta.get("namespace", "default"), meta["name"]))
        for ingress in _k8s(document["resources"], "Ingress"):
            annotations = ingress["inputs"].get("metadata", {}).get("annotations") or {}
            for ref in filter(None, (s.strip() for s in annotations.get("traefik.ingress.kubernetes.io/router.middlewares", "").split(","))):
                references.append((stack, ingress["urn"], ref))
    return defined, references


def test_the_fleet_has_ingresses_to_check(fleet):
    _, references = fleet
    assert references, "no router middleware references found: is the synth output empty?"


def test_every_referenced_middleware_is_defined(fleet):
    defined, references = fleet
    missing = [f"{stack}: {urn} references {ref}, which no stack defines as a Middleware"
               for stack, urn, ref in references if not _resolve(ref, defined)]
    assert not missing, "\n".join(missing)


def test_every_reference_is_well_formed(fleet):
    _, references = fleet
    bad = [f"{stack}: {urn}: {ref!r}" for stack, urn, ref in references if not REFERENCE.match(ref)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("reference, expected", [
    ("traefik-retry@kubernetescrd", True),
    ("my-app-sablier-my-app@kubernetescrd", True),
    ("traefik-nope@kubernetescrd", False),
    ("traefik-retry", False),
])
def test_resolver_handles_dashed_namespaces(reference, expected):
    defined = {("traefik", "retry"), ("my-app", "sablier-my-app")}
    assert _resolve(reference, defined) is expected
