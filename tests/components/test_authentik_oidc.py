"""AuthentikOidcApp: provider + application, the lookups it wires, the optional access gate."""

import pulumi
import pytest

from components.authentik_oidc import (
    AccessGroup, AuthentikOidcApp, AuthentikOidcAppArgs, RedirectUri, Scope, managed_scope,
)
from components.authentik_sdk import authentik
from components.errors import ArgumentError

INVOKES = {
    "authentik:index/getFlow:getFlow": {"id": "flow-uuid"},
    "authentik:index/getCertificateKeyPair:getCertificateKeyPair": {"id": "cert-uuid"},
    "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope": {"id": "scope-uuid"},
    "authentik:index/getUser:getUser": {"id": "7"},
}
PROVIDER = "authentik:index/providerOauth2:ProviderOauth2"
APP = "authentik:index/application:Application"


def app_args(provider, **overrides) -> AuthentikOidcAppArgs:
    return AuthentikOidcAppArgs(**{
        "provider": provider, "provider_name": "demo", "client_id": "demo", "client_type": "public",
        "app_name": "Demo", "app_slug": "demo", "redirect_uris": [RedirectUri(url="https://demo.example/cb")],
        **overrides,
    })


def test_public_client_provider_and_application(run_mocked, registered_outputs):
    def program():
        ak = authentik.Provider("authentik", url="https://authentik.example", token="t")
        AuthentikOidcApp("demo", app_args(ak, sub_mode="user_email", invalidation_flow_id="pinned-uuid",
                                          meta_launch_url="https://demo.example",
                                          scopes=[managed_scope("openid"), Scope(scope_name="offline_access")]))

    recorded = run_mocked(program, invokes=INVOKES)
    provider = recorded.one(PROVIDER)
    assert provider.name == "demo-provider"
    assert provider.parent == "urn:pulumi:prod::test::homelab:authentik:OidcApp::demo"
    assert provider.inputs["clientType"] == "public" and provider.inputs["subMode"] == "user_email"
    assert provider.inputs["invalidationFlow"] == "pinned-uuid"
    assert provider.inputs["authorizationFlow"] == "flow-uuid"
    assert provider.inputs["signingKey"] == "cert-uuid"
    assert provider.inputs["propertyMappings"] == ["scope-uuid", "scope-uuid"]
    assert provider.inputs["allowedRedirectUris"] == [{"matching_mode": "strict", "url": "https://demo.example/cb"}]
    assert provider.inputs["accessTokenValidity"] == "hours=1" and provider.inputs["includeClaimsInIdToken"] is True
    app = recorded.one(APP)
    assert app.inputs["slug"] == "demo" and app.inputs["policyEngineMode"] == "any"
    assert app.inputs["metaLaunchUrl"] == "https://demo.example"
    assert not recorded.of_type("authentik:index/group:Group")
    assert registered_outputs[("AuthentikOidcApp", "demo")] == [
        "application_uuid", "client_id", "client_secret", "provider_id"]


def test_access_group_binds_a_group_to_the_application(run_mocked):
    def program():
        ak = authentik.Provider("authentik", url="https://authentik.example", token="t")
        AuthentikOidcApp("postiz", app_args(ak, client_type="confidential",
                                            access_group=AccessGroup(name="Postiz Users", usernames=("a", "b"))))

    recorded = run_mocked(program, invokes=INVOKES)
    group = recorded.one("authentik:index/group:Group")
    assert group.inputs == {"name": "Postiz Users", "users": [7, 7]}
    binding = recorded.one("authentik:index/policyBinding:PolicyBinding")
    assert binding.name == "postiz-access" and binding.inputs["order"] == 0
    assert recorded.one(PROVIDER).inputs["invalidationFlow"] == "flow-uuid"


def test_confidential_client_with_its_credentials_from_outside(run_mocked):
    def program():
        ak = authentik.Provider("authentik", url="https://authentik.example", token="t")
        AuthentikOidcApp("dash", app_args(
            ak, client_type="confidential", client_id=pulumi.Output.secret("dash-id"),
            client_secret=pulumi.Output.secret("dash-secret"),
            scopes=[managed_scope("openid"), Scope(name="Kubernetes Groups")]))

    recorded = run_mocked(program, invokes=INVOKES)
    provider = recorded.one(PROVIDER)
    assert provider.inputs["clientId"] == "[secret]" and provider.inputs["clientSecret"] == "[secret]"
    assert provider.inputs["propertyMappings"] == ["scope-uuid", "scope-uuid"]
    assert Scope(name="Kubernetes Groups").lookup_args() == {"name": "Kubernetes Groups"}


def test_offline_lookups_still_render(run_mocked):
    def program():
        ak = authentik.Provider("authentik", url="https://authentik.example", token="t")
        AuthentikOidcApp("demo", app_args(ak))

    recorded = run_mocked(program)
    assert recorded.one(PROVIDER).inputs["name"] == "demo"


@pytest.mark.parametrize("overrides, argument", [
    ({"client_type": "secret"}, "client_type"),
    ({"sub_mode": "email"}, "sub_mode"),
    ({"redirect_uris": []}, "redirect_uris"),
    ({"scopes": []}, "scopes"),
    ({"app_slug": " "}, "app_slug"),
    ({"policy_engine_mode": "first"}, "policy_engine_mode"),
    ({"client_id": ""}, "client_id"),
    ({"client_secret": "s"}, "client_secret"),  # app_args builds a public client
])
def test_args_reject(overrides, argument):
    with pytest.raises(ArgumentError, match=argument):
        app_args(object(), **overrides)


@pytest.mark.parametrize("build, argument", [
    (lambda: Scope(), "scopes"),
    (lambda: Scope(managed="m", scope_name="s"), "scopes"),
    (lambda: Scope(scope_name="s", name="n"), "scopes"),
    (lambda: RedirectUri(url="x", matching_mode="prefix"), "matching_mode"),
    (lambda: AccessGroup(name="G", usernames=()), "usernames"),
])
def test_parts_reject(build, argument):
    with pytest.raises(ArgumentError, match=argument):
        build()
