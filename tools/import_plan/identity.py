"""Identity rules: which real-world object a resource stands for, on each side.

A Terraform instance and a Pulumi resource are the same object when their
:class:`Identity` is equal. Names (Terraform address, Pulumi logical name) play no part,
except for random values, which have no identity outside the state that holds them.

Each Terraform rule also yields the import id *in the Pulumi provider's format*:

==========================  ===================================================
family                      Pulumi import id (provider docs, "Import" section)
==========================  ===================================================
Kubernetes object           ``namespace/name`` (cluster-scoped: ``name``)
helm.sh/v3 Release          ``namespace/name``
cloudflare 6.x DnsRecord    ``<zone_id>/<dns_record_id>``
vault Policy                ``name``
vault Mount / AuthBackend   ``path`` (also Audit, jwt AuthBackend, k8s SecretBackend)
vault k8s/jwt role          ``auth/<backend>/role/<role_name>``
vault k8s auth config       ``auth/<backend>/config``
vault db static role        ``<backend>/static-roles/<name>``
vault db connection         ``<backend>/config/<name>``
vault identity Group        the group id (uuid)
proxmoxve VmLegacy          ``<node>/<vmid>``
authentik objects           the Terraform id (the provider is bridged from the same
                            Terraform provider, so ids are shared); matched by name/slug
cloudflare tunnel config    ``<account_id>/<tunnel_id>``
cloudflare WorkersScript    ``<account_id>/<script_name>``
cloudflare WorkersRoute     ``<zone_id>/<route_id>``
cloudflare BotManagement    ``<zone_id>``
cloudflare TurnstileWidget  ``<account_id>/<sitekey>``
cloudflare PagesProject     ``<account_id>/<project_name>``
cloudflare PagesDomain      ``<account_id>/<project_name>/<domain_name>``
cloudflare ZoneSetting      ``<zone_id>/<setting_id>`` (one per setting of a v4
                            ``cloudflare_zone_settings_override``)
OCI core objects            the OCID; matched by compartment and display name
authentik bindings          the Terraform id; matched by what they bind (resolved
                            through objects already matched) and their order
``kubernetes_labels``       not imported: the port's ``<Kind>Patch`` applies the same
                            labels by server-side apply on the first ``up``
random Password/String      the current value (secret: redacted in every report)
random Id                   ``b64_url`` or ``<prefix>,<b64_url>``
==========================  ===================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from . import k8s
from .synth import PulumiResource
from .tfstate import TfInstance

Attrs = dict[str, Any]

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
PROXMOX_VM = "proxmoxve:index/vmLegacy:VmLegacy"
RANDOM_TYPES = {
    "random_password": "random:index/randomPassword:RandomPassword",
    "random_string": "random:index/randomString:RandomString",
    "random_id": "random:index/randomId:RandomId",
}
SECRET_VALUED = frozenset({"random_password", "random_string"})

# Terraform types that hold no live object: dropping them from management loses nothing.
STATE_ONLY = frozenset({"null_resource", "terraform_data", "time_sleep", "time_static", "time_rotating"})


@dataclass(frozen=True)
class Identity:
    family: str
    key: tuple[str, ...]

    def label(self) -> str:
        return f"{self.family}:{'/'.join(self.key)}"


@dataclass(frozen=True)
class TfKey:
    """Identity of a Terraform instance plus how Pulumi imports that object."""

    identity: Identity
    import_id: str
    secret_id: bool = False
    # Extra value used only to split identities that collide (e.g. two TXT records).
    detail: str = ""


# ---------------------------------------------------------------- natural-key rules


@dataclass(frozen=True)
class KeyRule:
    """An object identified by plain attributes that both sides carry literally."""

    pulumi_type: str
    tf_attrs: tuple[str, ...]
    pulumi_inputs: tuple[str, ...]
    import_id: Callable[[Attrs], str]


def _tf_id(attrs: Attrs) -> str:
    return str(attrs["id"])


def _authentik(token: str, tf_attr: str = "name", pulumi_input: str = "name") -> KeyRule:
    return KeyRule(f"authentik:index/{token}", (tf_attr,), (pulumi_input,), _tf_id)


KEY_RULES: dict[str, KeyRule] = {
    "authentik_group": _authentik("group:Group"),
    "authentik_application": _authentik("application:Application", "slug", "slug"),
    "authentik_flow": _authentik("flow:Flow", "slug", "slug"),
    "authentik_provider_oauth2": _authentik("providerOauth2:ProviderOauth2"),
    "authentik_provider_proxy": _authentik("providerProxy:ProviderProxy"),
    "authentik_outpost": _authentik("outpost:Outpost"),
    "authentik_policy_expression": _authentik("policyExpression:PolicyExpression"),
    "authentik_stage_identification": _authentik("stageIdentification:StageIdentification"),
    "authentik_stage_prompt": _authentik("stagePrompt:StagePrompt"),
    "authentik_stage_prompt_field": _authentik("stagePromptField:StagePromptField"),
    "authentik_stage_user_login": _authentik("stageUserLogin:StageUserLogin"),
    "authentik_user": _authentik("user:User", "username", "username"),
    "authentik_event_transport": _authentik("eventTransport:EventTransport"),
    "cloudflare_zero_trust_tunnel_cloudflared_config": KeyRule(
        "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
        ("account_id", "tunnel_id"), ("accountId", "tunnelId"), lambda a: f"{a['account_id']}/{a['tunnel_id']}"),
    "cloudflare_worker_script": KeyRule(
        "cloudflare:index/workersScript:WorkersScript",
        ("account_id", "name"), ("accountId", "scriptName"), lambda a: f"{a['account_id']}/{a['name']}"),
    "cloudflare_worker_route": KeyRule(
        "cloudflare:index/workersRoute:WorkersRoute",
        ("zone_id", "pattern"), ("zoneId", "pattern"), lambda a: f"{a['zone_id']}/{a['id']}"),
    "cloudflare_bot_management": KeyRule(
        "cloudflare:index/botManagement:BotManagement", ("zone_id",), ("zoneId",), lambda a: str(a["zone_id"])),
    # cloudflare v4 keeps the sitekey in `id`.
    "cloudflare_turnstile_widget": KeyRule(
        "cloudflare:index/turnstileWidget:TurnstileWidget",
        ("account_id", "name"), ("accountId", "name"), lambda a: f"{a['account_id']}/{a['id']}"),
    "cloudflare_pages_project": KeyRule(
        "cloudflare:index/pagesProject:PagesProject",
        ("account_id", "name"), ("accountId", "name"), lambda a: f"{a['account_id']}/{a['name']}"),
    # v4 calls the domain `domain`, 6.x `name`.
    "cloudflare_pages_domain": KeyRule(
        "cloudflare:index/pagesDomain:PagesDomain",
        ("account_id", "project_name", "domain"), ("accountId", "projectName", "name"),
        lambda a: f"{a['account_id']}/{a['project_name']}/{a['domain']}"),
    **{
        f"oci_core_{tf}": KeyRule(
            f"oci:Core/{token}", ("compartment_id", "display_name"), ("compartmentId", "displayName"), _tf_id)
        for tf, token in (
            ("vcn", "vcn:Vcn"),
            ("internet_gateway", "internetGateway:InternetGateway"),
            ("security_list", "securityList:SecurityList"),
            ("subnet", "subnet:Subnet"),
            ("instance", "instance:Instance"),
            ("public_ip", "publicIp:PublicIp"),
        )
    },
}
_KEY_BY_TOKEN = {rule.pulumi_type: rule for rule in KEY_RULES.values()}


# ---------------------------------------------------------------- reference rules


@dataclass(frozen=True)
class RefRule:
    """An object whose identity is made of other objects' ids (a binding, a default
    table of a network). Offline, the Pulumi side holds mock ids or unknowns, so each
    field is resolved: a Terraform value becomes the Pulumi resource that manages the
    Terraform object carrying that id (found through the matches already made), a
    Pulumi value that is another resource's id becomes that resource; anything else
    stays a literal. Matched in a second pass, after the objects they point at."""

    pulumi_type: str
    fields: tuple[tuple[str, str], ...]  # (terraform attribute, pulumi input)
    import_id: Callable[[Attrs], str]
    # Attributes of the referenced Terraform object that a field value may equal.
    ref_attrs: tuple[str, ...] = ("id", "uuid")


REF_RULES: dict[str, RefRule] = {
    "authentik_policy_binding": RefRule(
        "authentik:index/policyBinding:PolicyBinding",
        (("target", "target"), ("policy", "policy"), ("group", "group"), ("user", "user"), ("order", "order")),
        _tf_id),
    "authentik_flow_stage_binding": RefRule(
        "authentik:index/flowStageBinding:FlowStageBinding",
        (("target", "target"), ("stage", "stage"), ("order", "order")), _tf_id),
    # The default route table is the VCN's: `manage_default_resource_id` is the VCN's
    # `default_route_table_id`.
    "oci_core_default_route_table": RefRule(
        "oci:Core/defaultRouteTable:DefaultRouteTable",
        (("manage_default_resource_id", "manageDefaultResourceId"),), _tf_id,
        ref_attrs=("default_route_table_id",)),
}
_REF_BY_TOKEN = {rule.pulumi_type: rule for rule in REF_RULES.values()}

# v4 keeps every setting of a zone in one resource; 6.x has one ZoneSetting per setting.
ZONE_SETTINGS_OVERRIDE = "cloudflare_zone_settings_override"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"

# `kubernetes_labels` patches labels onto an object another tool owns; pulumi-kubernetes
# does the same with a `<Kind>Patch` resource (server-side apply), which is not imported.
KUBERNETES_LABELS = "kubernetes_labels"


def labels_target(inst: TfInstance) -> Identity | None:
    attrs = inst.attributes
    meta = k8s.first_block(attrs.get("metadata"))
    ref = k8s.object_ref(attrs.get("api_version"), attrs.get("kind"), meta.get("namespace"), meta.get("name"))
    return Identity("patch", ref.key()) if ref else None


def patch_target(res: PulumiResource) -> Identity | None:
    if not (res.type.startswith("kubernetes:") and res.type.endswith("Patch")):
        return None
    api_version, kind = k8s.token_api_version(res.type)
    meta = res.inputs.get("metadata") or {}
    ref = k8s.object_ref(api_version, kind[: -len("Patch")], meta.get("namespace"), meta.get("name"))
    return Identity("patch", ref.key()) if ref else None


# ---------------------------------------------------------------- vault rules


@dataclass(frozen=True)
class VaultRule:
    pulumi_type: str
    label: str
    tf_path: Callable[[Attrs], str | None]
    pulumi_path: Callable[[Attrs], str | None]


def _strip(value: Any) -> str | None:
    return str(value).strip("/") if value else None


def _role(backend_default: str, tf_role: str = "role_name") -> tuple[Callable[[Attrs], str | None], ...]:
    def tf(a: Attrs) -> str | None:
        return f"auth/{_strip(a.get('backend')) or backend_default}/role/{a[tf_role]}" if a.get(tf_role) else None

    def pu(a: Attrs) -> str | None:
        return f"auth/{_strip(a.get('backend')) or backend_default}/role/{a['roleName']}" if a.get("roleName") else None

    return tf, pu


def _db(segment: str) -> tuple[Callable[[Attrs], str | None], ...]:
    def path(a: Attrs) -> str | None:
        return f"{_strip(a.get('backend'))}/{segment}/{a['name']}" if a.get("backend") and a.get("name") else None

    return path, path


def _k8s_config(a: Attrs) -> str:
    return f"auth/{_strip(a.get('backend')) or 'kubernetes'}/config"


_k8s_role = _role("kubernetes")
_jwt_role = _role("jwt")
_static_role = _db("static-roles")
_connection = _db("config")

VAULT_RULES: dict[str, VaultRule] = {
    "vault_policy": VaultRule("vault:index/policy:Policy", "policy", lambda a: a.get("name"), lambda a: a.get("name")),
    "vault_mount": VaultRule("vault:index/mount:Mount", "mount", lambda a: _strip(a.get("path")), lambda a: _strip(a.get("path"))),
    "vault_auth_backend": VaultRule(
        "vault:index/authBackend:AuthBackend", "auth",
        lambda a: _strip(a.get("path")) or _strip(a.get("type")),
        lambda a: _strip(a.get("path")) or _strip(a.get("type")),
    ),
    "vault_jwt_auth_backend": VaultRule(
        "vault:jwt/authBackend:AuthBackend", "auth",
        lambda a: _strip(a.get("path")) or "jwt", lambda a: _strip(a.get("path")) or "jwt",
    ),
    "vault_audit": VaultRule(
        "vault:index/audit:Audit", "audit",
        lambda a: _strip(a.get("path")) or _strip(a.get("type")),
        lambda a: _strip(a.get("path")) or _strip(a.get("type")),
    ),
    "vault_kubernetes_secret_backend": VaultRule(
        "vault:kubernetes/secretBackend:SecretBackend", "mount",
        lambda a: _strip(a.get("path")), lambda a: _strip(a.get("path")),
    ),
    "vault_kubernetes_auth_backend_role": VaultRule("vault:kubernetes/authBackendRole:AuthBackendRole", "k8s-role", *_k8s_role),
    "vault_jwt_auth_backend_role": VaultRule("vault:jwt/authBackendRole:AuthBackendRole", "jwt-role", *_jwt_role),
    "vault_kubernetes_auth_backend_config": VaultRule(
        "vault:kubernetes/authBackendConfig:AuthBackendConfig", "k8s-config", _k8s_config, _k8s_config
    ),
    "vault_database_secret_backend_static_role": VaultRule(
        "vault:database/secretBackendStaticRole:SecretBackendStaticRole", "static-role", *_static_role
    ),
    "vault_database_secret_backend_connection": VaultRule(
        "vault:database/secretBackendConnection:SecretBackendConnection", "db-connection", *_connection
    ),
    "vault_identity_group": VaultRule("vault:identity/group:Group", "group", lambda a: a.get("name"), lambda a: a.get("name")),
}
_VAULT_BY_TOKEN = {rule.pulumi_type: rule for rule in VAULT_RULES.values()}
# Ids that are not the path: Terraform already holds them in `id`.
_VAULT_ID_FROM_TF = frozenset({"vault_identity_group"})


# ---------------------------------------------------------------- terraform side


def tf_key(inst: TfInstance, zone_domains: dict[str, str]) -> TfKey | None:
    """Identity + Pulumi import id of a Terraform instance, or None if no rule applies."""
    attrs = inst.attributes
    ref = k8s.tf_ref(inst)
    if ref is not None:
        return TfKey(Identity("k8s", ref.key()), ref.import_id())
    if inst.type == "helm_release":
        namespace = attrs.get("namespace") or "default"
        return TfKey(Identity("helm", (namespace, attrs["name"])), f"{namespace}/{attrs['name']}")
    if inst.type in ("cloudflare_record", "cloudflare_dns_record"):
        return _dns_key(attrs, zone_domains)
    if inst.type in VAULT_RULES:
        return _vault_key(inst)
    if inst.type in ("proxmox_vm_qemu", "proxmox_virtual_environment_vm"):
        return _vm_key(attrs)
    if inst.type in RANDOM_TYPES:
        return _random_key(inst)
    if inst.type in KEY_RULES:
        rule = KEY_RULES[inst.type]
        values = tuple(attrs.get(a) for a in rule.tf_attrs)
        if any(v in (None, "") for v in values):
            return None
        return TfKey(Identity("key", (rule.pulumi_type, *map(str, values))), rule.import_id(attrs))
    return None


def _dns_key(attrs: Attrs, zone_domains: dict[str, str]) -> TfKey:
    zone = str(attrs["zone_id"])
    fqdn = fqdn_of(str(attrs.get("hostname") or attrs["name"]), zone_domains.get(zone))
    content = str(attrs.get("content") or attrs.get("value") or "")
    return TfKey(Identity("dns", (zone, fqdn, str(attrs["type"]).upper())), f"{zone}/{attrs['id']}", detail=content)


def _vault_key(inst: TfInstance) -> TfKey | None:
    rule = VAULT_RULES[inst.type]
    path = rule.tf_path(inst.attributes)
    if not path:
        return None
    import_id = str(inst.attributes["id"]) if inst.type in _VAULT_ID_FROM_TF else path
    return TfKey(Identity("vault", (rule.label, path)), import_id)


def _vm_key(attrs: Attrs) -> TfKey:
    node = str(attrs.get("target_node") or attrs.get("node_name"))
    vmid = str(attrs.get("vmid") or attrs.get("vm_id"))
    return TfKey(Identity("proxmox", (node, vmid)), f"{node}/{vmid}")


def _random_key(inst: TfInstance) -> TfKey:
    attrs = inst.attributes
    if inst.type == "random_id":
        value = str(attrs["b64_url"])
        import_id = f"{attrs['prefix']},{value}" if attrs.get("prefix") else value
    else:
        import_id = str(attrs["result"])
    return TfKey(
        Identity("random", (RANDOM_TYPES[inst.type], random_stem(inst))),
        import_id,
        secret_id=inst.type in SECRET_VALUED,
    )


def random_stem(inst: TfInstance) -> str:
    """``random_password.secret_key`` -> ``secret-key``; ``db["a"]`` -> ``db-a``."""
    stem = inst.name if inst.index is None else f"{inst.name}-{inst.index}"
    return normalize_name(stem)


def normalize_name(name: str) -> str:
    return name.lower().replace("_", "-")


def fqdn_of(name: str, domain: str | None) -> str:
    name = name.lower().rstrip(".")
    if not domain:
        return name
    if name == "@":
        return domain
    if name == domain or name.endswith("." + domain):
        return name
    return f"{name}.{domain}"


def zone_domains_from(instances: list[TfInstance]) -> dict[str, str]:
    """cloudflare v4 state holds both `name` and the computed FQDN `hostname`; the
    difference is the zone's domain, needed to compare short and full record names."""
    domains: dict[str, str] = {}
    for inst in instances:
        if inst.type != "cloudflare_record":
            continue
        name = str(inst.attributes.get("name") or "").lower().rstrip(".")
        host = str(inst.attributes.get("hostname") or "").lower().rstrip(".")
        if name == "@" and host:
            domains[str(inst.attributes["zone_id"])] = host
        elif host.startswith(name + ".") and host != name:
            domains[str(inst.attributes["zone_id"])] = host[len(name) + 1 :]
    return domains


