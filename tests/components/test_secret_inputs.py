"""Deploy-time secrets: real value when present, placeholder only in previews, clear error otherwise."""

import pulumi
import pytest

from components.secret_inputs import (
    preview_config, secret_config, secret_config_object, vault_field, vault_json_field,
)

KV = "vault:kv/getSecretV2:getSecretV2"


def capture(run_mocked, make, **kwargs):
    seen = {}

    def program():
        value = make()
        if isinstance(value, pulumi.Output):
            value.apply(lambda v: seen.setdefault("v", v))
        else:
            seen["v"] = value

    recorded = run_mocked(program, **kwargs)
    return seen.get("v"), recorded


def test_vault_field_reads_the_value(run_mocked):
    value, _ = capture(run_mocked, lambda: vault_field("platform", "key"),
                       invokes={KV: {"data": {"key": "from-vault"}}})
    assert value == "from-vault"


def test_vault_field_default_then_placeholder_in_preview(run_mocked):
    assert capture(run_mocked, lambda: vault_field("platform", "key", default=""))[0] == ""
    value, _ = capture(run_mocked, lambda: vault_field("platform", "missing"))
    assert value.startswith("PLACEHOLDER") and "secret/platform missing" in value


def test_vault_field_missing_on_update_fails_naming_path_and_key(run_mocked):
    _, recorded = capture(run_mocked, lambda: vault_field("platform", "missing"), preview=False, expect_error=True)
    assert "secret/platform" in recorded.result.error and "'missing'" in recorded.result.error


def test_vault_json_field(run_mocked):
    value, _ = capture(run_mocked, lambda: vault_json_field("app", "tokens", placeholder=[]),
                       invokes={KV: {"data": {"tokens": '["a", "b"]'}}})
    assert value == ["a", "b"]
    assert capture(run_mocked, lambda: vault_json_field("app", "tokens", placeholder=["p"]))[0] == ["p"]


def test_secret_config_set_unset_preview_and_update(run_mocked):
    value, _ = capture(run_mocked, lambda: secret_config(pulumi.Config("app"), "token"),
                       config={"app:token": "s3"}, secret_keys=["app:token"])
    assert value == "s3"
    value, _ = capture(run_mocked, lambda: secret_config(pulumi.Config("app"), "token"))
    assert value == "PLACEHOLDER: config app:token"
    _, recorded = capture(run_mocked, lambda: secret_config(pulumi.Config("app"), "token"), preview=False, expect_error=True)
    assert "app:token" in recorded.result.error


def test_secret_config_object_and_preview_config(run_mocked):
    value, _ = capture(run_mocked, lambda: secret_config_object(pulumi.Config("app"), "widget", placeholder={"k": "p"}))
    assert value == {"k": "p"}
    assert capture(run_mocked, lambda: preview_config(pulumi.Config("app"), "channel"))[0] == "PLACEHOLDER: config app:channel"
    _, recorded = capture(run_mocked, lambda: preview_config(pulumi.Config("app"), "channel"), preview=False, expect_error=True)
    assert "app:channel" in recorded.result.error
