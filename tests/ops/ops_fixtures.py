"""Fixture-file helpers for the tools/ops tests (real CLI output shapes live in fixtures/)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_events(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in fixture_text(name).splitlines() if line.strip()]
