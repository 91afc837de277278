"""platform (Tier 0): no resources, the upstream outputs under their upstream names."""

from pathlib import Path

import yaml

STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "platform"


def test_platform_creates_nothing(synth_stack):
    stack = synth_stack("platform")
    assert [r["urn"] for r in stack.resources if r["custom"]] == []


def test_platform_is_tier_zero_and_never_waits_for_vault():
    meta = yaml.safe_load((STACK_DIR / "stack.yaml").read_text())
    assert meta["bootstrap"] is True
    assert "vault" not in meta["depends_on"]


def test_every_upstream_output_is_exported():
    source = (STACK_DIR / "__main__.py").read_text()
    for name in ("tls_secret_name", "redis_host", "postgresql_host", "postgresql_port",
                 "mysql_host", "mysql_port", "smtp_host", "smtp_port"):
        assert f'pulumi.export("{name}"' in source, name
