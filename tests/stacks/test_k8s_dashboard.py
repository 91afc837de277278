"""k8s-dashboard: the chart, the token injector and what it reads live, oauth2-proxy, RBAC, human-only."""

from __future__ import annotations

import json
import os
import runpy
import sys
from pathlib import Path

import pytest

from components import live_read
from components.payload import OFFLINE_SYNTH_ENV, PLACEHOLDER_MARKER
from tools.ops.ci import apply_stacks
from tools.ops.repo import load_stack_meta
from tools.ops.wrapper import Context, refuse_reason

REPO = Path(__file__).resolve().parents[2]
STACK = "k8s-dashboard"
STACK_DIR = REPO / "stacks" / STACK
sys.path.insert(0, str(STACK_DIR))

import dashboard_injector  # noqa: E402

NS = "kubernetes-dashboard"
HOST = "k8s.viktorbarzin.me"
KONG = "https://kubernetes-dashboard-kong-proxy.kubernetes-dashboard.svc.cluster.local:443"
KV = "vault:kv/getSecretV2:getSecretV2"
USERS = {
    "viktor": {"role": "admin", "email": "viktor@example.org"},
    "zed": {"role": "namespace-owner", "email": "zed@example.org", "namespaces": ["zed-apps", "zed-lab"]},
    "ana": {"role": "namespace-owner", "email": "ana@example.org", "namespaces": ["ana"]},
    "idle": {"role": "namespace-owner", "email": "idle@example.org", "namespaces": []},
    "guest": {"role": "viewer", "email": "guest@example.org"},
}


# --- the chart and the labels patched onto its Deployments --------------------------------------

def test_chart_is_pinned_in_its_namespace(synth_stack):
    stack = synth_stack(STACK)
    release = stack.of_type("kubernetes:helm.sh/v3:Release")
    assert len(release) == 1
    inputs = release[0]["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == \
        ("kubernetes-dashboard", NS, "kubernetes-dashboard", "7.12.0")
    assert inputs["repositoryOpts"] == {"repo": "https://kubernetes-retired.github.io/dashboard/"}
    assert inputs["atomic"] is True and inputs["values"] == {}
    ns = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert ns == {"tier": "1-cluster", "istio-injection": "disabled", "keel.sh/enrolled": "true"}


def test_sablier_labels_on_the_five_chart_deployments(synth_stack):
    stack = synth_stack(STACK)
    patches = stack.of_type("kubernetes:apps/v1:DeploymentPatch")
    release = stack.of_type("kubernetes:helm.sh/v3:Release")[0]["urn"]
    assert sorted(p["inputs"]["metadata"]["name"] for p in patches) == [
        f"kubernetes-dashboard-{d}" for d in ("api", "auth", "kong", "metrics-scraper", "web")]
    for patch in patches:
        assert patch["inputs"]["metadata"]["namespace"] == NS
        assert patch["inputs"]["metadata"]["labels"] == {
            "sablier.enable": "true", "sablier.group": "k8s-dashboard", "sablier.ready-after": "5s"}, patch["urn"]
        assert release in patch["options"]["dependsOn"], patch["urn"]


# --- ingress: one host, behind Authentik, to the injector ---------------------------------------

def test_ingress_goes_through_forward_auth_to_the_injector(synth_stack):
    stack = synth_stack(STACK)
    ingresses = stack.of_type("kubernetes:networking.k8s.io/v1:Ingress")
    assert len(ingresses) == 1
    for ingress in ingresses:  # every ingress states its posture
        assert ingress["inputs"]["metadata"]["annotations"]["infra.viktorbarzin.me/auth"], ingress["urn"]
    ingress = stack.k8s("Ingress", "kubernetes-dashboard", NS)["inputs"]
    notes = ingress["metadata"]["annotations"]
    assert notes["infra.viktorbarzin.me/auth"] == "required"
    assert "traefik-authentik-forward-auth@kubernetescrd" in notes["traefik.ingress.kubernetes.io/router.middlewares"]
    assert notes["authentik.viktorbarzin.me/allowed-groups"] == \
        "kubernetes-admins,kubernetes-power-users,kubernetes-namespace-owners,Home Server Admins"
    assert notes["gethomepage.dev/name"] == "Kubernetes Dashboard" and notes["gethomepage.dev/group"] == "Core Platform"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == HOST
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "dashboard-token-injector", "port": {"number": 80}}
    sablier = stack.k8s("Middleware", "sablier-kubernetes-dashboard", NS)["inputs"]["spec"]["plugin"]["sablier"]
    assert sablier["group"] == "k8s-dashboard" and sablier["sessionDuration"] == "3h"


# --- the injector ------------------------------------------------------------------------------

