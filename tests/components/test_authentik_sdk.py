"""The Authentik SDK import shim: adds the runtime hook the SDK calls, never replaces one."""

import pulumi
from pulumi.runtime import settings

from components import authentik_sdk


def test_sdk_imports_and_registers_resources(run_mocked):
    def program():
        provider = authentik_sdk.authentik.Provider("authentik", url="https://authentik.example", token="t")
        authentik_sdk.authentik.Group("admins", name="Admins", opts=pulumi.ResourceOptions(provider=provider))

    recorded = run_mocked(program)
    [group] = [r for r in recorded.resources if r.type == "authentik:index/group:Group"]
    assert group.inputs == {"name": "Admins"}


def test_shim_is_installed_and_reports_parameterization_support():
    assert callable(getattr(settings, authentik_sdk.SHIM_NAME))
    assert isinstance(authentik_sdk.monitor_supports_parameterization(), bool)


def test_install_shim_leaves_an_existing_hook_alone(monkeypatch):
    def existing():
        return True

    monkeypatch.setattr(settings, authentik_sdk.SHIM_NAME, existing, raising=False)
    assert authentik_sdk.install_shim() is False
    assert getattr(settings, authentik_sdk.SHIM_NAME) is existing


def test_install_shim_adds_the_hook_when_missing(monkeypatch):
    monkeypatch.delattr(settings, authentik_sdk.SHIM_NAME, raising=False)
    assert authentik_sdk.install_shim() is True
    assert getattr(settings, authentik_sdk.SHIM_NAME) is authentik_sdk.monitor_supports_parameterization
