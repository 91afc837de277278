"""Helm values of the goauthentik release (chart `authentik`), as a Python dict.

Why the knobs are set the way they are lives in README.md; the short version:

- `authentik.existingSecret` makes the chart skip rendering its AUTHENTIK_* env Secret, so
  the live environment comes from the pre-existing `goauthentik` Secret and everything
  tunable goes through `server.env` / `worker.env`. The `authentik.*` keys below are kept
  only so the release's stored values stay what they were.
- Server and worker run the operator's overlay image (ghcr.io/viktorbarzin/authentik-server),
  pinned by repository *and* tag so neither Keel nor the chart's appVersion can move it.
"""

from __future__ import annotations

from components.workload import env

CHART_VERSION = "2026.8.0"
IMAGE_REPOSITORY = "ghcr.io/viktorbarzin/authentik-server"
IMAGE_TAG = "2026.8.0-patch3"

# Both server and worker need the SMTP settings: the worker sends, the server validates the
# Email stage. The host is the public mail name because its certificate is what STARTTLS
# is verified against (the in-cluster Service name is not on the certificate).
SMTP_ENV = {
    "AUTHENTIK_EMAIL__HOST": "mail.viktorbarzin.me",
    "AUTHENTIK_EMAIL__PORT": "587",
    "AUTHENTIK_EMAIL__USE_TLS": "true",
    "AUTHENTIK_EMAIL__USERNAME": "noreply@viktorbarzin.me",
    "AUTHENTIK_EMAIL__FROM": "No Reply <noreply@viktorbarzin.me>",
}
EMAIL_SECRET = "authentik-email"
EMAIL_PASSWORD_KEY = "AUTHENTIK_EMAIL__PASSWORD"

# Flow plans cached 30 min, policy results 15 min (seconds).
CACHE_ENV = {"AUTHENTIK_CACHE__TIMEOUT_FLOWS": "1800", "AUTHENTIK_CACHE__TIMEOUT_POLICIES": "900"}
UNAUTHENTICATED_SESSION_ENV = {"AUTHENTIK_SESSIONS__UNAUTHENTICATED_AGE": "hours=2"}


def _env_list(*plain: dict[str, str]) -> list[dict]:
    merged: dict[str, str] = {}
    for block in plain:
        merged.update(block)
    # Helm values are raw manifests: camelCase `valueFrom`, not the typed SDK's snake_case.
    return [*env(merged), {"name": EMAIL_PASSWORD_KEY,
                           "valueFrom": {"secretKeyRef": {"name": EMAIL_SECRET, "key": EMAIL_PASSWORD_KEY}}}]


def _spread(component: str) -> list[dict]:
    return [{
        "maxSkew": 1,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": {"app.kubernetes.io/component": component}},
    }]


RESOURCES = {"requests": {"cpu": "100m", "memory": "1.5Gi"}, "limits": {"memory": "2Gi"}}


def helm_values() -> dict:
    """The release values; no secret is rendered into them (see module docstring)."""
    return {
        "authentik": {
            "log_level": "warning",
            "secret_key": "",
            "existingSecret": {"secretName": "goauthentik"},
            "error_reporting": {"enabled": False},
            "postgresql": {"host": "pgbouncer.authentik", "port": 6432, "user": "authentik", "password": ""},
        },
        "server": {
            "replicas": 3,
            "env": _env_list(
                UNAUTHENTICATED_SESSION_ENV,
                {
                    # 3 gunicorn workers x 4 threads; recycles 10x rarer with a wide jitter so
                    # they do not bunch up with a database blip.
                    "AUTHENTIK_WEB__WORKERS": "3",
                    "AUTHENTIK_WEB__THREADS": "4",
                    "AUTHENTIK_WEB__MAX_REQUESTS": "10000",
                    "AUTHENTIK_WEB__MAX_REQUESTS_JITTER": "1000",
                },
                CACHE_ENV,
                SMTP_ENV,
            ),
            # Slow boots queue on the migration lock: give liveness and readiness more room.
            "livenessProbe": {"failureThreshold": 6, "timeoutSeconds": 5},
            "readinessProbe": {"failureThreshold": 8, "periodSeconds": 10, "timeoutSeconds": 5},
            # The chart reads `deploymentStrategy` (not `strategy`): keep all 3 ready in a roll.
            "deploymentStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "resources": RESOURCES,
            "topologySpreadConstraints": _spread("server"),
            "ingress": {"enabled": False},
            "podAnnotations": {"diun.enable": True, "diun.include_tags": "^202[0-9].[0-9]+.*$"},
            "pdb": {"enabled": True, "minAvailable": 2},
        },
        "global": {
            "addPrometheusAnnotations": True,
            "image": {"repository": IMAGE_REPOSITORY, "tag": IMAGE_TAG},
        },
        "worker": {
            "replicas": 2,
            "env": _env_list(
                UNAUTHENTICATED_SESSION_ENV,
                {"AUTHENTIK_WORKER__THREADS": "4"},
                CACHE_ENV,
                SMTP_ENV,
            ),
            "deploymentStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
            "resources": RESOURCES,
            "topologySpreadConstraints": _spread("worker"),
            "pdb": {"enabled": True, "maxUnavailable": 1},
        },
        "postgresql": {"enabled": False},
    }