def test_injector_mounts_its_config_from_a_secret(synth_stack):
    stack = synth_stack(STACK)
    deployment = stack.k8s("Deployment", "dashboard-token-injector", NS)
    meta, spec = deployment["inputs"]["metadata"], deployment["inputs"]["spec"]
    assert meta["labels"] == {"app": "dashboard-token-injector", "sablier.enable": "true",
                              "sablier.group": "k8s-dashboard", "sablier.ready-after": "5s",
                              "sablier.active.replicas": "2"}
    assert spec["replicas"] == 2 and "spec.replicas" in deployment["options"]["ignoreChanges"]
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "nginxinc/nginx-unprivileged:1.27-alpine"
    assert container["ports"] == [{"containerPort": 8080}]
    assert container["readinessProbe"]["tcpSocket"] == {"port": 8080}
    assert pod["volumes"] == [{"name": "conf", "secret": {"secretName": "dashboard-token-injector-conf"}}]
    # A digest of the file rolls the pods; the file itself stays in the Secret.
    assert len(spec["template"]["metadata"]["annotations"]["conf/sha"]) == 64
    conf = stack.k8s("Secret", "dashboard-token-injector-conf", NS)["inputs"]
    assert conf["stringData"] == "[secret]"
    assert not stack.of_type("kubernetes:core/v1:ConfigMap")
    service = stack.k8s("Service", "dashboard-token-injector", NS)["inputs"]
    assert service["spec"]["ports"] == [{"port": 80, "targetPort": 8080}] and "labels" not in service["metadata"]


def test_owner_tokens_follow_the_roster():
    owners = dashboard_injector.owner_tokens(USERS)
    assert [(o.email, o.namespace, o.secret) for o in owners] == [
        ("ana@example.org", "ana", "dashboard-ana-token"),
        ("zed@example.org", "zed-apps", "dashboard-zed-token"),
    ]


def test_nginx_config_maps_users_to_bearer_tokens():
    conf = dashboard_injector.nginx_config([("ana@example.org", "tok-a"), ("root@example.org", "tok-r")])
    assert '    "ana@example.org" "tok-a";\n    "root@example.org" "tok-r";' in conf
    assert "map $http_x_authentik_username $dash_sa_token" in conf
    assert 'default "Bearer $dash_sa_token";' in conf
    assert "proxy_set_header Authorization $dash_auth_hdr;" in conf
    assert f"proxy_pass {KONG};" in conf and "listen 8080;" in conf
    with pytest.raises(ValueError):
        dashboard_injector.nginx_config([('a"b', "t")])


def run_stack(run_mocked, monkeypatch):
    """The real __main__.py offline, Vault answering with USERS; records reads and the rendered map."""
    monkeypatch.setenv(OFFLINE_SYNTH_ENV, "1")
    reads: list[tuple[str, str, list]] = []
    rendered: list = []
    real_read, real_render = live_read.read_live, dashboard_injector.nginx_config

    def recording_read(name, args):
        reads.append((args.namespace, name, list(args.keys)))
        return real_read(name, args)

    def recording_render(tokens):
        rendered.append(list(tokens))
        return real_render(tokens)

    monkeypatch.setattr(live_read, "read_live", recording_read)
    monkeypatch.setattr(dashboard_injector, "nginx_config", recording_render)

    def program():
        old = os.getcwd()
        try:
            os.chdir(STACK_DIR)
            runpy.run_path(str(STACK_DIR / "__main__.py"), run_name="__main__")
        finally:
            os.chdir(old)

    recorded = run_mocked(program, project=STACK, invokes={KV: {"data": {"k8s_users": json.dumps(USERS)}}})
    return recorded, reads, rendered


def test_every_token_is_read_through_read_live(run_mocked, monkeypatch):
    _, reads, rendered = run_stack(run_mocked, monkeypatch)
    assert reads == [("ana", "dashboard-ana-token", ["token"]),
                     ("zed-apps", "dashboard-zed-token", ["token"]),
                     (NS, "kubernetes-dashboard-admin-token", ["token"])]
    assert rendered == [[
        ("ana@example.org", f"{PLACEHOLDER_MARKER}: Secret ana/dashboard-ana-token token"),
        ("zed@example.org", f"{PLACEHOLDER_MARKER}: Secret zed-apps/dashboard-zed-token token"),
        ("vbarzin@gmail.com", f"{PLACEHOLDER_MARKER}: Secret {NS}/kubernetes-dashboard-admin-token token"),
    ]]
    source = (STACK_DIR / "__main__.py").read_text()
    assert ".get(" not in source, "live objects are read only through components.live_read"


# --- oauth2-proxy and its OIDC client ------------------------------------------------------------

