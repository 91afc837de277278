"""platform_users: selecting namespace owners and their domains from the k8s_users roster."""

import pytest

from components.errors import ArgumentError
from components.platform_users import namespace_owners, owner_domains, read_k8s_users

ROSTER = {
    "alice": {"role": "namespace-owner", "namespaces": ["alice"], "domains": ["alice.example.org", "app.alice.example.org"]},
    "admin": {"role": "admin", "domains": ["ignored.example.org"]},
    "bob": {"role": "namespace-owner", "namespaces": ["bob"]},
    "carol": {"role": "namespace-owner", "domains": ["carol.example.org"]},
}


def test_owners_keep_roster_order_and_skip_other_roles():
    assert list(namespace_owners(ROSTER)) == ["alice", "bob", "carol"]


def test_owner_domains_flatten_and_default_to_none():
    assert owner_domains(ROSTER) == ["alice.example.org", "app.alice.example.org", "carol.example.org"]
    assert owner_domains({}) == []


@pytest.mark.parametrize("users, argument", [
    (["alice"], "users"),
    ({"alice": "namespace-owner"}, "users['alice']"),
    ({"alice": {"role": "namespace-owner", "domains": "alice.example.org"}}, "users['alice'].domains"),
    ({"alice": {"role": "namespace-owner", "domains": [""]}}, "users['alice'].domains"),
])
def test_malformed_roster_is_rejected(users, argument):
    with pytest.raises(ArgumentError) as err:
        owner_domains(users)
    assert err.value.argument == argument


def test_read_is_empty_offline(run_mocked):
    seen = {}
    run_mocked(lambda: seen.update(users=read_k8s_users()))
    assert seen["users"] == {}


def test_read_decodes_the_roster(run_mocked):
    import json

    seen = {}
    canned = {"vault:kv/getSecretV2:getSecretV2": {"data": {"k8s_users": json.dumps(ROSTER)}}}
    run_mocked(lambda: seen.update(users=read_k8s_users()), invokes=canned)
    assert seen["users"] == ROSTER


def test_real_run_without_roster_fails(run_mocked):
    result = run_mocked(read_k8s_users, preview=False, expect_error=True)
    assert "k8s_users" in (result.result.error or "")
