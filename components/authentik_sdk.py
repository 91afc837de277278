"""The Authentik provider SDK, importable with the pinned Pulumi runtime.

``pulumi-authentik`` 2025.8.1 (the only published version) is a dynamically bridged
(parameterized ``terraform-provider``) SDK generated against an older runtime: its package
registration calls ``pulumi.runtime.settings._sync_monitor_supports_parameterization``,
which newer ``pulumi`` releases replaced with ``monitor_supports_feature``. Every program
imports the SDK from here; the shim adds the old name back with the same meaning (does the
engine's resource monitor support parameterized packages?) and never replaces a function
the runtime still has.
"""

from __future__ import annotations

from pulumi.runtime import settings as _settings
from pulumi.runtime.proto import resource_pb2 as _resource_pb2

SHIM_NAME = "_sync_monitor_supports_parameterization"


def monitor_supports_parameterization() -> bool:
    """Whether the engine (or the mock monitor) registers parameterized provider packages."""
    return _settings.monitor_supports_feature(_resource_pb2.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION)


def install_shim() -> bool:
    """Add the runtime hook the SDK expects when the runtime lacks it; True if it was added."""
    if hasattr(_settings, SHIM_NAME):
        return False
    setattr(_settings, SHIM_NAME, monitor_supports_parameterization)
    return True


install_shim()

import pulumi_authentik as authentik  # noqa: E402  (needs the shim above)

__all__ = ["authentik", "install_shim", "monitor_supports_parameterization"]
