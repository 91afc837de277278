"""Injectable HTTP: pipelines take an `Http` callable so tests never touch the network."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Mapping


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Http = Callable[[str, str, bytes | None, Mapping[str, str]], Response]


def urllib_http(method: str, url: str, body: bytes | None, headers: Mapping[str, str]) -> Response:
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - URLs come from CI config
            return Response(resp.status, resp.read())
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return Response(0, str(exc).encode())


def post_json(http: Http, url: str, payload: Any, headers: Mapping[str, str] | None = None,
              method: str = "POST") -> Response:
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    return http(method, url, json.dumps(payload).encode(), hdrs)
