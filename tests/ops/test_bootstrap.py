"""The bootstrap program's names agree with what the wrapper hands to stacks."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bootstrap"))

import plan  # noqa: E402
from tools.ops.backend import HASHIVAULT_PROVIDER, backend_url  # noqa: E402


def test_transit_policy_grants_only_encrypt_and_decrypt_on_the_state_key():
    policy = plan.transit_policy()
    assert f'path "transit/encrypt/{plan.TRANSIT_KEY}"' in policy
    assert f'path "transit/decrypt/{plan.TRANSIT_KEY}"' in policy
    assert policy.count("path ") == 2
    assert HASHIVAULT_PROVIDER == f"hashivault://{plan.TRANSIT_KEY}"


def test_bucket_name_matches_the_stacks_backend_url():
    assert f"s3://{plan.bucket_name(None)}?" in backend_url({"R2_ACCOUNT_ID": "acct"})


def test_root_project_keeps_its_own_state_local():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["main"] == "bootstrap/"
    assert project["backend"]["url"].startswith("file://")


def test_constants_agree_with_the_wrapper():
    from tools.ops import backend

    assert (plan.DEFAULT_BUCKET, plan.TRANSIT_MOUNT, plan.TRANSIT_KEY) == (
        backend.DEFAULT_BUCKET, backend.TRANSIT_MOUNT, backend.TRANSIT_KEY)
