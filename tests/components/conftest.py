"""Fixtures for the component tests."""

import pulumi
import pytest


@pytest.fixture
def registered_outputs(monkeypatch) -> dict:
    """What each component passed to register_outputs: {(class name, resource name): sorted keys}."""
    seen: dict = {}
    original = pulumi.ComponentResource.register_outputs

    def record(self, outputs):
        seen[(type(self).__name__, self._name)] = sorted(outputs)
        return original(self, outputs)

    monkeypatch.setattr(pulumi.ComponentResource, "register_outputs", record)
    return seen
