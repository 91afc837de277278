"""Property comparison: what the first ``pulumi up`` after import will change.

For each family: the fields that decide *replace* (immutable on the server or force-new
in the provider), and every field the program sets on *update* - for workloads the
whole pod template (so a rewritten payload checksum or command shows up as a restart),
for CronJobs the whole job template, for ConfigMaps every value, for Helm releases the
full values in both directions (a value only Terraform set is dropped by the first
upgrade). Fields the Pulumi program leaves unset are not compared: server-side apply
leaves fields another manager set alone. Values the synth could not know (``[secret]``,
``[unknown]``) are skipped; placeholders (unset config, payload files not brought over)
are reported as such, never compared. Paths listed in the resource's ``ignoreChanges``
are reported as ``ignored``. Secret-bearing values are never rendered: Secret data,
Helm values, env values and random results are shown as ``[redacted]``; long text
(payloads) as its line count and digest.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import yaml

from components.payload import PLACEHOLDER_MARKER

from . import k8s
from .synth import SECRET, UNKNOWN, PulumiResource
from .tfstate import TfInstance, unwrap_dynamic

REPLACE = "replace"
UPDATE = "update"
IGNORED = "ignored"
# The program's value is a placeholder: the first `up` cannot be predicted for it.
PLACEHOLDER = "placeholder"
REDACTED = "[redacted]"
_MISSING = object()


@dataclass(frozen=True)
class Diff:
    field: str
    effect: str
    terraform: str
    pulumi: str


@dataclass(frozen=True)
class Check:
    """One field compared: Terraform value, Pulumi value, effect when they differ."""

    field: str
    tf: Any
    pu: Any
    effect: str = UPDATE
    secret: bool = False
    # True when Pulumi leaving the field out still changes it (a map key the program
    # drops); False when an absent input means "provider keeps the live value".
    absent_counts: bool = False


# ---------------------------------------------------------------- helpers


def dig(data: Any, path: str) -> Any:
    """``dig(x, "spec.0.selector.0.match_labels")``; returns _MISSING when absent."""
    cur = data
    for part in path.split("."):
        if isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return _MISSING
    return cur


def _norm(value: Any) -> Any:
    """Terraform stores numbers of string fields as strings and empty blocks as [] or {}."""
    if value is None or value == [] or value == {}:
        return _MISSING
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if _norm(v) is not _MISSING}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _unknowable(value: Any) -> bool:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return SECRET in text or UNKNOWN in text


def _as_map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _show(value: Any, secret: bool) -> str:
    if secret:
        return REDACTED
    if value is _MISSING:
        return "(absent)"
    if isinstance(value, str) and ("\n" in value or len(value) > 120):
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
        return f"<text: {len(value.splitlines())} lines, sha256 {digest}>"
    return json.dumps(value, sort_keys=True, default=str)


_CONFIG_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER_MARKER) + r": config ([A-Za-z0-9_.:/-]+)")


def placeholder_note(value: Any) -> str | None:
    """What the operator must do before this value can be compared; None if it is real."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if PLACEHOLDER_MARKER not in text:
        return None
    config = _CONFIG_PLACEHOLDER.search(text)
    if config:
        return f"placeholder: set this config ({config.group(1)}) and re-synth"
    if f"{PLACEHOLDER_MARKER}: lookup " in text:
        return "placeholder: a provider lookup the offline synth cannot answer; `pulumi preview` shows the value"
    if isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER_MARKER):
        return "placeholder: bring the file over (`make bring-over FROM=...`) and re-synth"
    return "placeholder: known only to a real preview (set the config it stands for, or bring its file over) and re-synth"


def _ignored(field: str, ignore_changes: tuple[str, ...]) -> bool:
    field = re.sub(r"\[\d+\]", "[*]", field)
    for entry in ignore_changes:
        entry = re.sub(r"\[\d+\]", "[*]", entry)
        if field == entry or field.startswith(entry + ".") or field.startswith(entry + "["):
            return True
    return False


