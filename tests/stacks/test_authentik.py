"""authentik: the release, PgBouncer, the ingresses, and the objects inside Authentik that
forward-auth, the guest tier and the invite enrollment depend on."""

import importlib.util
import json
from pathlib import Path

import pytest


NS = "authentik"
STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "authentik"
GROUP = "authentik:index/group:Group"
BINDING = "authentik:index/policyBinding:PolicyBinding"
EXPRESSION = "authentik:index/policyExpression:PolicyExpression"


def _module(name):
    spec = importlib.util.spec_from_file_location(f"authentik_stack_{name}", STACK_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


access_table = _module("access_table")
outposts = _module("outposts")


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("authentik")


def _by_name(stack, rtype):
    return {r["name"]: r for r in stack.of_type(rtype)}


def test_release_is_pinned_with_the_overlay_image(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == (
        "goauthentik", NS, "authentik", "2026.8.0")
    assert inputs["repositoryOpts"]["repo"] == "https://charts.goauthentik.io/"
    assert inputs["atomic"] and inputs["timeout"] == 6000 and inputs["createNamespace"]
    values = inputs["values"]
    assert values["global"]["image"] == {"repository": "ghcr.io/viktorbarzin/authentik-server", "tag": "2026.8.0-patch3"}
    assert values["authentik"]["existingSecret"] == {"secretName": "goauthentik"}
    assert values["authentik"]["postgresql"]["host"] == "pgbouncer.authentik"
    assert (values["server"]["replicas"], values["worker"]["replicas"]) == (3, 2)
    assert values["server"]["deploymentStrategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": 0}
    for part in ("server", "worker"):
        env = {e["name"]: e for e in values[part]["env"]}
        assert env["AUTHENTIK_EMAIL__HOST"]["value"] == "mail.viktorbarzin.me"
        assert env["AUTHENTIK_EMAIL__PASSWORD"]["valueFrom"]["secretKeyRef"] == {
            "name": "authentik-email", "key": "AUTHENTIK_EMAIL__PASSWORD"}
        assert "AUTHENTIK_POSTGRESQL__CONN_MAX_AGE" not in env


def test_namespace_is_protected_with_tier_and_quota(stack):
    ns = stack.k8s("Namespace", NS)
    assert ns["inputs"]["metadata"]["labels"] == {"tier": "1-cluster", "resource-governance/custom-quota": "true"}
    assert ns["options"]["protect"]
    quota = stack.k8s("ResourceQuota", "authentik-quota", NS)
    assert quota["inputs"]["spec"]["hard"] == {
        "requests.cpu": "16", "requests.memory": "16Gi", "limits.memory": "96Gi", "pods": "50"}


def test_pgbouncer_pools_towards_dbaas_without_leaking_the_password(stack):
    deployment = stack.k8s("Deployment", "pgbouncer", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 3
    [container] = spec["template"]["spec"]["containers"]
    assert container["image"] == "edoburu/pgbouncer:latest" and container["ports"] == [{"containerPort": 6432}]
    # SEC-013: the connection string (with the password) comes from a Secret, never a literal.
    assert container["env"] == [{"name": "DATABASES_AUTHENTIK", "valueFrom": {"secretKeyRef": {
        "name": "pgbouncer-database", "key": "databases_authentik"}}}]
    assert stack.k8s("Secret", "pgbouncer-database", NS)["inputs"]["stringData"] == "[secret]"
    assert "spec.template.spec.dnsConfig" in deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    assert stack.k8s("ConfigMap", "pgbouncer-config", NS)["inputs"]["data"] == {"pgbouncer.ini": "[secret]"}
    assert stack.k8s("PodDisruptionBudget", "pgbouncer", NS)["inputs"]["spec"]["minAvailable"] == 2
    service = stack.k8s("Service", "pgbouncer", NS)["inputs"]["spec"]
    assert service["ports"] == [{"port": 6432, "targetPort": 6432, "protocol": "TCP"}]


def test_pgbouncer_ini_carries_the_pool_settings():
    pgbouncer = _module("pgbouncer")
    text = pgbouncer.ini("pw")
    assert "authentik = host=postgresql.dbaas port=5432 dbname=authentik user=authentik password=pw" in text
    for line in ("pool_mode = session", "max_client_conn = 200", "default_pool_size = 20",
                 "idle_transaction_timeout = 300", "auth_file = /etc/pgbouncer/userlist.txt"):
        assert line in text.splitlines()
    assert pgbouncer.userlist("pw") == '"authentik" "pw"\n'


@pytest.mark.parametrize("name, host, path, service, port", [
    ("authentik", "authentik.viktorbarzin.me", "/", "goauthentik-server", 80),
    ("authentik-outpost", "authentik.viktorbarzin.me", "/outpost.goauthentik.io",
     "ak-outpost-authentik-embedded-outpost", 9000),
    ("authentik-static", "authentik.viktorbarzin.me", "/static", "goauthentik-server", 80),
    ("public-outpost", "public-auth.viktorbarzin.me", "/outpost.goauthentik.io", "ak-outpost-public", 9000),
])
def test_ingresses_stay_outside_forward_auth(stack, name, host, path, service, port):
    ingress = stack.k8s("Ingress", name, NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert "traefik-authentik-forward-auth@kubernetescrd" not in annotations["traefik.ingress.kubernetes.io/router.middlewares"]
    [rule] = ingress["spec"]["rules"]
    [route] = rule["http"]["paths"]
    assert (rule["host"], route["path"]) == (host, path)
    assert route["backend"]["service"] == {"name": service, "port": {"number": port}}


def test_static_ingress_uses_the_cache_headers_middleware(stack):
    middlewares = stack.k8s("Ingress", "authentik-static", NS)["inputs"]["metadata"]["annotations"][
        "traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert middlewares[-2:] == ["authentik-static-cache-headers@kubernetescrd", "traefik-authentik-rate-limit@kubernetescrd"]
    assert "traefik-rate-limit@kubernetescrd" not in middlewares
    headers = stack.k8s("Middleware", "static-cache-headers", NS)["inputs"]["spec"]["headers"]
    assert headers == {"customResponseHeaders": {"Cache-Control": "public, max-age=31536000, immutable"}}


def test_email_secret_comes_from_vault(stack):
    spec = stack.k8s("ExternalSecret", "authentik-email", NS)["inputs"]["spec"]
    assert spec["refreshInterval"] == "1h"
    assert spec["data"] == [{"secretKey": "AUTHENTIK_EMAIL__PASSWORD",
                             "remoteRef": {"key": "authentik", "property": "smtp_password"}}]
    assert spec["target"]["template"]["metadata"]["annotations"] == {"reloader.stakater.com/match": "true"}


def test_groups_the_fleet_names_exist(stack):
    names = {r["inputs"]["name"] for r in stack.of_type(GROUP)}
    assert names == {"TripIt Users", "Chrome Users", "Public Guests", "Proxy Users", "T3 Users"}
    t3 = _by_name(stack, GROUP)["t3-users"]
    assert t3["options"]["ignoreChanges"] == ["users"] and len(t3["inputs"]["users"]) == 2


def test_authentik_objects_match_upstream_count(stack):
    [provider] = stack.of_type("pulumi:providers:authentik")
    assert provider["inputs"] == {"url": "https://authentik.viktorbarzin.me", "token": "[secret]"}
    custom = [r for r in stack.resources if r["type"].startswith("authentik:")]
    # 39 upstream authentik_* blocks, the k8s_app_access for_each expanding to 8 instances.
    assert len(custom) == 46
    assert len(_by_name(stack, BINDING)) == 14


def test_catch_all_and_public_providers(stack):
    proxies = _by_name(stack, "authentik:index/providerProxy:ProviderProxy")
    assert proxies["catchall"]["inputs"]["externalHost"] == "https://authentik.viktorbarzin.me"
    assert proxies["public"]["inputs"]["externalHost"] == "https://public-auth.viktorbarzin.me"
    for proxy in proxies.values():
        assert proxy["inputs"]["mode"] == "forward_domain" and proxy["inputs"]["cookieDomain"] == "viktorbarzin.me"
        assert proxy["inputs"]["accessTokenValidity"] == "weeks=4"
    outposts = _by_name(stack, "authentik:index/outpost:Outpost")
    embedded = json.loads(outposts["embedded"]["inputs"]["config"])
    assert embedded["kubernetes_replicas"] == 2 and embedded["log_level"] == "info"
    assert embedded["kubernetes_json_patches"]["service"][0]["value"]["goauthentik.io/outpost-uuid"] == \
        "0eecac0797c7443c892505f2f4fe3e47"
    assert json.loads(outposts["public"]["inputs"]["config"])["kubernetes_replicas"] == 1


def test_k8s_and_vault_app_bindings(stack):
    bindings = _by_name(stack, BINDING)
    k8s = [b["inputs"] for n, b in bindings.items() if n.startswith("k8s-app-access-")]
    assert len(k8s) == 8 and {b["order"] for b in k8s} == {0, 1, 2, 3}
    assert bindings["vault-allow-login-users"]["inputs"] == {
        "target": "fe5698e3-b6b1-4475-98fa-ce2bae22f4dd", "group": "b4823cd7-8ed8-4d2f-8f94-bc285138f853", "order": 0}


def test_expressions_without_upstream_text_are_placeholders(stack):
    expressions = {r["inputs"]["name"]: r["inputs"]["expression"] for r in stack.of_type(EXPRESSION)}
    assert set(expressions) == {
        "admin-services-restriction", "set-public-guest-user", "assign-proxy-group", "capture-proxy-invite",
        "validate-proxy-invite", "validate-invite-code", "assign-invite-group"}
    for name in ("capture-proxy-invite", "validate-proxy-invite", "validate-invite-code", "assign-invite-group"):
        assert expressions[name].startswith("PLACEHOLDER"), name
    assert 'ak_user_by(username="guest")' in expressions["set-public-guest-user"]
    assert "HOST_GROUPS = " in expressions["admin-services-restriction"]


# --- the forward-auth table ---------------------------------------------------------------------

def _ingress(hosts, middlewares, groups=None):
    annotations = {"traefik.ingress.kubernetes.io/router.middlewares": middlewares}
    if groups is not None:
        annotations["authentik.viktorbarzin.me/allowed-groups"] = groups
    return {"metadata": {"annotations": annotations}, "spec": {"rules": [{"host": h} for h in hosts]}}


FA = "traefik-retry@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd"


@pytest.mark.parametrize("ingresses, expected", [
    pytest.param([_ingress(["a.example"], FA, "T3 Users, Home Server Admins")],
                 {"a.example": ["T3 Users", "Home Server Admins"]}, id="annotated"),
    pytest.param([_ingress(["b.example"], FA)], {"b.example": ["Home Server Admins"]}, id="missing-annotation"),
    pytest.param([_ingress(["c.example"], FA, "")], {"c.example": []}, id="empty-annotation-denies"),
    pytest.param([_ingress(["d.example"], "traefik-authentik-forward-auth-public@kubernetescrd", "X")], {}, id="public-tier-ignored"),
    pytest.param([_ingress(["e.example"], "traefik-retry@kubernetescrd", "X")], {}, id="no-forward-auth"),
    pytest.param([_ingress(["f.example"], FA, "A,B"), _ingress(["f.example"], FA, "B,C")],
                 {"f.example": ["A", "B", "C"]}, id="carve-outs-union"),
    pytest.param([_ingress(["", "g.example"], FA, "A")], {"g.example": ["A"]}, id="hostless-rule-skipped"),
])
def test_host_groups(ingresses, expected):
    assert access_table.host_groups(ingresses) == expected


def test_rendered_policy_checks_break_glass_before_the_table():
    text = access_table.render_expression({"b.example": ["B"], "a.example": ["A"]})
    assert 'HOST_GROUPS = {"a.example":["A"],"b.example":["B"]}' in text
    lines = text.splitlines()
    admins = next(i for i, line in enumerate(lines) if 'name="Home Server Admins"' in line)
    lookup = next(i for i, line in enumerate(lines) if "HOST_GROUPS.get(host)" in line)
    assert 'name="authentik Admins"' in lines[admins] and admins < lookup
    assert lines[-1].startswith("return any(ak_is_group_member")


# terraform 1.x `jsonencode` of upstream's two outpost `config` objects, and of a host table
# with HTML-special and non-ASCII text (Go's escapes, UTF-8 kept).
TERRAFORM_EMBEDDED_OUTPOST_CONFIG = (
    '{"authentik_host":"https://authentik.viktorbarzin.me/","authentik_host_browser":"","authentik_ho'
    'st_insecure":false,"container_image":null,"docker_labels":null,"docker_map_ports":true,"docker_n'
    'etwork":null,"kubernetes_disabled_components":[],"kubernetes_httproute_annotations":{},"kubernet'
    'es_httproute_parent_refs":[],"kubernetes_image_pull_secrets":[],"kubernetes_ingress_annotations"'
    ':{},"kubernetes_ingress_class_name":null,"kubernetes_ingress_path_type":null,"kubernetes_ingress'
    '_secret_name":"authentik-outpost-tls","kubernetes_json_patches":{"deployment":[{"op":"add","path'
    '":"/spec/template/spec/volumes","value":[{"emptyDir":{"medium":"Memory","sizeLimit":"2Gi"},"name'
    '":"dshm"}]},{"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"mountP'
    'ath":"/dev/shm","name":"dshm"}]},{"op":"add","path":"/spec/template/spec/containers/0/resources"'
    ',"value":{"limits":{"memory":"2560Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}},{"op":"add",'
    '"path":"/spec/template/metadata/labels/app.kubernetes.io~1component","value":"server"},{"op":"ad'
    'd","path":"/spec/template/spec/containers/0/env/-","value":{"name":"AUTHENTIK_POSTGRESQL__HOST",'
    '"valueFrom":{"secretKeyRef":{"key":"AUTHENTIK_POSTGRESQL__HOST","name":"goauthentik"}}}},{"op":"'
    'add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"AUTHENTIK_POSTGRESQL__PORT'
    '","valueFrom":{"secretKeyRef":{"key":"AUTHENTIK_POSTGRESQL__PORT","name":"goauthentik"}}}},{"op"'
    ':"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"AUTHENTIK_POSTGRESQL__US'
    'ER","valueFrom":{"secretKeyRef":{"key":"AUTHENTIK_POSTGRESQL__USER","name":"goauthentik"}}}},{"o'
    'p":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"AUTHENTIK_POSTGRESQL__'
    'PASSWORD","valueFrom":{"secretKeyRef":{"key":"AUTHENTIK_POSTGRESQL__PASSWORD","name":"goauthenti'
    'k"}}}},{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"AUTHENTIK_PO'
    'STGRESQL__NAME","valueFrom":{"secretKeyRef":{"key":"AUTHENTIK_POSTGRESQL__NAME","name":"goauthen'
    'tik"}}}}],"service":[{"op":"replace","path":"/spec/selector","value":{"app.kubernetes.io/managed'
    '-by":"goauthentik.io","app.kubernetes.io/name":"authentik-outpost-proxy","goauthentik.io/outpost'
    '-name":"authentik-embedded-outpost","goauthentik.io/outpost-type":"proxy","goauthentik.io/outpos'
    't-uuid":"0eecac0797c7443c892505f2f4fe3e47"}}]},"kubernetes_namespace":"authentik","kubernetes_re'
    'plicas":2,"kubernetes_service_type":"ClusterIP","log_level":"info","object_naming_template":"ak-'
    'outpost-%(name)s","refresh_interval":"minutes=5"}'
)
TERRAFORM_PUBLIC_OUTPOST_CONFIG = (
    '{"authentik_host":"https://authentik.viktorbarzin.me/","authentik_host_browser":"","authentik_ho'
    'st_insecure":false,"container_image":null,"docker_labels":null,"docker_map_ports":true,"docker_n'
    'etwork":null,"kubernetes_disabled_components":[],"kubernetes_httproute_annotations":{},"kubernet'
    'es_httproute_parent_refs":[],"kubernetes_image_pull_secrets":[],"kubernetes_ingress_annotations"'
    ':{},"kubernetes_ingress_class_name":null,"kubernetes_ingress_path_type":null,"kubernetes_ingress'
    '_secret_name":"authentik-outpost-tls","kubernetes_json_patches":{"deployment":[{"op":"add","path'
    '":"/spec/template/spec/containers/0/resources","value":{"limits":{"memory":"256Mi"},"requests":{'
    '"cpu":"10m","memory":"64Mi"}}}]},"kubernetes_namespace":"authentik","kubernetes_replicas":1,"kub'
    'ernetes_service_type":"ClusterIP","log_level":"info","object_naming_template":"ak-outpost-%(name'
    ')s","refresh_interval":"minutes=5"}'
)
TERRAFORM_HOST_GROUPS = 'HOST_GROUPS = {"a.example":["Ä"],"b.example":["R\\u0026D \\u003cops\\u003e"]}'


def test_outpost_configs_are_terraforms_jsonencode():
    assert outposts.encode(outposts.embedded_config()) == TERRAFORM_EMBEDDED_OUTPOST_CONFIG
    assert outposts.encode(outposts.public_config()) == TERRAFORM_PUBLIC_OUTPOST_CONFIG


def test_host_table_is_terraforms_jsonencode():
    text = access_table.render_expression({"b.example": ["R&D <ops>"], "a.example": ["\u00c4"]})
    assert TERRAFORM_HOST_GROUPS in text.splitlines()
