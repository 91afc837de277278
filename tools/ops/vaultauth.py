"""CI Vault login: exchange the pod's service-account JWT for a token (Kubernetes auth).

Used by the pipelines when VAULT_K8S_ROLE is set and no token is present; the token only
lives in the child environment, never on disk or in the log.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from .http import Http, post_json

SA_TOKEN = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")


class VaultAuthError(Exception):
    pass


def ensure_vault_token(env: Mapping[str, str], http: Http, jwt_path: Path = SA_TOKEN) -> dict[str, str]:
    """Return env plus VAULT_TOKEN when a Kubernetes-auth login is configured and needed."""
    out = dict(env)
    role = env.get("VAULT_K8S_ROLE")
    if not role or env.get("VAULT_TOKEN") or env.get("VAULT_SERVER_TOKEN"):
        return out
    addr = env.get("VAULT_ADDR", "").rstrip("/")
    if not addr:
        raise VaultAuthError("VAULT_K8S_ROLE is set but VAULT_ADDR is not")
    jwt_path = Path(env.get("VAULT_K8S_JWT_PATH") or jwt_path)  # a projected token mounted elsewhere
    if not jwt_path.is_file():
        raise VaultAuthError(f"no service-account token at {jwt_path}: is this running in the cluster?")
    mount = env.get("VAULT_K8S_MOUNT", "kubernetes")
    resp = post_json(http, f"{addr}/v1/auth/{mount}/login", {"role": role, "jwt": jwt_path.read_text().strip()})
    token = ((resp.json() or {}).get("auth") or {}).get("client_token") if 200 <= resp.status < 300 else None
    if not token:
        raise VaultAuthError(f"Vault Kubernetes login failed for role {role} (HTTP {resp.status})")
    out["VAULT_TOKEN"] = token
    return out
