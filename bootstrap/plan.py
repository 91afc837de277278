"""Pure helpers for the bootstrap program. Self-contained (the program runs with only
bootstrap/ on sys.path); tests/ops/test_bootstrap.py checks these names agree with
tools/ops/backend.py, which hands them to every stack."""

DEFAULT_BUCKET = "homelab-pulumi-state"
TRANSIT_MOUNT = "transit"
TRANSIT_KEY = "pulumi-state"


def bucket_name(configured: str | None) -> str:
    return configured or DEFAULT_BUCKET


def transit_policy() -> str:
    """Encrypt/decrypt with the one key, nothing else (no key export, no rotation by CI)."""
    return (
        f'path "{TRANSIT_MOUNT}/encrypt/{TRANSIT_KEY}" {{ capabilities = ["update"] }}\n'
        f'path "{TRANSIT_MOUNT}/decrypt/{TRANSIT_KEY}" {{ capabilities = ["update"] }}\n'
    )
