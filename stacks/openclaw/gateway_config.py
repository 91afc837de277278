"""openclaw.json, the gateway's settings file, as data.

The provider API keys and the Telegram bot token sit inside the file (the gateway reads
them from it), so the ConfigMap content is built once the Vault values resolve and is
rendered with Terraform's jsonencode byte layout so adoption leaves it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

from components.payload import terraform_json

_FREE = {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0}

PRIMARY_MODEL = "nim/meta/llama-3.1-70b-instruct"
# Codex stays in the chain so it takes over again once its OAuth login is renewed;
# modelrelay is last because its small model answers instead of calling tools.
FALLBACK_MODELS = ["nim/meta/llama-4-maverick-17b-128e-instruct", "openai-codex/gpt-5.4-mini",
                   "modelrelay/auto-fastest"]
ALLOWED_MODELS = [
    "modelrelay/auto-fastest", "nim/deepseek-ai/deepseek-v3.2", "nim/qwen/qwen3.5-397b-a17b",
    "nim/mistralai/mistral-large-3-675b-instruct-2512", "nim/qwen/qwen3-coder-480b-a35b-instruct",
    "nim/nvidia/llama-3.1-nemotron-ultra-253b-v1", "nim/z-ai/glm5", "nim/meta/llama-3.1-70b-instruct",
    "nim/meta/llama-4-maverick-17b-128e-instruct", "llama-as-openai/Llama-4-Maverick-17B-128E-Instruct-FP8",
    "llama-as-openai/Llama-4-Scout-17B-16E-Instruct-FP8", "openrouter/stepfun/step-3.5-flash:free",
    "openrouter/arcee-ai/trinity-large-preview:free", "openai-codex/gpt-5.4-mini", "openai-codex/gpt-5.5",
]
TELEGRAM_ALLOW_FROM = ["tg:8281953845"]

# (id, display name, reasoning, context window) per provider; every model is text-only,
# 16384 output tokens, zero cost.
NIM_MODELS = [
    ("deepseek-ai/deepseek-v3.2", "DeepSeek V3.2", False, 164000),
    ("qwen/qwen3.5-397b-a17b", "Qwen 3.5", True, 262000),
    ("mistralai/mistral-large-3-675b-instruct-2512", "Mistral Large 3", False, 262000),
    ("qwen/qwen3-coder-480b-a35b-instruct", "Qwen 3 Coder", False, 262000),
    ("nvidia/llama-3.1-nemotron-ultra-253b-v1", "Nemotron Ultra 253B", True, 128000),
    ("z-ai/glm5", "GLM-5", False, 128000),
    ("meta/llama-3.1-70b-instruct", "Llama 3.1 70B Instruct", False, 128000),
    ("meta/llama-4-maverick-17b-128e-instruct", "Llama 4 Maverick (NIM)", False, 1000000),
]
OPENROUTER_MODELS = [
    ("stepfun/step-3.5-flash:free", "Step 3.5 Flash", True, 256000),
    ("arcee-ai/trinity-large-preview:free", "Trinity Large", False, 131000),
]
LLAMA_MODELS = [
    ("Llama-4-Maverick-17B-128E-Instruct-FP8", "Llama 4 Maverick", False, 200000),
    ("Llama-4-Scout-17B-16E-Instruct-FP8", "Llama 4 Scout", False, 200000),
]
MODELRELAY_MODELS = [("auto-fastest", "Auto (Fastest)", False, 200000)]


def _models(rows: list[tuple[str, str, bool, int]]) -> list[dict]:
    return [{"id": i, "name": n, "reasoning": r, "input": ["text"], "contextWindow": w,
             "maxTokens": 16384, "cost": dict(_FREE)} for i, n, r, w in rows]


def _provider(base_url: str, api_key: str, rows: list) -> dict:
    return {"baseUrl": base_url, "api": "openai-completions", "apiKey": api_key, "models": _models(rows)}


def settings(secrets: Mapping[str, str]) -> dict:
    """The settings; ``secrets`` holds the Vault `openclaw` fields the file embeds."""
    return {
        "gateway": {"mode": "local", "bind": "lan", "trustedProxies": ["10.0.0.0/8"],
                    "controlUi": {"dangerouslyDisableDeviceAuth": True,
                                  "dangerouslyAllowHostHeaderOriginFallback": True}},
        "agents": {"defaults": {
            "contextTokens": 1000000, "bootstrapMaxChars": 30000, "workspace": "/workspace",
            "sandbox": {"mode": "off"},
            "model": {"primary": PRIMARY_MODEL, "fallbacks": list(FALLBACK_MODELS)},
            "models": {m: {} for m in ALLOWED_MODELS},
        }},
        "tools": {
            "profile": "full", "deny": [], "elevated": {"enabled": True},
            "exec": {"host": "gateway", "security": "full", "ask": "off", "pathPrepend": ["/tools", "/workspace"]},
            "web": {"search": {"enabled": True, "provider": "brave", "apiKey": secrets["brave_api_key"], "maxResults": 5},
                    "fetch": {"enabled": True, "maxChars": 50000, "timeoutSeconds": 30}},
        },
        # Bundled plugins load natively; only the operator-installed directory is listed.
        "plugins": {"allow": ["memory-core", "recruiter-api"], "slots": {"memory": "memory-core"},
                    "load": {"paths": ["/home/node/.openclaw/extensions"]}},
        # MCP servers are not here: `doctor --fix` at start drops them from the file, so the
        # start script registers them with `openclaw mcp set`.
        "commands": {"native": True, "nativeSkills": True},
        "channels": {"telegram": {"enabled": True, "botToken": secrets["telegram_bot_token"],
                                  "dmPolicy": "allowlist", "allowFrom": list(TELEGRAM_ALLOW_FROM),
                                  "groupPolicy": "allowlist", "streamMode": "partial"}},
        "models": {"mode": "merge", "providers": {
            "modelrelay": _provider("http://127.0.0.1:7352/v1", "modelrelay", MODELRELAY_MODELS),
            "nim": _provider("https://integrate.api.nvidia.com/v1", secrets["nvidia_api_key"], NIM_MODELS),
            "openrouter": _provider("https://openrouter.ai/api/v1", secrets["openrouter_api_key"], OPENROUTER_MODELS),
            "llama-as-openai": _provider("https://api.llama.com/compat/v1", secrets["llama_api_key"], LLAMA_MODELS),
        }},
        "wizard": {"lastRunAt": "2026-03-01T15:11:54.176Z", "lastRunVersion": "2026.2.9",
                   "lastRunCommand": "configure", "lastRunMode": "local"},
    }


SECRET_FIELDS = ("brave_api_key", "telegram_bot_token", "nvidia_api_key", "openrouter_api_key", "llama_api_key")


def render(secrets: Mapping[str, str]) -> str:
    return terraform_json(settings(secrets))