def evaluate(checks: list[Check], ignore_changes: tuple[str, ...]) -> list[Diff]:
    diffs: list[Diff] = []
    for check in checks:
        tf, pu = _norm(check.tf), _norm(check.pu)
        if (pu is _MISSING and not check.absent_counts) or _unknowable(pu) or tf == pu:
            continue
        note = placeholder_note(pu) if pu is not _MISSING else None
        if note:
            diffs.append(Diff(check.field, PLACEHOLDER, _show(tf, check.secret), note))
            continue
        effect = IGNORED if _ignored(check.field, ignore_changes) else check.effect
        diffs.append(Diff(check.field, effect, _show(tf, check.secret), _show(pu, check.secret)))
    return diffs


def _map_checks(field: str, tf: Any, pu: Any, effect: str = UPDATE) -> list[Check]:
    """One check per key (so ignoreChanges on a single annotation works), over the
    union of keys: a label only Terraform set shows up as a change in the first preview."""
    tf = tf if isinstance(tf, dict) else {}
    pu = pu if isinstance(pu, dict) else {}
    return [
        Check(f'{field}["{key}"]', tf.get(key, _MISSING), pu.get(key, _MISSING), effect, absent_counts=True)
        for key in sorted(set(tf) | set(pu))
    ]


def _leaf_checks(prefix: str, tf: Any, pu: Any, effect: str = UPDATE, both_ways: bool = False) -> Iterator[Check]:
    """Deep comparison of free-form documents (custom resource specs, Helm values).

    ``both_ways``: a key only Terraform has is compared too (it disappears on the first
    ``up``), as for Helm values, which an upgrade replaces as a whole."""
    if isinstance(pu, dict) and (isinstance(tf, dict) or not both_ways or tf is None or tf is _MISSING):
        tf = tf if isinstance(tf, dict) else {}
        keys = list(pu) + ([k for k in tf if k not in pu] if both_ways else [])
        for key in keys:
            yield from _leaf_checks(f"{prefix}.{key}", tf.get(key, _MISSING), pu.get(key, _MISSING), effect, both_ways)
    elif both_ways and pu is _MISSING and isinstance(tf, dict):
        for key, value in tf.items():
            yield from _leaf_checks(f"{prefix}.{key}", value, _MISSING, effect, both_ways)
    else:
        yield Check(prefix, tf, pu, effect, absent_counts=both_ways)


# ---------------------------------------------------------------- typed Terraform -> API shape


def _snake(key: str) -> str:
    """``clusterIP`` -> ``cluster_ip``, ``volumeMounts`` -> ``volume_mounts``."""
    key = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", key)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()


def _tf_field(tf: dict[str, Any], key: str) -> Any:
    """The hashicorp/kubernetes attribute for an API field: literal (map keys), snake
    case, or the singular block name it uses for lists (``containers`` -> ``container``)."""
    snake = _snake(key)
    for candidate in (key, snake, snake[:-1] if snake.endswith("s") and not snake.endswith("ss") else None):
        if candidate and candidate in tf:
            return tf[candidate]
    return _MISSING


def _octal(tf: Any, pu: Any) -> Any:
    """File modes: Terraform keeps ``"0644"``, the API ``420``."""
    if isinstance(pu, int) and isinstance(tf, str) and re.fullmatch(r"0[0-7]+", tf):
        return int(tf, 8)
    return tf


def _masked(value: Any) -> Any:
    """A value with its secret/unknown leaves named, so that it still counts as a change."""
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return {SECRET: "(secret)", UNKNOWN: "(unknown)"}.get(value, value) if isinstance(value, str) else value


