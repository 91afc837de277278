"""Feed the synthesized fleet to the policy pack, skipping stacks whose verdict cannot change.

Every stack that is analysed goes through the running pack over the analyzer protocol:
Analyze for each resource, then AnalyzeStack for the whole stack, as the engine does. The
pack's findings for a stack are a function of the stack's ``resources.json``, the pack
(every file under ``policies/``), this tool (``tools/policy_check/``), the configuration
sent with Configure (which includes the fleet's Authentik groups) and the installed
packages, so they are stored under a hash of exactly those and reused while it matches.
The pack process is started only when some stack has to be analysed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Mapping, Optional

from tools.policy_check.analyzer import PACK_DIR, PackProcess, diagnostics

CACHE_VERSION = 2
KEEP_PACKS = 4  # e.g. the full fleet and a few `STACKS=...` runs, whose group lists differ
TOOL_DIR = Path(__file__).resolve().parent


def pack_key(config: Mapping[str, Any], pack_dir: Path = PACK_DIR) -> str:
    """What every stack's verdict depends on besides its own resources."""
    from tools.synth.cache import directory_digest, environment_fingerprint

    parts = [directory_digest(pack_dir), directory_digest(TOOL_DIR), json.dumps(config, sort_keys=True),
             environment_fingerprint()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def analyze_stack(pack: PackProcess, resources: list) -> list:
    """The pack's diagnostics for one stack: per resource, then the stack as a whole."""
    found = []
    for r in resources:
        for d in diagnostics(pack.analyze(r)):
            d["urn"] = d["urn"] or r.get("urn", "")
            found.append(d)
    found += diagnostics(pack.analyze_stack(resources))
    return found


class CachedPack:
    """The pack for one policy-check run. Use as a context manager.

    ``cache_path`` None analyses every stack and stores nothing.
    """

    def __init__(self, config: Mapping[str, Any], cache_path: Optional[Path]) -> None:
        self.config = config
        self.cache_path = cache_path
        self.pack: Optional[PackProcess] = None
        self._levels: Optional[dict] = None
        self.analysed = 0
        self.reused = 0
        self.key = pack_key(config) if cache_path else ""
        self.state = self._load()

    def _load(self) -> dict:
        """The entry for this pack + config; ``self.others`` keeps the ones for other configs."""
        self.others: dict = {}
        empty = {"levels": None, "stacks": {}}
        if not self.cache_path:
            return empty
        try:
            stored = json.loads(self.cache_path.read_text())
        except (OSError, ValueError):
            return empty
        if stored.get("version") != CACHE_VERSION:
            return empty
        self.others = {k: v for k, v in (stored.get("packs") or {}).items() if k != self.key}
        return (stored.get("packs") or {}).get(self.key) or empty

    def _started(self) -> PackProcess:
        if self.pack is None:
            self.pack = PackProcess().start()
            self._levels = self.pack.configure(self.config)
            self.state["levels"] = self._levels
        return self.pack

    @property
    def levels(self) -> dict:
        """Effective enforcement level per policy, as Configure returned it."""
        if self._levels is None:
            self._levels = self.state.get("levels") or None
        if self._levels is None:
            self._started()
        return dict(self._levels)

    def findings(self, stack: str, resources_file: Path, resources: list) -> list:
        """Diagnostics for ``stack`` whose synth output ``resources_file`` holds ``resources``."""
        key = hashlib.sha256(self.key.encode() + b"\0" + resources_file.read_bytes()).hexdigest()
        entry = self.state["stacks"].get(stack)
        if self.cache_path and entry and entry.get("key") == key:
            self.reused += 1
            return copy.deepcopy(entry["found"])
        found = analyze_stack(self._started(), resources)
        self.analysed += 1
        self.state["stacks"][stack] = {"key": key, "found": copy.deepcopy(found)}
        return found

    def __enter__(self) -> "CachedPack":
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if self.pack is not None:
            self.pack.close()
        if self.cache_path and exc_type is None and self.state.get("levels") is not None:
            packs = dict(list(self.others.items())[-(KEEP_PACKS - 1):])
            packs[self.key] = self.state  # last = most recent
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "packs": packs}))
            os.replace(tmp, self.cache_path)
