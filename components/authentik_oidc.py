"""An application that logs in with Authentik over OIDC: OAuth2 provider + application.

Owns an ``authentik.ProviderOauth2`` and the ``authentik.Application`` that exposes it, plus,
when ``access_group`` is given, a group of named users and the policy binding that lets only
that group through the application (with ``policy_engine_mode="any"``, one binding is a gate).

The flows, the signing certificate, the scope mappings and the users are looked up with
invokes against the Authentik provider the stack passes in, the way stacks/authentik does
it: offline (the synth's mocks) they resolve to nothing and the program still renders; a
real preview reads the live values. The stack creates the provider (its token from Vault
``secret/authentik`` field ``tf_api_token``) and passes it as ``provider``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from components.authentik_sdk import authentik
from components.errors import ArgumentError, require_choice, require_text

_COMPONENT = "AuthentikOidcApp"
CLIENT_TYPES = ("public", "confidential")
SUB_MODES = ("hashed_user_id", "user_id", "user_uuid", "user_username", "user_email", "user_upn")
MATCHING_MODES = ("strict", "regex")
IMPLICIT_CONSENT_FLOW = "default-provider-authorization-implicit-consent"
INVALIDATION_FLOW = "default-provider-invalidation-flow"
SIGNING_KEY_NAME = "authentik Self-signed Certificate"


@dataclass(frozen=True, kw_only=True)
class Scope:
    """One scope mapping lookup: by ``managed`` identifier, by ``scope_name``, or by the
    mapping's ``name`` (a custom mapping made in the UI has no managed identifier)."""

    managed: str | None = None
    scope_name: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        given = [k for k in ("managed", "scope_name", "name") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ArgumentError(_COMPONENT, "scopes", "each Scope needs exactly one of managed / scope_name / name")

    def lookup_args(self) -> dict[str, str]:
        key = next(k for k in ("managed", "scope_name", "name") if getattr(self, k) is not None)
        return {key: getattr(self, key)}


def managed_scope(name: str) -> Scope:
    """Authentik's built-in OAuth2 scope mapping ``goauthentik.io/providers/oauth2/scope-<name>``."""
    return Scope(managed=f"goauthentik.io/providers/oauth2/scope-{name}")


DEFAULT_SCOPES = (managed_scope("openid"), managed_scope("profile"), managed_scope("email"))


@dataclass(frozen=True, kw_only=True)
class RedirectUri:
    url: str
    matching_mode: str = "strict"

    def __post_init__(self) -> None:
        require_text(_COMPONENT, "redirect_uris", self.url)
        require_choice(_COMPONENT, "redirect_uris.matching_mode", self.matching_mode, MATCHING_MODES)

    def as_input(self) -> dict[str, str]:
        return {"matching_mode": self.matching_mode, "url": self.url}


@dataclass(frozen=True, kw_only=True)
class AccessGroup:
    """A group bound to the application so only its members may complete the login."""

    name: str
    """Group name in Authentik (``authentik_group.name``)."""
    usernames: tuple[str, ...]
    """Members, looked up by username."""
    order: int = 0
    """The policy binding's order."""

    def __post_init__(self) -> None:
        require_text(_COMPONENT, "access_group.name", self.name)
        if not self.usernames:
            raise ArgumentError(_COMPONENT, "access_group.usernames", "must name at least one user")


@dataclass(frozen=True, kw_only=True)
class AuthentikOidcAppArgs:
    provider: pulumi.ProviderResource
    """The stack's ``authentik.Provider``; every child and lookup uses it."""
    provider_name: str
    """``authentik_provider_oauth2.name``."""
    client_id: pulumi.Input[str]
    """Literal, or an Output (read from Vault, as k8s-dashboard's is)."""
    client_type: str
    """``public`` (PKCE, no secret: native apps) or ``confidential`` (server holds the secret)."""
    app_name: str
    app_slug: str
    redirect_uris: Sequence[RedirectUri]
    meta_launch_url: str | None = None
    client_secret: pulumi.Input[str] | None = None
    """A confidential client's secret, when the program owns it (Vault); None lets Authentik generate one."""
    sub_mode: str = "hashed_user_id"
    access_token_validity: str = "hours=1"
    refresh_token_validity: str = "days=30"
    include_claims_in_id_token: bool = True
    scopes: Sequence[Scope] = DEFAULT_SCOPES
    authorization_flow_slug: str = IMPLICIT_CONSENT_FLOW
    invalidation_flow_slug: str = INVALIDATION_FLOW
    invalidation_flow_id: str | None = None
    """A literal flow id instead of the slug lookup (upstream tripit pins the UUID)."""
    signing_key_name: str = SIGNING_KEY_NAME
    """RS256 signing certificate; without one Authentik signs HS256 with an empty JWKS."""
    policy_engine_mode: str = "any"
    access_group: AccessGroup | None = None
    provider_ignore_changes: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name in ("provider_name", "app_name", "app_slug"):
            require_text(_COMPONENT, name, getattr(self, name))
        if not isinstance(self.client_id, pulumi.Output):
            require_text(_COMPONENT, "client_id", self.client_id)
        require_choice(_COMPONENT, "client_type", self.client_type, CLIENT_TYPES)
        if self.client_secret is not None and self.client_type != "confidential":
            raise ArgumentError(_COMPONENT, "client_secret", "only a confidential client has a secret")
        require_choice(_COMPONENT, "sub_mode", self.sub_mode, SUB_MODES)
        require_choice(_COMPONENT, "policy_engine_mode", self.policy_engine_mode, ("any", "all"))
        if not self.redirect_uris:
            raise ArgumentError(_COMPONENT, "redirect_uris", "must hold at least one redirect URI")
        if not self.scopes:
            raise ArgumentError(_COMPONENT, "scopes", "must hold at least one scope (openid)")


def numeric_pk(value: pulumi.Input[str]) -> pulumi.Output:
    """Authentik providers and users have integer primary keys; the provider wants numbers."""
    return pulumi.Output.from_input(value).apply(lambda v: int(v) if isinstance(v, str) and v.isdigit() else v)


class AuthentikOidcApp(pulumi.ComponentResource):
    """Outputs ``client_id``, ``client_secret`` (secret; empty for public clients),
    ``provider_id`` and ``application_uuid``."""

    client_id: pulumi.Output[str]
    client_secret: pulumi.Output[str]
    provider_id: pulumi.Output[str]
    application_uuid: pulumi.Output[str]

    def __init__(self, name: str, args: AuthentikOidcAppArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("homelab:authentik:OidcApp", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        lookup = pulumi.InvokeOutputOptions(provider=args.provider, parent=self)

        authorization = authentik.get_flow_output(slug=args.authorization_flow_slug, opts=lookup)
        invalidation = (pulumi.Output.from_input(args.invalidation_flow_id) if args.invalidation_flow_id
                        else authentik.get_flow_output(slug=args.invalidation_flow_slug, opts=lookup).id)
        signing = authentik.get_certificate_key_pair_output(name=args.signing_key_name, opts=lookup)
        mappings = [authentik.get_property_mapping_provider_scope_output(**s.lookup_args(), opts=lookup).id
                    for s in args.scopes]

        secret_input: dict = {"client_secret": args.client_secret} if args.client_secret is not None else {}
        oauth = authentik.ProviderOauth2(
            f"{name}-provider",
            name=args.provider_name,
            client_id=args.client_id,
            client_type=args.client_type,
            sub_mode=args.sub_mode,
            authorization_flow=authorization.id,
            invalidation_flow=invalidation,
            allowed_redirect_uris=[uri.as_input() for uri in args.redirect_uris],
            access_token_validity=args.access_token_validity,
            refresh_token_validity=args.refresh_token_validity,
            include_claims_in_id_token=args.include_claims_in_id_token,
            signing_key=signing.id,
            property_mappings=mappings,
            **secret_input,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(
                ignore_changes=list(args.provider_ignore_changes) or None,
                additional_secret_outputs=["clientSecret"])),
        )
        app_inputs: dict = {"meta_launch_url": args.meta_launch_url} if args.meta_launch_url else {}
        application = authentik.Application(
            f"{name}-application",
            name=args.app_name,
            slug=args.app_slug,
            protocol_provider=numeric_pk(oauth.id),
            policy_engine_mode=args.policy_engine_mode,
            **app_inputs,
            opts=child,
        )
        if args.access_group is not None:
            gate = args.access_group
            members = [numeric_pk(authentik.get_user_output(username=u, opts=lookup).id) for u in gate.usernames]
            group = authentik.Group(f"{name}-group", name=gate.name, users=members, opts=child)
            authentik.PolicyBinding(f"{name}-access", target=application.uuid, group=group.id,
                                    order=gate.order, opts=child)

        self.client_id = oauth.client_id
        self.client_secret = pulumi.Output.secret(oauth.client_secret.apply(lambda v: v or ""))
        self.provider_id = oauth.id
        self.application_uuid = application.uuid
        self.register_outputs({
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "provider_id": self.provider_id,
            "application_uuid": self.application_uuid,
        })