def _api_checks(prefix: str, tf: Any, pu: Any, effect: str = UPDATE) -> Iterator[Check]:
    """Compare an API-shaped Pulumi value with a typed Terraform block (lists of one
    object for nested blocks, snake-case names), field by field where the program sets
    one. List items with a ``name`` pair by name (containers, env, volumes, ports)."""
    if isinstance(pu, dict) and tf is _MISSING and re.search(r"\[\d+\]$", prefix):
        # A whole list item Terraform does not have (a new env var, mount, port): one change.
        item = _masked(pu)
        if ".env[" in prefix and "value" in item:
            item = {**item, "value": REDACTED}  # the name is shown, the value never
        yield Check(prefix, _MISSING, item, effect)
    elif isinstance(pu, dict):
        block = k8s.first_block(tf) if isinstance(tf, list) else (tf if isinstance(tf, dict) else {})
        for key, value in pu.items():
            yield from _api_checks(f"{prefix}.{key}", _tf_field(block, key), value, effect)
    elif isinstance(pu, list) and pu and all(isinstance(item, dict) for item in pu):
        tf_items = tf if isinstance(tf, list) else []
        by_name = {item.get("name"): item for item in tf_items if isinstance(item, dict) and item.get("name")}
        for i, item in enumerate(pu):
            if item.get("name") and by_name:
                counterpart = by_name.get(item["name"], _MISSING)
            else:
                counterpart = tf_items[i] if i < len(tf_items) else _MISSING
            yield from _api_checks(f"{prefix}[{i}]", counterpart, item, effect)
    else:
        secret = bool(re.search(r"\.env\[\d+\]\.value$", prefix))
        yield Check(prefix, _octal(tf, pu), pu, effect, secret=secret)


# ---------------------------------------------------------------- kubernetes


def _tf_object(inst: TfInstance) -> dict[str, Any] | None:
    """The API document of manifest-style resources, None for typed resources."""
    if inst.type == "kubernetes_manifest":
        return unwrap_dynamic(inst.attributes.get("manifest")) or {}
    if inst.type == "kubectl_manifest":
        return yaml.safe_load(inst.attributes.get("yaml_body") or "") or {}
    return None


# Pod-owning kinds: a change under the pod template rolls their pods.
RESTARTING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
# StatefulSet fields the API refuses to update in place.
_STATEFULSET_IMMUTABLE = ("serviceName", "volumeClaimTemplates", "podManagementPolicy")


def _workload_checks(inst: TfInstance, pu: dict[str, Any], kind: str) -> list[Check]:
    a = inst.attributes
    tf_spec = k8s.first_block(a.get("spec"))
    pu_spec = _as_map(pu.get("spec"))
    if kind == "CronJob":
        # The job template only shapes the next run: an update, no restart.
        return list(_api_checks("spec", tf_spec, pu_spec))
    checks = [
        Check("spec.selector.matchLabels", dig(tf_spec, "selector.0.match_labels"),
              dig(pu_spec, "selector.matchLabels"), REPLACE),
    ]
    # A Job's pod template is immutable: any change is a new Job.
    template_effect = REPLACE if kind == "Job" else UPDATE
    for key, value in pu_spec.items():
        if key == "selector":
            continue
        effect = template_effect if key == "template" else UPDATE
        if kind == "StatefulSet" and key in _STATEFULSET_IMMUTABLE:
            effect = REPLACE
        checks += list(_api_checks(f"spec.{key}", _tf_field(tf_spec, key), value, effect))
    return checks


def _service_checks(a: dict[str, Any], pu: dict[str, Any]) -> list[Check]:
    tf_ports = [
        {"port": p.get("port"), "targetPort": p.get("target_port")} for p in dig(a, "spec.0.port") or []
    ] if isinstance(dig(a, "spec.0.port"), list) else []
    pu_ports = dig(pu, "spec.ports")
    pu_ports = [{"port": p.get("port"), "targetPort": p.get("targetPort")} for p in pu_ports] if isinstance(pu_ports, list) else _MISSING
    tf_type = dig(a, "spec.0.type")
    return [
        Check("spec.clusterIP", dig(a, "spec.0.cluster_ip"), dig(pu, "spec.clusterIP"), REPLACE),
        Check("spec.type", tf_type if tf_type is not _MISSING else "ClusterIP", dig(pu, "spec.type")),
        Check("spec.selector", dig(a, "spec.0.selector"), dig(pu, "spec.selector")),
        Check("spec.ports", tf_ports, pu_ports),
    ]


