"""GitCryptKey: the key Secret's data in both mount shapes, the placeholder, the volume, bad inputs."""

import base64

import pulumi
import pytest

from components.errors import ArgumentError
from components.git_crypt import GitCryptKey, GitCryptKeyArgs, git_crypt_key, secret_data

# A stand-in key file: git-crypt's magic header plus a few bytes (not a real key).
KEY_FILE = b"\x00GITCRYPTKEY\x00\x00\x00\x02\x01\x02\x03"
KEY_B64 = base64.b64encode(KEY_FILE).decode()


def test_binary_mount_serves_the_raw_key():
    data = secret_data(KEY_B64, "binary")
    assert base64.b64decode(data["key"]) == KEY_FILE


def test_base64_text_mount_serves_the_base64_text():
    data = secret_data(KEY_B64 + "\n", "base64_text")
    assert base64.b64decode(data["key"]).decode() == KEY_B64


def test_placeholder_is_encoded_as_text():
    data = secret_data("PLACEHOLDER: config x:gitCryptKey", "binary")
    assert base64.b64decode(data["key"]) == b"PLACEHOLDER: config x:gitCryptKey"


@pytest.mark.parametrize("value, mode, argument", [
    ("not base64 !", "binary", "key_b64"),
    (KEY_B64, "configmap", "mount_format"),
])
def test_secret_data_rejects(value, mode, argument):
    with pytest.raises(ArgumentError, match=argument):
        secret_data(value, mode)


@pytest.mark.parametrize("overrides, argument", [
    ({"namespace": "Bad_NS"}, "namespace"),
    ({"mount_format": "data"}, "mount_format"),
    ({"key_b64": " "}, "key_b64"),
    ({"secret_name": "UPPER"}, "secret_name"),
])
def test_args_reject(overrides, argument):
    with pytest.raises(ArgumentError, match=argument):
        GitCryptKeyArgs(**{"namespace": "hermes-agent", "key_b64": KEY_B64, **overrides})


def test_secret_and_volume(run_mocked, registered_outputs):
    seen = {}

    def program():
        key = GitCryptKey("git-crypt-key", GitCryptKeyArgs(namespace="openclaw", key_b64=KEY_B64,
                                                            mount_format="base64_text"))
        seen["volume"] = key.volume(default_mode=0o400)
        seen["volume"]["secret"]["secret_name"].apply(lambda v: seen.setdefault("name", v))

    recorded = run_mocked(program)
    secret = recorded.k8s("Secret", "git-crypt-key")
    assert secret.name == "git-crypt-key-secret"
    assert secret.parent == "urn:pulumi:prod::test::homelab:k8s:GitCryptKey::git-crypt-key"
    assert secret.inputs["metadata"] == {"name": "git-crypt-key", "namespace": "openclaw"}
    assert secret.inputs["type"] == "Opaque"
    assert secret.inputs["data"] == "[secret]", "the key must never be recorded in plain text"
    assert seen["volume"]["name"] == "git-crypt-key" and seen["volume"]["secret"]["default_mode"] == 0o400
    assert seen["name"] == "git-crypt-key"
    assert registered_outputs[("GitCryptKey", "git-crypt-key")] == ["secret_name"]


@pytest.mark.parametrize("config", [{"test:gitCryptKey": KEY_B64}, {}], ids=["configured", "offline"])
def test_stack_helper_reads_secret_config(run_mocked, config):
    seen = []

    def program():
        key = git_crypt_key("woodpecker", pulumi.Config())
        key.secret_name.apply(seen.append)

    recorded = run_mocked(program, config=config, secret_keys=list(config))
    secret = recorded.k8s("Secret", "git-crypt-key")
    assert secret.name == "git-crypt-key-secret" and secret.inputs["metadata"]["namespace"] == "woodpecker"
    assert secret.inputs["data"] == "[secret]"
    assert seen == ["git-crypt-key"]


def test_volume_rejects_bad_mode(run_mocked):
    errors = []

    def program():
        key = GitCryptKey("k", GitCryptKeyArgs(namespace="n", key_b64=KEY_B64))
        with pytest.raises(ArgumentError, match="default_mode"):
            key.volume(default_mode=0o1777)
        errors.append(True)

    run_mocked(program)
    assert errors == [True]
