"""The llama-swap model table: one entry feeds both the download Job and the server config."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from components.tf_encoding import jsonencode, yamlencode


@dataclass(frozen=True, kw_only=True)
class Model:
    hf_repo: str
    gguf_pattern: str
    mmproj_pattern: str
    ctx_size: int
    gpu_layers: int
    text_only: bool


def models_json(models: dict[str, Model]) -> str:
    """The download Job's MODELS_JSON: every model's fields, as Terraform encoded them."""
    return jsonencode({name: asdict(model) for name, model in models.items()})


def server_command(name: str, model: Model) -> str:
    """llama-server command line for one model (llama-swap substitutes ${PORT})."""
    flags = ["/app/llama-server", "--host 0.0.0.0", "--port ${PORT}", f"-m /models/{name}/model.gguf"]
    if not model.text_only:
        flags.append(f"--mmproj /models/{name}/mmproj.gguf")
    flags += [f"-ngl {model.gpu_layers}", f"-c {model.ctx_size}", "-np 1", "--jinja", "-fa on"]
    # Qwen text models think by default under --jinja and return empty content; vision ones keep the default.
    if model.text_only:
        flags.append("--reasoning off")
    return " ".join(flags)


def swap_config(models: dict[str, Model]) -> str:
    """/app/config.yaml: load one model at a time, unload after 10 idle minutes."""
    return yamlencode({
        "healthCheckTimeout": 180,  # loading a model from NFS takes 60-90 s
        "logLevel": "info",
        "logToStdout": "both",
        "startPort": 5800,
        "macros": {"llama_server_base": "/app/llama-server --host 0.0.0.0 --port ${PORT} --jinja -fa -np 1"},
        "models": {name: {"cmd": server_command(name, model), "ttl": 600, "checkEndpoint": "/health"}
                   for name, model in models.items()},
    })
