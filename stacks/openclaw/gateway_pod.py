"""The openclaw gateway pod: eight init containers that prepare the home and workspace
volumes, then the gateway, a Playwright MCP server, the metrics exporter and modelrelay.

Every shell script is a payload under files/ (brought over byte for byte, so the adopted
pod template is unchanged); this module only arranges them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pulumi

from components.workload import env, secret_env

HOME = "/home/node/.openclaw"
SECRETS = "openclaw-secrets"
BUSYBOX = "busybox:1.37"
DEBIAN = "debian:bookworm-slim"

HOME_MOUNT = {"name": "openclaw-home", "mount_path": HOME}
WORKSPACE_MOUNT = {"name": "workspace", "mount_path": "/workspace"}
TOOLS_MOUNT = {"name": "tools", "mount_path": "/tools"}

SMALL = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
AS_ROOT = {"run_as_user": 0}

HOST_TOOLS = "/tools/host-tools"
TOOL_PATH = ":".join([f"{HOST_TOOLS}/root/usr/bin", f"{HOST_TOOLS}/root/usr/sbin", f"{HOST_TOOLS}/root/bin",
                      f"{HOST_TOOLS}/root/sbin", f"{HOST_TOOLS}/bin", "/tools", "/usr/local/sbin",
                      "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"])
TOOL_LIBS = f"{HOST_TOOLS}/root/usr/lib/x86_64-linux-gnu:{HOST_TOOLS}/root/lib/x86_64-linux-gnu"

Script = Callable[[str], str]
"""Loads ``files/<relative>``."""


def init_containers(script: Script) -> list[dict]:
    return [
        {"name": "fix-workspace-perms", "image": BUSYBOX,
         "command": ["sh", "-c", "chown 1000:1000 /workspace"], "volume_mounts": [WORKSPACE_MOUNT]},
        {"name": "copy-config", "image": BUSYBOX,
         "command": ["sh", "-c", f"cp /config/openclaw.json {HOME}/openclaw.json && chown 1000:1000 {HOME}/openclaw.json"],
         "volume_mounts": [{"name": "openclaw-config", "mount_path": "/config"}, HOME_MOUNT]},
        {"name": "setup-kubeconfig", "image": BUSYBOX,
         "command": ["sh", "-c", script("init/setup-kubeconfig.sh")], "volume_mounts": [HOME_MOUNT]},
        {"name": "install-recruiter-plugin", "image": "ghcr.io/viktorbarzin/recruiter-responder:latest",
         "command": ["sh", "-c", script("init/install-recruiter-plugin.sh")],
         "security_context": AS_ROOT, "volume_mounts": [HOME_MOUNT], "resources": SMALL},
        {"name": "remove-nextcloud-todos-plugin", "image": BUSYBOX,
         "command": ["sh", "-c", script("init/remove-nextcloud-todos-plugin.sh")],
         "security_context": AS_ROOT, "volume_mounts": [HOME_MOUNT], "resources": SMALL},
        {"name": "install-host-tools", "image": DEBIAN,
         "command": ["bash", "-c", script("init/install-host-tools.sh")], "volume_mounts": [TOOLS_MOUNT],
         "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}},
        {"name": "setup-ssh-config", "image": DEBIAN,
         "command": ["bash", "-c", script("init/setup-ssh-config.sh")],
         "volume_mounts": [HOME_MOUNT, {"name": "ssh-key", "mount_path": "/ssh"}],
         "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}}},
        {"name": "seed-devvm-memory-note", "image": BUSYBOX,
         "command": ["sh", "-c", script("init/seed-devvm-memory-note.sh")],
         "volume_mounts": [WORKSPACE_MOUNT, HOME_MOUNT],
         "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}},
    ]


def containers(script: Script, *, gateway_token: pulumi.Input[str],
               skill: Mapping[str, pulumi.Input[str]], ha_sofia_mcp_url: pulumi.Input[str]) -> list[dict]:
    """``skill``: the Home Assistant tokens and Uptime Kuma password from skill_secrets."""
    gateway = {
        "name": "openclaw", "image": "ghcr.io/openclaw/openclaw:2026.2.26",
        "command": ["sh", "-c", script("start/openclaw.sh")],
        "ports": [{"container_port": 18789}],
        "readiness_probe": {"tcp_socket": {"port": 18789}, "initial_delay_seconds": 30, "period_seconds": 10},
        "env": [
            *env({"NODE_OPTIONS": "--max-old-space-size=1536"}),
            {"name": "OPENCLAW_GATEWAY_TOKEN", "value": gateway_token},
            *env({"PATH": TOOL_PATH, "LD_LIBRARY_PATH": TOOL_LIBS, "TF_VAR_prod": "true",
                  "KUBECONFIG": f"{HOME}/kubeconfig", "GIT_CONFIG_GLOBAL": f"{HOME}/.gitconfig",
                  "HOME_ASSISTANT_URL": "https://ha-london.viktorbarzin.me"}),
            {"name": "HOME_ASSISTANT_TOKEN", "value": skill["home_assistant_token"]},
            *env({"HOME_ASSISTANT_SOFIA_URL": "https://ha-sofia.viktorbarzin.me"}),
            {"name": "HOME_ASSISTANT_SOFIA_TOKEN", "value": skill["home_assistant_sofia_token"]},
            {"name": "HA_SOFIA_MCP_URL", "value": ha_sofia_mcp_url},
            {"name": "UPTIME_KUMA_PASSWORD", "value": skill["uptime_kuma_password"]},
            *env({"MEMORY_API_URL": "http://claude-memory.claude-memory.svc.cluster.local"}),
            *secret_env(SECRETS, {"MEMORY_API_KEY": "claude_memory_api_key"}),
            *env({"RECRUITER_RESPONDER_URL": "http://recruiter-responder.recruiter-responder.svc.cluster.local:8080"}),
            *secret_env(SECRETS, {"RECRUITER_RESPONDER_TOKEN": "recruiter_responder_bearer_token",
                                  "VIKTOR_CHAT_ID": "viktor_chat_id",
                                  "OPENLOBSTER_CHANNELS_TELEGRAM_TOKEN": "telegram_bot_token"}, optional=True),
            *env({"PYTHONPATH": "/tools/python-libs"}),
        ],
        "volume_mounts": [TOOLS_MOUNT, WORKSPACE_MOUNT, {"name": "data", "mount_path": "/data"},
                          {"name": "ssh-key", "mount_path": "/ssh"}, HOME_MOUNT],
        "resources": {"limits": {"memory": "2Gi"}, "requests": {"cpu": "100m", "memory": "2Gi"}},
    }
    playwright = {
        "name": "playwright-mcp", "image": "docker.io/viktorbarzin/playwright-mcp:v1",
        "args": ["--headless", "--browser", "chromium", "--no-sandbox", "--port", "3000", "--host", "0.0.0.0"],
        "ports": [{"container_port": 3000}],
        "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    }
    exporter = {
        "name": "openclaw-exporter", "image": "docker.io/library/python:3.12-slim",
        "command": ["python3", "/scripts/exporter.py"],
        "ports": [{"container_port": 9099, "name": "metrics"}],
        "env": env({"OPENCLAW_HOME": HOME, "METRICS_PORT": "9099"}),
        "volume_mounts": [{"name": "openclaw-exporter-script", "mount_path": "/scripts", "read_only": True},
                          {**HOME_MOUNT, "read_only": True}],
        "readiness_probe": {"http_get": {"path": "/healthz", "port": 9099},
                            "initial_delay_seconds": 5, "period_seconds": 30},
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }
    modelrelay = {
        "name": "modelrelay", "image": "docker.io/library/node:22-alpine",
        "command": ["sh", "-c", script("start/modelrelay.sh")],
        "ports": [{"container_port": 7352}],
        "env": secret_env(SECRETS, {"NVIDIA_API_KEY": "nvidia_api_key", "OPENROUTER_API_KEY": "openrouter_api_key"}),
        "volume_mounts": [TOOLS_MOUNT],
        "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "25m", "memory": "128Mi"}},
    }
    return [gateway, playwright, exporter, modelrelay]
