"""NfsVolume, Namespace, HelmRelease, TlsSecret, AnubisInstance, settings and payloads."""

from pathlib import Path

import pytest
import yaml

from components.anubis import AnubisArgs, AnubisInstance, default_rules_with, render_policy
from components.errors import ArgumentError
from components.helm import HelmRelease, HelmReleaseArgs
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import PlaceholderError, load_payload, terraform_json, tls_material
from components.settings import ClusterSettings
from components.tls_secret import TlsSecret, TlsSecretArgs
from components.workload import deployment_ignore_changes, secret_env


def test_nfs_volume_pv_and_claim(run_mocked):
    recorded = run_mocked(lambda: NfsVolume("app-data", NfsVolumeArgs(namespace="app", nfs_server="10.0.0.1",
                                                                     nfs_path="/srv/nfs/app", storage="5Gi")))
    pv = recorded.k8s("PersistentVolume", "app-data")
    assert pv.inputs["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv.inputs["spec"]["mountOptions"] == ["nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5"]
    assert pv.inputs["spec"]["csi"] == {"driver": "nfs.csi.k8s.io", "volumeHandle": "app-data",
                                        "volumeAttributes": {"server": "10.0.0.1", "share": "/srv/nfs/app"}}
    pvc = recorded.k8s("PersistentVolumeClaim", "app-data")
    assert pvc.inputs["spec"]["volumeName"] == "app-data" and pvc.inputs["spec"]["storageClassName"] == "nfs-truenas"
    assert pv.options["retainOnDelete"] and pvc.options["retainOnDelete"]
    assert pv.options["protect"] and pvc.options["protect"]
    assert pv.urn in pvc.options["dependsOn"]


def test_namespace_has_tier_and_is_protected(run_mocked):
    recorded = run_mocked(lambda: Namespace("app", NamespaceArgs(tier="4-aux", labels={"keel.sh/enrolled": "true"})))
    ns = recorded.k8s("Namespace", "app")
    assert ns.inputs["metadata"]["labels"] == {"keel.sh/enrolled": "true", "tier": "4-aux"}
    assert ns.options["protect"] is True
    assert ns.options["ignoreChanges"] == ["metadata.labels[\"goldilocks.fairwinds.com/vpa-update-mode\"]"]


def test_helm_release_defaults(run_mocked):
    recorded = run_mocked(lambda: HelmRelease("eso", HelmReleaseArgs(namespace="eso", chart="external-secrets",
                                                                     version="2.6.0", repository="https://x")))
    release = recorded.one("kubernetes:helm.sh/v3:Release").inputs
    assert (release["name"], release["atomic"], release["cleanupOnFail"], release["timeout"]) == ("eso", True, True, 300)


def test_tls_secret_is_secret_and_ignores_kyverno_labels(run_mocked):
    recorded = run_mocked(lambda: TlsSecret("tls", TlsSecretArgs(namespace="n", secret_name="tls-secret",
                                                                 certificate="CERT", private_key="KEY")))
    secret = recorded.k8s("Secret", "tls-secret")
    assert secret.inputs["stringData"] == "[secret]"
    assert secret.inputs["type"] == "kubernetes.io/tls"
    assert secret.options["ignoreChanges"] == ["metadata.labels"]


def test_anubis_policy_has_trusted_networks_first_and_store():
    policy = render_policy(AnubisArgs(namespace="w", target_url="http://blog.w.svc", shared_store_url="redis://r:6379/3"))
    document = yaml.safe_load(policy)
    assert document["bots"][0]["name"] == "trusted-local-networks"
    assert document["bots"][-1]["name"] == "catchall-challenge"
    assert document["store"] == {"backend": "valkey", "parameters": {"url": "redis://r:6379/3"}}


def test_anubis_site_rules_go_between_the_imports_and_the_catch_all():
    extra = "- name: site-json\n  path_regex: ^/api/\n  action: ALLOW\n"
    policy = render_policy(AnubisArgs(namespace="w", target_url="http://f1.w.svc",
                                      policy_rules_yaml=default_rules_with(extra)))
    names = [rule.get("name") or rule["import"] for rule in yaml.safe_load(policy)["bots"]]
    assert names[0] == "trusted-local-networks"
    assert names[-3:] == ["site-json", "allow-non-get-methods", "catchall-challenge"]
    assert names[-4] == "(data)/common/keep-internet-working.yaml"


def test_anubis_objects(run_mocked):
    recorded = run_mocked(lambda: AnubisInstance("blog", AnubisArgs(namespace="w", target_url="http://blog.w.svc")))
    deployment = recorded.k8s("Deployment", "anubis-blog")
    assert deployment.inputs["spec"]["replicas"] == 1
    assert deployment.inputs["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/techarohq/anubis:v1.25.0"
    key = recorded.k8s("ExternalSecret", "anubis-blog-key").inputs["spec"]
    assert key["data"] == [{"secretKey": "key", "remoteRef": {"key": "viktor", "property": "anubis_ed25519_key"}}]
    assert recorded.k8s("Service", "anubis-blog").inputs["spec"]["ports"][0]["port"] == 8080
    assert recorded.k8s("PodDisruptionBudget", "anubis-blog").inputs["spec"]["maxUnavailable"] == 1


BAD = [
    (lambda: NfsVolumeArgs(namespace="n", nfs_server="s", nfs_path="relative"), "nfs_path"),
    (lambda: NfsVolumeArgs(namespace="n", nfs_server="s", nfs_path="/p", storage="5GB"), "storage"),
    (lambda: NfsVolumeArgs(namespace="n", nfs_server="s", nfs_path="/p", access_modes=["RWX"]), "access_modes[]"),
    (lambda: NfsVolumeArgs(namespace="n", nfs_server="", nfs_path="/p"), "nfs_server"),
    (lambda: NamespaceArgs(tier="aux"), "tier"),
    (lambda: NamespaceArgs(tier="4-aux", labels={"tier": "x"}), "labels"),
    (lambda: HelmReleaseArgs(namespace="n", chart="c", version="latest"), "version"),
    (lambda: HelmReleaseArgs(namespace="n", chart="c", version="^1.2"), "version"),
    (lambda: HelmReleaseArgs(namespace="n", chart="", version="1"), "chart"),
    (lambda: HelmReleaseArgs(namespace="n", chart="c", version="1", timeout=0), "timeout"),
    (lambda: HelmReleaseArgs(namespace="n", chart="c", version="1", values=["a"]), "values"),
    (lambda: AnubisArgs(namespace="n", target_url="blog"), "target_url"),
    (lambda: AnubisArgs(namespace="n", target_url="http://b", replicas=3), "replicas"),
    (lambda: AnubisArgs(namespace="n", target_url="http://b", shared_store_url="redis://r:6379"), "shared_store_url"),
    (lambda: AnubisArgs(namespace="n", target_url="http://b", image_tag="latest"), "image_tag"),
    (lambda: AnubisArgs(namespace="n", target_url="http://b", policy_rules_yaml="bots:\n- x"), "policy_rules_yaml"),
    (lambda: TlsSecretArgs(namespace="n", secret_name="Bad Name", certificate="c", private_key="k"), "secret_name"),
]


@pytest.mark.parametrize("build, argument", BAD, ids=[f"{a}-{i}" for i, (_, a) in enumerate(BAD)])
def test_bad_inputs(build, argument):
    with pytest.raises(ArgumentError) as err:
        build()
    assert err.value.argument == argument


def test_ignore_change_presets():
    assert deployment_ignore_changes() == ["spec.template.spec.dnsConfig"]
    keel = deployment_ignore_changes(keel=True, sablier=True)
    assert "spec.template.spec.containers[0].image" in keel and keel[-1] == "spec.replicas"
    assert 'metadata.annotations["keel.sh/policy"]' in keel


def test_secret_env_optional_flag():
    assert secret_env("s", {"A": "a"}, optional=True) == [
        {"name": "A", "value_from": {"secret_key_ref": {"name": "s", "key": "a", "optional": True}}}]


def test_settings_defaults_and_overrides(run_mocked):
    seen = {}
    run_mocked(lambda: seen.setdefault("s", ClusterSettings.load()),
               config={"cluster:nfsServer": "10.9.9.9", "cluster:internalLbIp": "10.0.0.5"})
    settings = seen["s"]
    assert settings.nfs_server == "10.9.9.9" and settings.dns.internal_lb_ip == "10.0.0.5"
    assert settings.root_domain == "viktorbarzin.me" and settings.tier("aux") == "4-aux"
    with pytest.raises(KeyError, match="unknown tier"):
        settings.tier("gold")


def test_placeholder_payload_renders_in_preview_and_refuses_on_update(run_mocked, tmp_path: Path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "dash.json").write_text("PLACEHOLDER: bring over dashboards/x.json\n")
    seen = {}
    run_mocked(lambda: seen.setdefault("text", load_payload(tmp_path, "dash.json")))
    assert seen["text"].startswith("PLACEHOLDER")
    recorded = run_mocked(lambda: load_payload(tmp_path, "dash.json"), preview=False, expect_error=True)
    assert "PlaceholderError" in recorded.result.error and "dash.json" in recorded.result.error


@pytest.mark.parametrize("value, encoded", [
    ([{"url": "https://u.example", "name": "Main", "apiKey": "k"}],
     '[{"apiKey":"k","name":"Main","url":"https://u.example"}]'),
    ({"b": [1, True, None], "a": {"z": "x", "y": ""}}, '{"a":{"y":"","z":"x"},"b":[1,true,null]}'),
    ({"html": "<a href='x'>&</a>"}, '{"html":"\\u003ca href=\'x\'\\u003e\\u0026\\u003c/a\\u003e"}'),
    ({"text": "Ж\u2028"}, '{"text":"Ж\\u2028"}'),
])
def test_terraform_json_matches_jsonencode_bytes(value, encoded):
    assert terraform_json(value) == encoded


def test_terraform_json_refuses_floats():
    with pytest.raises(TypeError, match="float"):
        terraform_json({"ratio": [0.5]})


def test_tls_material_missing_files(run_mocked, tmp_path: Path):
    run_mocked(lambda: tls_material(tmp_path))
    recorded = run_mocked(lambda: tls_material(tmp_path), preview=False, expect_error=True)
    assert "fullchain.pem" in recorded.result.error
    assert isinstance(PlaceholderError("x"), RuntimeError)


def test_random_password_ignores_generation_parameters(run_mocked):
    from components.random_secret import random_password

    recorded = run_mocked(lambda: random_password("secret-key", length=128, special=False))
    password = recorded.one("random:index/randomPassword:RandomPassword")
    assert password.inputs["length"] == 128 and password.inputs["special"] is False
    # Any of these, differing from what the import recorded, would rotate the password.
    assert password.options["ignoreChanges"] == [
        "length", "special", "upper", "lower", "numeric", "number",
        "minSpecial", "minUpper", "minLower", "minNumeric", "overrideSpecial"]
    with pytest.raises(ArgumentError, match="length"):
        random_password("x", length=0)


def test_random_password_defaults_to_special_characters(run_mocked):
    from components.random_secret import random_password

    recorded = run_mocked(lambda: random_password("api-key", length=32))
    password = recorded.one("random:index/randomPassword:RandomPassword")
    assert (password.inputs["length"], password.inputs["special"]) == (32, True)
    assert password.custom and password.options["protect"] is False
