"""The offline synth as a command: outputs, determinism, errors per stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tools.synth.__main__ import load_stack_config, stable_order

REPO = Path(__file__).resolve().parent.parent


def make_stack(root: Path, name: str, program: str, config: dict | None = None) -> None:
    stack = root / name
    stack.mkdir(parents=True)
    (stack / "Pulumi.yaml").write_text(yaml.safe_dump({"name": name, "runtime": "python"}))
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump({"config": config or {}}))
    (stack / "__main__.py").write_text(program)


def synth(stacks_dir: Path, out: Path, *names: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "tools.synth", "--stacks-dir", str(stacks_dir), "--out", str(out)]
    if names:
        args += ["--stacks", *names]
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True)


GOOD = '''
import pulumi, pulumi_kubernetes as k8s
cfg = pulumi.Config()
k8s.core.v1.ConfigMap("cm", metadata={"name": "settings", "namespace": "demo"},
                      data={"greeting": cfg.require("greeting")})
k8s.core.v1.Secret("s", metadata={"name": "creds", "namespace": "demo"},
                   string_data={"token": cfg.require_secret("token")})
'''
BROKEN = '''
from components.ingress import IngressArgs, IngressFactory
from components.settings import ClusterSettings
IngressFactory("web", IngressArgs.on_cluster(ClusterSettings(), namespace="demo", auth="sometimes"))
'''
BAD_SCHEMA = '''
import pulumi_kubernetes as k8s
k8s.core.v1.Service("svc", metadata={"name": "web", "namespace": "demo"}, spec={"ports": [{"port": "eighty"}]})
'''


def test_outputs_config_secrets_and_manifests(tmp_path):
    make_stack(tmp_path / "stacks", "demo", GOOD, {"greeting": "hi", "token": {"secure": "v1:AAAA"}})
    proc = synth(tmp_path / "stacks", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    document = json.loads((tmp_path / "out" / "demo" / "resources.json").read_text())
    assert (document["stack"], document["project"]) == ("prod", "demo")
    by_name = {r["name"]: r for r in document["resources"]}
    assert by_name["cm"]["inputs"]["data"] == {"greeting": "hi"}
    assert by_name["s"]["inputs"]["stringData"] == "[secret]"
    assert "v1:AAAA" not in json.dumps(document) and "synth-placeholder" not in json.dumps(document)
    manifest = yaml.safe_load((tmp_path / "out" / "demo" / "manifests" / "ConfigMap_demo_settings.yaml").read_text())
    assert manifest["apiVersion"] == "v1" and manifest["metadata"]["name"] == "settings"
    assert "1 stacks" in proc.stdout.splitlines()[-1]


def test_a_failing_stack_is_named_and_the_others_still_synthesize(tmp_path):
    make_stack(tmp_path / "stacks", "broken", BROKEN)
    make_stack(tmp_path / "stacks", "schema", BAD_SCHEMA)
    make_stack(tmp_path / "stacks", "fine", GOOD, {"greeting": "x", "token": "y"})
    proc = synth(tmp_path / "stacks", tmp_path / "out")
    assert proc.returncode == 1
    program = (tmp_path / "stacks" / "broken" / "__main__.py").resolve()
    # The stack, the program line that built the component, then the component's message.
    assert (f"broken: program failed: {program}:4: ArgumentError: IngressFactory: argument 'auth' "
            "is 'sometimes'") in proc.stdout
    assert "Task was destroyed" not in proc.stdout + proc.stderr
    assert "schema: urn:pulumi:prod::schema::kubernetes:core/v1:Service::svc: spec.ports.0.port" in proc.stdout
    assert (tmp_path / "out" / "fine" / "resources.json").is_file()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert sorted(summary["failed"]) == ["broken", "schema"]


def test_unknown_stack_is_rejected(tmp_path):
    (tmp_path / "stacks").mkdir()
    proc = synth(tmp_path / "stacks", tmp_path / "out", "nope")
    assert proc.returncode == 2 and "unknown stack(s): nope" in proc.stderr


def test_output_is_identical_across_runs(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert synth(REPO / "stacks", out, "tandoor", "traefik").returncode == 0
    for stack in ("tandoor", "traefik"):
        assert (first / stack / "resources.json").read_bytes() == (second / stack / "resources.json").read_bytes()


def test_stable_order_puts_parents_first():
    records = [
        {"urn": "c", "parent": "b"}, {"urn": "b", "parent": "root"}, {"urn": "a", "parent": "root"},
    ]
    assert [r["urn"] for r in stable_order(records)] == ["a", "b", "c"]


def test_config_namespaces_and_structured_values(tmp_path):
    stack = tmp_path / "s"
    stack.mkdir()
    (stack / "Pulumi.prod.yaml").write_text(yaml.safe_dump({"config": {
        "cluster:nfsServer": "10.1.1.1", "plain": "v", "obj": {"a": 1}, "pw": {"secure": "v1:x"}}}))
    config, secret_keys = load_stack_config(stack, "proj")
    assert config == {"cluster:nfsServer": "10.1.1.1", "proj:plain": "v", "proj:obj": '{"a": 1}',
                      "proj:pw": "synth-placeholder-secret"}
    assert secret_keys == ["proj:pw"]


MISSPELT_CRD = '''
import pulumi_kubernetes as k8s
k8s.apiextensions.CustomResource("mw", api_version="traefik.io/v1alpha1", kind="Middleware",
    metadata={"name": "buffering-web", "namespace": "demo"},
    spec={"buffering": {"maxRequestBodyByte": 10}})
k8s.apiextensions.CustomResource("es", api_version="external-secrets.io/v1", kind="ExternalSecret",
    metadata={"name": "web", "namespace": "demo"},
    spec={"refreshIntervall": "15m", "secretStoreRef": {"name": "vault-kv", "kind": "ClusterSecretStore"}})
'''


def test_custom_resources_with_misspelt_fields_fail(tmp_path):
    make_stack(tmp_path / "stacks", "crd", MISSPELT_CRD)
    proc = synth(tmp_path / "stacks", tmp_path / "out")
    assert proc.returncode == 1
    assert "Middleware::mw: spec.buffering: Additional properties are not allowed ('maxRequestBodyByte'" in proc.stdout
    assert "ExternalSecret::es: spec: Additional properties are not allowed ('refreshIntervall'" in proc.stdout


def test_programs_know_they_run_in_the_offline_synth(tmp_path):
    make_stack(tmp_path / "stacks", "probe", '''
import pulumi_kubernetes as k8s
from components.payload import offline_synth
k8s.core.v1.ConfigMap("cm", metadata={"name": "probe", "namespace": "demo"}, data={"offline": str(offline_synth())})
''')
    assert synth(tmp_path / "stacks", tmp_path / "out").returncode == 0
    document = json.loads((tmp_path / "out" / "probe" / "resources.json").read_text())
    assert document["resources"][0]["inputs"]["data"] == {"offline": "True"}


OVERSIZED = '''
import pulumi_kubernetes as k8s
# Two dashboards: the first alone fits (99.9% of the limit), both together do not.
k8s.core.v1.ConfigMap("fits", metadata={"name": "fits", "namespace": "monitoring"},
                      data={"a.json": "x" * (1024 * 1024 - 1024)})
k8s.core.v1.ConfigMap("dashboards", metadata={"name": "dashboards", "namespace": "monitoring"},
                      data={"a.json": "x" * (1024 * 1024 - 1024), "b.json": "é" * 600})
'''


def test_a_config_map_over_one_mebibyte_fails_the_synth(tmp_path):
    make_stack(tmp_path / "stacks", "big", OVERSIZED)
    proc = synth(tmp_path / "stacks", tmp_path / "out")
    assert proc.returncode == 1
    assert "ConfigMap::dashboards: <root>: ConfigMap data is 1,048,752 bytes, over the API server's limit " \
           "of 1,048,576 bytes (1 MiB)" in proc.stdout
    assert "ConfigMap::fits" not in proc.stdout


def test_data_size_counts_values_and_decodes_secret_data():
    from tools.synth.schema import data_size, size_errors
    assert data_size({"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "ab"}, "binaryData": {"b": "AAAA"}}) == 5
    assert data_size({"apiVersion": "v1", "kind": "Secret", "data": {"k": "AAAA"}, "stringData": {"s": "xyz"}}) == 6
    assert size_errors({"apiVersion": "v1", "kind": "Service", "data": {"k": "x" * (2 << 20)}}) == []