def _storage_checks(a: dict[str, Any], pu: dict[str, Any], kind: str) -> list[Check]:
    if kind == "PersistentVolumeClaim":
        return [
            Check("spec.storageClassName", dig(a, "spec.0.storage_class_name"), dig(pu, "spec.storageClassName"), REPLACE),
            Check("spec.accessModes", sorted(dig(a, "spec.0.access_modes") or []), sorted(dig(pu, "spec.accessModes") or []) or _MISSING, REPLACE),
            Check("spec.volumeName", dig(a, "spec.0.volume_name"), dig(pu, "spec.volumeName"), REPLACE),
            Check("spec.resources.requests.storage", dig(a, "spec.0.resources.0.requests.storage"),
                  dig(pu, "spec.resources.requests.storage")),
        ]
    source = dig(a, "spec.0.persistent_volume_source.0")
    return [
        Check("spec.capacity.storage", dig(a, "spec.0.capacity.storage"), dig(pu, "spec.capacity.storage")),
        Check("spec.storageClassName", dig(a, "spec.0.storage_class_name"), dig(pu, "spec.storageClassName"), REPLACE),
        Check("spec.accessModes", sorted(dig(a, "spec.0.access_modes") or []), sorted(dig(pu, "spec.accessModes") or []) or _MISSING, REPLACE),
        Check("spec.nfs.server", dig(source, "nfs.0.server"), dig(pu, "spec.nfs.server"), REPLACE),
        Check("spec.nfs.path", dig(source, "nfs.0.path"), dig(pu, "spec.nfs.path"), REPLACE),
        Check("spec.csi.driver", dig(source, "csi.0.driver"), dig(pu, "spec.csi.driver"), REPLACE),
        Check("spec.csi.volumeHandle", dig(source, "csi.0.volume_handle"), dig(pu, "spec.csi.volumeHandle"), REPLACE),
    ]


def _ingress_checks(a: dict[str, Any], pu: dict[str, Any]) -> list[Check]:
    tf_hosts = sorted(r.get("host") for r in dig(a, "spec.0.rule") or [] if isinstance(r, dict))
    pu_rules = dig(pu, "spec.rules")
    pu_hosts = sorted(r.get("host") for r in pu_rules if isinstance(r, dict)) if isinstance(pu_rules, list) else _MISSING
    return [
        Check("spec.ingressClassName", dig(a, "spec.0.ingress_class_name"), dig(pu, "spec.ingressClassName")),
        Check("spec.rules[*].host", tf_hosts, pu_hosts),
    ]


def _data_checks(a: dict[str, Any], pu: dict[str, Any], kind: str) -> list[Check]:
    """Only key sets and (for ConfigMaps) whether a value changed; values never shown."""
    secret = kind == "Secret"
    checks = [Check("type", a.get("type") or "Opaque", pu.get("type"), REPLACE)] if secret else []
    tf_data = {**_as_map(a.get("data")), **_as_map(a.get("binary_data"))}
    pu_parts = [pu.get(k) for k in ("data", "stringData", "binaryData")]
    if any(isinstance(part, str) for part in pu_parts):  # whole map is "[secret]"/"[unknown]"
        return checks
    pu_data = {k: v for part in pu_parts for k, v in _as_map(part).items()}
    if pu_data:
        checks.append(Check("data (keys)", sorted(tf_data), sorted(pu_data)))
        # ConfigMap text is shown as its digest (payloads are long); a Secret value the
        # program holds in plain text is compared but never shown.
        checks += [Check(f'data["{k}"]', tf_data.get(k), v, UPDATE, secret=secret)
                   for k, v in pu_data.items() if k in tf_data]
    return checks


def k8s_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    pu = res.inputs
    document = _tf_object(inst)
    if document is not None:
        checks = [
            Check("apiVersion", document.get("apiVersion"), pu.get("apiVersion")),
            *_map_checks("metadata.labels", dig(document, "metadata.labels"), dig(pu, "metadata.labels")),
            *_map_checks("metadata.annotations", dig(document, "metadata.annotations"), dig(pu, "metadata.annotations")),
        ]
        for top in ("spec", "data"):
            if top in pu:
                checks += list(_leaf_checks(top, document.get(top), pu[top]))
        return checks
    meta = k8s.first_block(inst.attributes.get("metadata"))
    checks = [
        *_map_checks("metadata.labels", meta.get("labels"), dig(pu, "metadata.labels")),
        *_map_checks("metadata.annotations", meta.get("annotations"), dig(pu, "metadata.annotations")),
    ]
    kind = (k8s.tf_typed_kind(inst.type) or ("", ""))[1]
    checks += _KIND_CHECKS.get(kind, lambda i, p, k: [])(inst, pu, kind)
    return checks