# ---------------------------------------------------------------- pulumi side


def pulumi_identities(res: PulumiResource, zone_domains: dict[str, str]) -> list[tuple[Identity, str]]:
    """Candidate identities of a Pulumi resource, best first, each with its detail."""
    inputs = res.inputs
    if k8s.is_k8s_object_token(res.type):
        ref = k8s.pulumi_ref(res.type, inputs)
        return [(Identity("k8s", ref.key()), "")] if ref else []
    if res.type == HELM_RELEASE:
        name = inputs.get("name")
        return [(Identity("helm", (inputs.get("namespace") or "default", name)), "")] if name else []
    if res.type == DNS_RECORD:
        zone = str(inputs.get("zoneId"))
        fqdn = fqdn_of(str(inputs.get("name")), zone_domains.get(zone))
        detail = str(inputs.get("content") or "")
        return [(Identity("dns", (zone, fqdn, str(inputs.get("type")).upper())), detail)]
    if res.type in _VAULT_BY_TOKEN:
        rule = _VAULT_BY_TOKEN[res.type]
        path = rule.pulumi_path(inputs)
        return [(Identity("vault", (rule.label, path)), "")] if path else []
    if res.type == PROXMOX_VM:
        return [(Identity("proxmox", (str(inputs.get("nodeName")), str(inputs.get("vmId")))), "")]
    if res.type in RANDOM_TYPES.values():
        return [(Identity("random", (res.type, stem)), "") for stem in _name_suffixes(res.name)]
    if res.type in _KEY_BY_TOKEN:
        values = tuple(inputs.get(i) for i in _KEY_BY_TOKEN[res.type].pulumi_inputs)
        if any(not isinstance(v, str) or not v or v.startswith("[") for v in values):
            return []  # unknown or secret at synth time: cannot be matched offline
        return [(Identity("key", (res.type, *values)), "")]
    return []


def _name_suffixes(logical_name: str) -> list[str]:
    """``tandoor-secret-key`` -> [``tandoor-secret-key``, ``secret-key``, ``key``]: a
    component usually prefixes its children's names with its own."""
    parts = normalize_name(logical_name).split("-")
    return ["-".join(parts[i:]) for i in range(len(parts))]


def expected_pulumi_type(inst: TfInstance) -> str | None:
    """The Pulumi token family the Terraform type must land on (None: any k8s token)."""
    if inst.type == "helm_release":
        return HELM_RELEASE
    if inst.type in ("cloudflare_record", "cloudflare_dns_record"):
        return DNS_RECORD
    if inst.type in VAULT_RULES:
        return VAULT_RULES[inst.type].pulumi_type
    if inst.type in ("proxmox_vm_qemu", "proxmox_virtual_environment_vm"):
        return PROXMOX_VM
    if inst.type in KEY_RULES:
        return KEY_RULES[inst.type].pulumi_type
    if inst.type in REF_RULES:
        return REF_RULES[inst.type].pulumi_type
    if inst.type == ZONE_SETTINGS_OVERRIDE:
        return ZONE_SETTING
    return RANDOM_TYPES.get(inst.type)
