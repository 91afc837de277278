import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
for p in (str(REPO), str(Path(__file__).resolve().parent)):
    if p not in sys.path:
        sys.path.insert(0, p)


@pytest.fixture(scope="session")
def pack():
    """The policy pack running as the CLI's analyzer host starts it (one process per session)."""
    from tools.policy_check.analyzer import PackProcess

    with PackProcess() as p:
        yield p
