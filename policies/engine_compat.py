"""Keep Pulumi secrets recognisable inside the pack.

pulumi_policy 1.21 unwraps secret-signature values to their plaintext before validators run,
so a value from ``config.require_secret`` would look exactly like a literal typed into the
program. The pack entry point swaps the deserializer used by the SDK's ``Analyze``/
``AnalyzeStack`` for one that first replaces every secret-signature object with a
``SecretValue`` placeholder. Validators then see the secret marker, never the plaintext.
tests/policies check this over the real analyzer protocol, so an SDK change that breaks the
hook fails the tests instead of silently disabling no-plaintext-secrets.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import deserialize as _deser
from pulumi_policy import policy as _policy

from policies.common import SYNTH_SECRET, SecretValue


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(_deser.SPECIAL_SIG_KEY) == _deser.SPECIAL_SECRET_SIG:
            return SecretValue(SYNTH_SECRET)
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def install() -> None:
    original = _deser.deserialize_properties

    def deserialize_masking_secrets(props, proxy_secrets: bool = False):
        return original(_mask(props), proxy_secrets)

    if getattr(_policy.deserialize_properties, "__name__", "") != "deserialize_masking_secrets":
        _policy.deserialize_properties = deserialize_masking_secrets
