from __future__ import annotations

import json

import pytest

from tools.ops.http import Response
from tools.ops.vaultauth import VaultAuthError, ensure_vault_token


def test_logs_in_with_the_service_account_jwt(tmp_path):
    jwt = tmp_path / "token"
    jwt.write_text("eyJhbGci.jwt\n")
    seen = []

    def http(method, url, body, headers):
        seen.append((method, url, json.loads(body)))
        return Response(200, json.dumps({"auth": {"client_token": "hvs.ci"}}).encode())

    env = ensure_vault_token({"VAULT_K8S_ROLE": "ci", "VAULT_ADDR": "http://127.0.0.1:8200"}, http, jwt)
    assert env["VAULT_TOKEN"] == "hvs.ci"
    assert seen == [("POST", "http://127.0.0.1:8200/v1/auth/kubernetes/login", {"role": "ci", "jwt": "eyJhbGci.jwt"})]


def test_existing_token_or_no_role_means_no_login(tmp_path):
    def http(*a):
        raise AssertionError("no network expected")
    assert ensure_vault_token({"VAULT_K8S_ROLE": "ci", "VAULT_TOKEN": "t"}, http)["VAULT_TOKEN"] == "t"
    assert "VAULT_TOKEN" not in ensure_vault_token({}, http)


def test_failed_login_names_the_role(tmp_path):
    jwt = tmp_path / "token"
    jwt.write_text("x")
    with pytest.raises(VaultAuthError, match="role ci \\(HTTP 403\\)"):
        ensure_vault_token({"VAULT_K8S_ROLE": "ci", "VAULT_ADDR": "http://127.0.0.1:8200"},
                           lambda *a: Response(403, b"{}"), jwt)
