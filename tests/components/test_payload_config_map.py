"""PayloadConfigMap: files to a ConfigMap, the content hash, placeholders, rejected inputs."""

from pathlib import Path

import pytest

from components.errors import ArgumentError
from components.payload import content_hash
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs

# Digests computed with coreutils (sha256sum / sha1sum), not with the code under test.
SHA256_ONE = "0cb42bbdf016ecafd6c21ac6c4b1760bf5b346c70c4f96ba890ef3d74883c8c2"  # "echo one\n"
SHA1_ONE = "7bbdcd3a0c374a9fec467fe62e94b6c73cba8952"  # "echo one\n"
# sha256 of "<sha256 of 'echo one\n'>,<sha256 of 'b: 2\n'>", the proxy stack's combined shape.
SHA256_BOTH = "6b0336279573f21d7b98a47aee726b2c80dfb9ac9c380c0d684ae71b5bc38fe8"


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    (tmp_path / "files" / "conf").mkdir(parents=True)
    (tmp_path / "files" / "run.sh").write_text("echo one\n")
    (tmp_path / "files" / "conf" / "b.yaml").write_text("b: 2\n")
    return tmp_path


def cm_args(stack: Path, **overrides) -> PayloadConfigMapArgs:
    return PayloadConfigMapArgs(**{"namespace": "tasks", "stack_dir": stack, "files": {"run.sh": "run.sh"}, **overrides})


def test_files_become_one_config_map(run_mocked, stack, registered_outputs):
    seen = {}

    def program():
        payload = PayloadConfigMap("scripts", cm_args(stack, files={"run.sh": "run.sh", "b.yaml": "conf/b.yaml"},
                                                        labels={"app": "x"}))
        seen["volume"] = payload.volume("scripts", default_mode=0o755)
        seen["annotations"] = payload.pod_annotations
        payload.content_hash.apply(lambda v: seen.setdefault("hash", v))
        payload.volume("plain")["config_map"]["name"].apply(lambda v: seen.setdefault("cm", v))

    recorded = run_mocked(program)
    cm = recorded.k8s("ConfigMap", "scripts")
    assert cm.name == "scripts-config-map" and cm.parent == "urn:pulumi:prod::test::homelab:k8s:PayloadConfigMap::scripts"
    assert cm.inputs["metadata"] == {"name": "scripts", "namespace": "tasks", "labels": {"app": "x"}}
    assert cm.inputs["data"] == {"run.sh": "echo one\n", "b.yaml": "b: 2\n"}
    assert seen["volume"]["name"] == "scripts" and seen["volume"]["config_map"]["default_mode"] == 493
    assert seen["cm"] == "scripts"
    assert seen["annotations"] == {} and seen["hash"] is None
    assert registered_outputs[("PayloadConfigMap", "scripts")] == ["config_map_name", "content_hash"]


def test_hash_annotation_single_file_and_algorithms(run_mocked, stack):
    seen = {}

    def program():
        seen["sha256"] = PayloadConfigMap("a", cm_args(stack, hash_annotation="checksum/config")).pod_annotations
        seen["sha1"] = PayloadConfigMap("b", cm_args(stack, hash_annotation="checksum/gate",
                                                       hash_algorithm="sha1")).pod_annotations

    run_mocked(program)
    assert seen == {"sha256": {"checksum/config": SHA256_ONE}, "sha1": {"checksum/gate": SHA1_ONE}}


def test_hash_over_several_files_and_a_subset(run_mocked, stack):
    seen = {}
    files = {"run.sh": "run.sh", "b.yaml": "conf/b.yaml"}

    def program():
        seen["both"] = PayloadConfigMap("a", cm_args(stack, files=files, hash_annotation="h")).pod_annotations
        seen["one"] = PayloadConfigMap("b", cm_args(stack, files=files, hash_annotation="h",
                                                      hash_keys=["run.sh"])).pod_annotations

    run_mocked(program)
    assert seen == {"both": {"h": SHA256_BOTH}, "one": {"h": SHA256_ONE}}


def test_content_hash_rejects_bad_input():
    with pytest.raises(ValueError, match="md5"):
        content_hash(["x"], "md5")
    with pytest.raises(ValueError, match="non-empty"):
        content_hash([])


def test_placeholder_renders_in_preview_and_refuses_on_update(run_mocked, stack):
    (stack / "files" / "big.py").write_text("PLACEHOLDER: bring over stacks/x/files/big.py\n")
    recorded = run_mocked(lambda: PayloadConfigMap("big", cm_args(stack, files={"big.py": "big.py"})))
    assert recorded.k8s("ConfigMap", "big").inputs["data"]["big.py"].startswith("PLACEHOLDER")
    failed = run_mocked(lambda: PayloadConfigMap("big", cm_args(stack, files={"big.py": "big.py"})),
                        preview=False, expect_error=True)
    assert "PlaceholderError" in failed.result.error and "big.py" in failed.result.error


def test_moved_config_map_is_aliased(run_mocked, stack):
    recorded = run_mocked(lambda: PayloadConfigMap("fetcher", cm_args(
        stack, config_map_name="poison-fountain-fetcher", moved_from={"config_map": "poison-fountain-fetcher"})))
    cm = recorded.k8s("ConfigMap", "poison-fountain-fetcher")
    assert {"name": "poison-fountain-fetcher", "noParent": True} in cm.options["aliases"]


BAD = [
    (dict(namespace="A"), "namespace"),
    (dict(files={}), "files"),
    (dict(files={"bad key": "run.sh"}), "files"),
    (dict(files={"run.sh": "../run.sh"}), "files['run.sh']"),
    (dict(files={"run.sh": "/etc/passwd"}), "files['run.sh']"),
    (dict(files={"x.sh": "missing.sh"}), "files['x.sh']"),
    (dict(config_map_name="Bad"), "config_map_name"),
    (dict(hash_annotation=""), "hash_annotation"),
    (dict(hash_keys=["run.sh"]), "hash_keys"),
    (dict(hash_annotation="h", hash_keys=["other"]), "hash_keys"),
    (dict(hash_algorithm="md5"), "hash_algorithm"),
    (dict(moved_from={"cronjob": "x"}), "moved_from"),
]


@pytest.mark.parametrize("overrides,argument", BAD)
def test_rejects(stack, overrides, argument):
    with pytest.raises(ArgumentError) as err:
        cm_args(stack, **overrides)
    assert err.value.component == "PayloadConfigMap" and err.value.argument == argument


def test_rejects_a_stack_dir_that_is_not_a_directory(tmp_path):
    with pytest.raises(ArgumentError) as err:
        cm_args(tmp_path / "nope")
    assert err.value.argument == "stack_dir"