_KIND_CHECKS: dict[str, Callable[[TfInstance, dict[str, Any], str], list[Check]]] = {
    "Deployment": _workload_checks,
    "StatefulSet": _workload_checks,
    "DaemonSet": _workload_checks,
    "CronJob": _workload_checks,
    "Job": _workload_checks,
    "Service": lambda i, p, k: _service_checks(i.attributes, p),
    "PersistentVolumeClaim": lambda i, p, k: _storage_checks(i.attributes, p, k),
    "PersistentVolume": lambda i, p, k: _storage_checks(i.attributes, p, k),
    "Ingress": lambda i, p, k: _ingress_checks(i.attributes, p),
    "Secret": lambda i, p, k: _data_checks(i.attributes, p, k),
    "ConfigMap": lambda i, p, k: _data_checks(i.attributes, p, k),
}


# ---------------------------------------------------------------- other families


def helm_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    a, pu = inst.attributes, res.inputs
    tf_values: dict[str, Any] = {}
    for doc in a.get("values") or []:
        tf_values.update(yaml.safe_load(doc) or {})
    return [
        Check("chart", a.get("chart"), pu.get("chart")),
        Check("version", a.get("version"), pu.get("version")),
        Check("repositoryOpts.repo", a.get("repository"), dig(pu, "repositoryOpts.repo")),
        *[Check(c.field, c.tf, c.pu, UPDATE, secret=True, absent_counts=True)
          for c in _helm_values(tf_values, pu.get("values"))],
    ]


def _helm_values(tf_values: dict[str, Any], pu_values: Any) -> Iterator[Check]:
    if isinstance(pu_values, str):  # the whole values map is "[secret]" / "[unknown]"
        return iter(())
    return _leaf_checks("values", tf_values, pu_values if isinstance(pu_values, dict) else {}, both_ways=True)


def patch_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    """Only the labels the patch sets: server-side apply leaves the others alone."""
    tf_labels = _as_map(inst.attributes.get("labels"))
    pu_labels = _as_map(dig(res.inputs, "metadata.labels"))
    return [Check(f'metadata.labels["{k}"]', tf_labels.get(k), v) for k, v in sorted(pu_labels.items())]


def dns_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    a, pu = inst.attributes, res.inputs
    return [
        Check("content", a.get("content") or a.get("value"), pu.get("content")),
        Check("proxied", bool(a.get("proxied")), pu.get("proxied")),
        Check("ttl", a.get("ttl"), pu.get("ttl")),
    ]


def _vault_text(value: Any) -> Any:
    return "\n".join(line.rstrip() for line in str(value).strip().splitlines()) if value else value


def vault_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    a, pu = inst.attributes, res.inputs
    checks = {
        "vault_policy": [Check("policy", _vault_text(a.get("policy")), _vault_text(pu.get("policy")))],
        "vault_mount": [Check("type", a.get("type"), pu.get("type"), REPLACE)],
        "vault_auth_backend": [Check("type", a.get("type"), pu.get("type"), REPLACE)],
        "vault_kubernetes_auth_backend_role": [
            Check("boundServiceAccountNames", sorted(a.get("bound_service_account_names") or []), sorted(pu.get("boundServiceAccountNames") or []) or _MISSING),
            Check("boundServiceAccountNamespaces", sorted(a.get("bound_service_account_namespaces") or []), sorted(pu.get("boundServiceAccountNamespaces") or []) or _MISSING),
            Check("tokenPolicies", sorted(a.get("token_policies") or []), sorted(pu.get("tokenPolicies") or []) or _MISSING),
        ],
        "vault_database_secret_backend_static_role": [
            Check("dbName", a.get("db_name"), pu.get("dbName")),
            Check("username", a.get("username"), pu.get("username")),
            Check("rotationPeriod", a.get("rotation_period"), pu.get("rotationPeriod")),
        ],
        "vault_database_secret_backend_connection": [
            Check("allowedRoles", sorted(a.get("allowed_roles") or []), sorted(pu.get("allowedRoles") or []) or _MISSING),
        ],
    }
    return checks.get(inst.type, [])


def vm_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    return [Check("name", inst.attributes.get("name"), res.inputs.get("name"))]


def _tf_block(value: Any) -> dict[str, Any]:
    """A Terraform nested block (a list of one object) as its object."""
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}


