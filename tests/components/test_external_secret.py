"""ExternalSecret: v1 only, the stores, data/dataFrom shape, SSA conflict handling."""

import pytest

from components.errors import ArgumentError
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey, external_secret_spec, reload_on_change


def test_extract_spec_shape():
    spec = external_secret_spec("app-secrets", ExternalSecretArgs(namespace="app", extract=["app"]))
    assert spec == {
        "refreshInterval": "15m",
        "secretStoreRef": {"name": "vault-kv", "kind": "ClusterSecretStore"},
        "target": {"name": "app-secrets"},
        "dataFrom": [{"extract": {"key": "app"}}],
    }


def test_data_spec_with_target_and_template():
    spec = external_secret_spec("db", ExternalSecretArgs(
        namespace="app", store="vault-database", target_name="db-creds", creation_policy="Owner",
        template={"type": "Opaque"}, refresh_interval="1h",
        data=[SecretKey(secret_key="password", key="static-creds/app", property="password"), SecretKey(secret_key="raw", key="x")],
    ))
    assert spec["secretStoreRef"]["name"] == "vault-database"
    assert spec["target"] == {"name": "db-creds", "creationPolicy": "Owner", "template": {"type": "Opaque"}}
    assert spec["data"] == [
        {"secretKey": "password", "remoteRef": {"key": "static-creds/app", "property": "password"}},
        {"secretKey": "raw", "remoteRef": {"key": "x"}},
    ]
    assert "dataFrom" not in spec


@pytest.mark.parametrize("force, expected", [(True, {"pulumi.com/patchForce": "true"}), (False, None)])
def test_resource_is_v1_and_forces_conflicts_by_default(run_mocked, force, expected):
    recorded = run_mocked(lambda: ExternalSecret("s", ExternalSecretArgs(namespace="n", extract=["p"], force_conflicts=force)))
    es = recorded.k8s("ExternalSecret", "s")
    assert es.type == "kubernetes:external-secrets.io/v1:ExternalSecret"
    assert es.inputs["apiVersion"] == "external-secrets.io/v1"
    assert es.inputs["metadata"].get("annotations") == expected
    assert es.parent.endswith("homelab:k8s:ExternalSecret::s")


def test_reloader_helper_keeps_existing_annotations():
    assert reload_on_change({"a": "b"}) == {"a": "b", "reloader.stakater.com/auto": "true"}


BAD = [
    (dict(store="vault"), "store"),
    (dict(creation_policy="Always"), "creation_policy"),
    (dict(extract=[]), "data"),
    (dict(extract="path"), "extract"),
    (dict(extract=[""]), "extract[]"),
    (dict(data=[{"secretKey": "a"}], extract=[]), "data"),
    (dict(data=[SecretKey(secret_key="", key="k")], extract=[]), "data[].secret_key"),
    (dict(data=[SecretKey(secret_key="a", key="")], extract=[]), "data[].key"),
    (dict(target_name="Bad_Name"), "target_name"),
    (dict(refresh_interval="often"), "refresh_interval"),
    (dict(namespace=""), "namespace"),
]


@pytest.mark.parametrize("overrides, argument", BAD, ids=[a for _, a in BAD])
def test_bad_inputs(overrides, argument):
    base = {"namespace": "n", "extract": ["p"], **overrides}
    with pytest.raises(ArgumentError) as err:
        ExternalSecretArgs(**base)
    assert err.value.argument == argument and "ExternalSecret" in str(err.value)
