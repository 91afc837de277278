"""The upstream inventory beside the porting workspace (../shared), and the one way to skip without it.

An operator's clone has no ../shared, so these tests skip there. Where ../shared exists and
INFRA_REQUIRE_SHARED=1 (set by .ci/run), conftest turns such a skip into a failure: a moved
or unreadable inventory must not silently switch off the parity tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
INVENTORY = SHARED / "upstream" / "inventory.json"
REQUIRE_ENV = "INFRA_REQUIRE_SHARED"
# conftest recognises these skips by this reason prefix.
SKIP_PREFIX = "needs ../shared"

needs_inventory = pytest.mark.skipif(
    not INVENTORY.is_file(), reason=f"{SKIP_PREFIX}/upstream/inventory.json (present only beside the porting workspace)")
