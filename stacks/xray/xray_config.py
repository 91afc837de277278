"""config.json of the xray ConfigMap, laid out byte for byte as upstream's template rendered.

Upstream filled a JSON template (two-space indentation, one array item per line, keys in
the template's order, a final line break) with ``jsonencode`` of the clients and short ids
(compact, keys sorted, Go's HTML escapes) and the raw REALITY private key. Reloader restarts
xray whenever the ConfigMap's bytes change, so adoption keeps exactly that layout:
``files/config.json`` gives the inbounds and their order, this module the layout.
"""

from __future__ import annotations

import json

from components.tf_encoding import jsonencode

_CLIENTS = "\0clients\0"
_SHORT_IDS = "\0short-ids\0"
_PRIVATE_KEY = "\0private-key\0"


def _as_string(value: object) -> str:
    """A value converted to string the way a ``map(string)``/``list(string)`` variable does."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)  # true/false and numbers as Terraform prints them
    raise ValueError(f"xray: {value!r} is not a string, number or bool")


def render(layout: str, clients_json: str, short_ids_json: str, private_key: str) -> str:
    """``layout`` (files/config.json) with every inbound's clients and the REALITY settings filled in.

    ``clients_json`` and ``short_ids_json`` are the Vault fields (JSON text): a list of
    objects with string values, and a list of strings.
    """
    clients = [{key: _as_string(v) for key, v in client.items()} for client in json.loads(clients_json)]
    short_ids = [_as_string(v) for v in json.loads(short_ids_json)]
    config = json.loads(layout)
    for inbound in config["inbounds"]:
        inbound["settings"]["clients"] = _CLIENTS
    reality = config["inbounds"][0]["streamSettings"]["realitySettings"]
    reality["privateKey"] = _PRIVATE_KEY
    reality["shortIds"] = _SHORT_IDS
    text = json.dumps(config, indent=2, ensure_ascii=False) + "\n"
    return (text.replace(json.dumps(_CLIENTS), jsonencode(clients))
            .replace(json.dumps(_SHORT_IDS), jsonencode(short_ids))
            .replace(json.dumps(_PRIVATE_KEY), f'"{private_key}"'))