def oci_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    """Literal fields of the OCI core objects; force-new ones (per the oracle/oci provider
    schema) replace. Ids of other objects are matched by identity, not compared here."""
    a, pu = inst.attributes, res.inputs
    vnic_tf, vnic_pu = _tf_block(a.get("create_vnic_details")), _as_map(pu.get("createVnicDetails"))
    checks = {
        "oci_core_vcn": [
            Check("dnsLabel", a.get("dns_label"), pu.get("dnsLabel", _MISSING), REPLACE),
            Check("cidrBlocks", a.get("cidr_blocks"), pu.get("cidrBlocks", _MISSING)),
        ],
        "oci_core_subnet": [
            Check("dnsLabel", a.get("dns_label"), pu.get("dnsLabel", _MISSING), REPLACE),
            Check("prohibitPublicIpOnVnic", a.get("prohibit_public_ip_on_vnic"),
                  pu.get("prohibitPublicIpOnVnic", _MISSING), REPLACE),
            Check("cidrBlock", a.get("cidr_block"), pu.get("cidrBlock", _MISSING)),
        ],
        "oci_core_instance": [
            Check("availabilityDomain", a.get("availability_domain"), pu.get("availabilityDomain", _MISSING), REPLACE),
            Check("shape", a.get("shape"), pu.get("shape", _MISSING)),
            Check("createVnicDetails.hostnameLabel", vnic_tf.get("hostname_label"),
                  vnic_pu.get("hostnameLabel", _MISSING), REPLACE),
            Check("createVnicDetails.assignPublicIp", vnic_tf.get("assign_public_ip"),
                  vnic_pu.get("assignPublicIp", _MISSING), REPLACE),
        ],
        "oci_core_public_ip": [
            Check("lifetime", a.get("lifetime"), pu.get("lifetime", _MISSING), REPLACE),
        ],
    }
    return checks.get(inst.type, [])


# Character-class flags default to true and minimums to 0 in the random provider.
_RANDOM_FLAGS = ("special", "upper", "lower", "numeric")
_RANDOM_MINIMUMS = ("minSpecial", "minUpper", "minLower", "minNumeric")


def random_checks(inst: TfInstance, res: PulumiResource) -> list[Check]:
    """The random provider's import sets only the value: length is taken from it, every
    flag to its default, every minimum to 0, no override_special and no keepers. Any
    program input that differs from that imported state forces a replacement, which is
    a new value. So compare the program against the *imported* state, not against the
    Terraform configuration."""
    pu = res.inputs
    if inst.type == "random_id":
        length = len(_b64url_decode(str(inst.attributes["b64_url"])))
        return [Check("byteLength", length, pu.get("byteLength", _MISSING), REPLACE)]
    imported: dict[str, Any] = {"length": len(str(inst.attributes["result"]))}
    imported.update({flag: True for flag in _RANDOM_FLAGS})
    imported.update({minimum: 0 for minimum in _RANDOM_MINIMUMS})
    checks = [Check(key, value, pu.get(key, value), REPLACE) for key, value in imported.items()]
    checks += [Check(key, _MISSING, pu[key], REPLACE) for key in ("overrideSpecial", "keepers") if pu.get(key)]
    return checks


def _b64url_decode(value: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def checks_for(family: str, inst: TfInstance, res: PulumiResource) -> list[Check]:
    table: dict[str, Callable[[TfInstance, PulumiResource], list[Check]]] = {
        "k8s": k8s_checks,
        "helm": helm_checks,
        "dns": dns_checks,
        "vault": vault_checks,
        "proxmox": vm_checks,
        "random": random_checks,
        "patch": patch_checks,
        # Natural-key objects (Authentik, Cloudflare tunnel/Workers): identity is the whole
        # comparison offline; `pulumi preview` after the import shows any attribute drift.
        # OCI objects also compare their literal force-new fields (oci_checks).
        "key": lambda i, r: oci_checks(i, r) if i.type.startswith("oci_core_") else [],
    }
    return table[family](inst, res)


def diff(family: str, inst: TfInstance, res: PulumiResource) -> list[Diff]:
    return evaluate(checks_for(family, inst, res), res.ignore_changes)