def test_oauth2_proxy_runs_the_oidc_flow(synth_stack):
    stack = synth_stack(STACK)
    deployment = stack.k8s("Deployment", "oauth2-proxy", NS)["inputs"]
    assert deployment["spec"]["replicas"] == 2
    assert deployment["metadata"]["labels"]["sablier.active.replicas"] == "2"
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "quay.io/oauth2-proxy/oauth2-proxy:v7.7.1"
    args = container["args"]
    for arg in ("--provider=oidc", "--oidc-issuer-url=https://authentik.viktorbarzin.me/application/o/k8s-dashboard/",
                f"--redirect-url=https://{HOST}/oauth2/callback", f"--upstream={KONG}",
                "--scope=openid email profile groups", "--cookie-domain=k8s.viktorbarzin.me",
                "--code-challenge-method=S256", "--cookie-expire=168h"):
        assert arg in args, arg
    assert len(args) == 20
    assert [(e["name"], e["valueFrom"]["secretKeyRef"]) for e in container["env"]] == [
        ("OAUTH2_PROXY_CLIENT_ID", {"name": "oauth2-proxy", "key": "client-id"}),
        ("OAUTH2_PROXY_CLIENT_SECRET", {"name": "oauth2-proxy", "key": "client-secret"}),
        ("OAUTH2_PROXY_COOKIE_SECRET", {"name": "oauth2-proxy", "key": "cookie-secret"}),
    ]
    spec = stack.k8s("ExternalSecret", "oauth2-proxy", NS)["inputs"]["spec"]
    assert spec["refreshInterval"] == "1h" and spec["target"] == {"name": "oauth2-proxy", "creationPolicy": "Owner"}
    assert [(d["secretKey"], d["remoteRef"]["property"]) for d in spec["data"]] == [
        ("client-id", "oauth2_proxy_client_id"), ("client-secret", "oauth2_proxy_client_secret"),
        ("cookie-secret", "oauth2_proxy_cookie_secret")]
    assert stack.k8s("Service", "oauth2-proxy", NS)["inputs"]["spec"]["ports"] == [{"port": 4180, "targetPort": 4180}]


def test_authentik_client_and_application(synth_stack):
    stack = synth_stack(STACK)
    provider = stack.of_type("authentik:index/providerOauth2:ProviderOauth2")[0]["inputs"]
    assert provider["name"] == "k8s-dashboard" and provider["clientType"] == "confidential"
    assert provider["clientId"] == "[secret]" and provider["clientSecret"] == "[secret]"
    assert provider["allowedRedirectUris"] == [{"matching_mode": "strict", "url": f"https://{HOST}/oauth2/callback"}]
    assert len(provider["propertyMappings"]) == 4
    app = stack.of_type("authentik:index/application:Application")[0]["inputs"]
    assert (app["name"], app["slug"], app["metaLaunchUrl"], app["policyEngineMode"]) == \
        ("Kubernetes Dashboard", "k8s-dashboard", f"https://{HOST}", "any")


# --- RBAC ----------------------------------------------------------------------------------------

def test_admin_account_is_cluster_admin_and_viewonly_reads_no_secrets(synth_stack):
    stack = synth_stack(STACK)
    admin = stack.k8s("ClusterRoleBinding", "admin-user")["inputs"]
    assert admin["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}
    assert admin["subjects"] == [{"kind": "ServiceAccount", "name": "kubernetes-dashboard", "namespace": NS}]
    viewonly = stack.k8s("ClusterRoleBinding", "kubernetes-dashboard-viewonly")["inputs"]
    assert viewonly["roleRef"]["name"] == "kubernetes-dashboard-viewonly"
    assert viewonly["subjects"] == [{"kind": "ServiceAccount", "name": "kubernetes-dashboard-viewonly", "namespace": NS}]
    rules = stack.k8s("ClusterRole", "kubernetes-dashboard-viewonly")["inputs"]["rules"]
    assert len(rules) == 11
    for rule in rules:
        assert rule["verbs"] == ["get", "list", "watch"] and "secrets" not in rule["resources"], rule
    for secret, account in (("kubernetes-dashboard-admin-token", "kubernetes-dashboard"),
                            ("kubernetes-dashboard-viewonly", "kubernetes-dashboard-viewonly")):
        token = stack.k8s("Secret", secret, NS)["inputs"]
        assert token["type"] == "kubernetes.io/service-account-token"
        assert token["metadata"]["annotations"] == {"kubernetes.io/service-account.name": account}
        stack.k8s("ServiceAccount", account, NS)


# --- human-only ----------------------------------------------------------------------------------

def test_stack_is_human_only_and_ci_skips_it():
    meta = load_stack_meta(REPO, STACK)
    assert meta.human_only and tuple(meta.depends_on) == ("platform",)
    reason = refuse_reason(meta, True)
    assert reason and STACK in reason and "human-only" in reason
    assert refuse_reason(meta, False) is None

    def runner(argv, **_):
        raise AssertionError(f"CI ran {argv}")

    ctx = Context(REPO, {"CI": "woodpecker"}, runner=runner, log=lambda _: None,
                  sleep=lambda _: None, monotonic=lambda: 0.0)
    assert [(o.stack, o.status) for o in apply_stacks(ctx, [STACK])] == [(STACK, "skipped")]
