"""traefik: the release and the shared Middlewares every router in the fleet names."""

import pytest


NS = "traefik"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("traefik")


def spec_of(stack, kind, name):
    return stack.k8s(kind, name, NS)["inputs"]["spec"]


def test_release_is_pinned_atomic_and_keeps_the_upstream_timeout(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"], inputs["version"]) == ("traefik", NS, "traefik", "40.2.0")
    assert inputs["repositoryOpts"]["repo"] == "https://traefik.github.io/charts"
    assert inputs["atomic"] and inputs["cleanupOnFail"] and inputs["timeout"] == 600


def test_release_values_carry_the_entrypoints_and_plugins(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    values = release["inputs"]["values"]
    websecure = values["ports"]["websecure"]
    assert websecure["http"]["middlewares"] == ["traefik-crowdsec@kubernetescrd", "traefik-compress@kubernetescrd"]
    assert (websecure["port"], websecure["exposedPort"]) == (8443, 443)
    assert values["ports"]["web"]["http"]["redirections"]["entryPoint"] == {"to": "websecure", "scheme": "https"}
    assert values["service"]["annotations"] == {"metallb.io/loadBalancerIPs": "10.0.20.203"}
    assert values["service"]["spec"] == {"externalTrafficPolicy": "Local"}
    assert values["deployment"]["replicas"] == 3
    assert values["podDisruptionBudget"] == {"enabled": True, "minAvailable": 2}
    assert set(values["experimental"]["localPlugins"]) == {"sablier", "realip", "crowdsec"}
    assert set(values["experimental"]["localPlugins"]["sablier"]["source"]) == {
        "go.mod", ".traefik.yml", "config.go", "main.go", "version.go"}
    assert "--entryPoints.websecure.transport.respondingTimeouts.writeTimeout=0s" in values["additionalArguments"]
    script = values["deployment"]["initContainers"][0]["command"][2]
    assert script.startswith("set -e; STORAGE=/plugins-storage; ")
    assert "archive/refs/tags/v0.1.4.zip" in script


@pytest.mark.parametrize("name, outpost", [
    ("authentik-forward-auth", "http://auth-proxy.traefik.svc.cluster.local:9000"),
    ("authentik-forward-auth-public", "http://ak-outpost-public.authentik.svc.cluster.local:9000"),
])
def test_forward_auth_middlewares(stack, name, outpost):
    fa = spec_of(stack, "Middleware", name)["forwardAuth"]
    assert fa["address"] == f"{outpost}/outpost.goauthentik.io/auth/traefik"
    assert fa["trustForwardHeader"] is True
    assert fa["authResponseHeaders"] == ["X-authentik-username", "X-authentik-uid", "X-authentik-email",
                                         "X-authentik-name", "X-authentik-groups", "Set-Cookie"]


@pytest.mark.parametrize("name, average, burst", [
    ("rate-limit", 10, 50),
    ("immich-rate-limit", 1000, 20000),
    ("actualbudget-rate-limit", 50, 300),
    ("android-emulator-rate-limit", 50, 300),
    ("tripit-rate-limit", 100, 1000),
    ("health-rate-limit", 100, 1000),
    ("authentik-rate-limit", 100, 1000),
    ("dawarich-rate-limit", 100, 1000),
    ("executor-rate-limit", 100, 1000),
])
def test_rate_limit_and_carve_outs(stack, name, average, burst):
    assert spec_of(stack, "Middleware", name) == {"rateLimit": {"average": average, "burst": burst}}


def test_default_rate_limit_takes_over_conflicting_fields(stack):
    assert stack.k8s("Middleware", "rate-limit", NS)["inputs"]["metadata"]["annotations"] == {"pulumi.com/patchForce": "true"}


def test_error_pages(stack):
    assert spec_of(stack, "Middleware", "error-pages")["errors"] == {
        "status": ["500-504"], "service": {"name": "error-pages", "namespace": NS, "port": 8080}, "query": "/{status}"}
    assert spec_of(stack, "Middleware", "error-pages-403")["errors"]["status"] == ["403"]
    container = spec_of(stack, "Deployment", "error-pages")["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/tarampampam/error-pages:3"
    assert {e["name"]: e["value"] for e in container["env"]} == {"TEMPLATE_NAME": "shuffle", "READ_BUFFER_SIZE": "131072"}
    route = spec_of(stack, "IngressRoute", "catchall-error-pages")["routes"][0]
    assert route["match"] == "HostRegexp(`^(.+\\.)?viktorbarzin\\.me$`)"
    assert route["priority"] == 1 and route["services"] == [{"name": "error-pages", "namespace": NS, "port": 8080}]
    assert spec_of(stack, "TLSStore", "default") == {"defaultCertificate": {"secretName": "tls-secret"}}


def test_csp_and_anti_ai_pair(stack):
    assert spec_of(stack, "Middleware", "csp-headers") == {
        "headers": {"contentSecurityPolicy": "frame-ancestors 'self' *.viktorbarzin.me viktorbarzin.me"}}
    assert spec_of(stack, "Middleware", "ai-bot-block") == {"forwardAuth": {
        "address": "http://bot-block-proxy.traefik.svc.cluster.local:8080/auth", "trustForwardHeader": True}}
    assert spec_of(stack, "Middleware", "anti-ai-headers") == {
        "headers": {"customResponseHeaders": {"X-Robots-Tag": "noai, noimageai"}}}


def test_real_ip_and_crowdsec_plugins_trust_only_cloudflared(stack):
    assert spec_of(stack, "Middleware", "real-ip") == {"plugin": {"realip": {"trustedProxyCIDRs": ["10.10.0.0/16"]}}}
    crowdsec = spec_of(stack, "Middleware", "crowdsec")["plugin"]["crowdsec"]
    assert crowdsec["trustedProxyCIDRs"] == ["10.10.0.0/16"]
    assert crowdsec["lapiKey"] == "[secret]"
    assert crowdsec["dryRun"] is False and "CAPI" not in crowdsec["origins"]


def test_local_only_and_home_lans_only(stack):
    assert spec_of(stack, "Middleware", "local-only")["ipAllowList"]["sourceRange"] == [
        "192.168.1.0/24", "10.0.0.0/8", "fc00::/7", "fe80::/10"]
    home = spec_of(stack, "Middleware", "home-lans-only")["ipAllowList"]["sourceRange"]
    assert home == ["192.168.1.0/24", "10.0.0.0/8", "192.168.8.0/24", "192.168.9.0/24", "192.168.0.0/24",
                    "fc00::/7", "fe80::/10"]


def test_every_middleware_constant_is_defined_here(stack):
    names = {r["inputs"]["metadata"]["name"] for r in stack.resources
             if r["custom"] and r["inputs"].get("kind") == "Middleware"}
    for constant in ("traefik-real-ip@kubernetescrd", "traefik-retry@kubernetescrd", "traefik-error-pages@kubernetescrd", "traefik-rate-limit@kubernetescrd", "traefik-csp-headers@kubernetescrd",
                     "traefik-ai-bot-block@kubernetescrd", "traefik-anti-ai-headers@kubernetescrd", "traefik-authentik-forward-auth@kubernetescrd", "traefik-authentik-forward-auth-public@kubernetescrd",
                     "traefik-local-only@kubernetescrd", "traefik-home-lans-only@kubernetescrd", "traefik-error-pages-403@kubernetescrd", "traefik-security-headers@kubernetescrd",
                     "traefik-strip-auth-headers@kubernetescrd", "traefik-redirect-https@kubernetescrd", "traefik-x402@kubernetescrd", "traefik-crowdsec@kubernetescrd", "traefik-compress@kubernetescrd",
                     "traefik-immich-rate-limit@kubernetescrd", "traefik-actualbudget-rate-limit@kubernetescrd", "traefik-tripit-rate-limit@kubernetescrd",
                     "traefik-health-rate-limit@kubernetescrd", "traefik-authentik-rate-limit@kubernetescrd", "traefik-dawarich-rate-limit@kubernetescrd",
                     "traefik-executor-rate-limit@kubernetescrd", "traefik-android-emulator-rate-limit@kubernetescrd"):
        assert constant.removeprefix("traefik-").removesuffix("@kubernetescrd") in names, constant


def test_custom_resources_wait_for_the_release(stack):
    for r in stack.resources:
        if r["custom"] and r["inputs"].get("apiVersion") == "traefik.io/v1alpha1":
            assert any("HelmRelease" in d or "helm.sh" in d for d in r["options"]["dependsOn"]), r["urn"]


def test_dashboard_ingress_requires_authentik(stack):
    ingress = stack.k8s("Ingress", "traefik", NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert annotations["gethomepage.dev/group"] == "Core Platform"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "traefik-dashboard", "port": {"number": 8080}}


def test_shims_keep_upstream_shape(stack):
    auth = spec_of(stack, "Deployment", "auth-proxy")
    assert auth["replicas"] == 2 and auth["template"]["spec"]["containers"][0]["image"] == "nginx:1-alpine"
    assert "checksum/auth-proxy-config" in auth["template"]["metadata"]["annotations"]
    # SEC-027: the htpasswd digest is a plain value (40 hex digits), not secret-marked.
    digest = auth["template"]["metadata"]["annotations"]["checksum/auth-proxy-htpasswd"]
    assert len(digest) == 40 and all(ch in "0123456789abcdef" for ch in digest), digest
    x402 = spec_of(stack, "Deployment", "x402-gateway")["template"]["spec"]["containers"][0]
    assert x402["image"] == "ghcr.io/viktorbarzin/x402-gateway:latest"
    # SEC-028: wallet address and Slack webhook URL come from a Secret, never literals in the pod spec.
    by_name = {e["name"]: e for e in x402["env"]}
    assert by_name["WALLET_ADDRESS"] == {"name": "WALLET_ADDRESS", "valueFrom": {"secretKeyRef": {
        "name": "x402-gateway-env", "key": "wallet_address"}}}
    assert by_name["NOTIFY_WEBHOOK_URL"] == {"name": "NOTIFY_WEBHOOK_URL", "valueFrom": {"secretKeyRef": {
        "name": "x402-gateway-env", "key": "notify_webhook_url"}}}
    assert stack.k8s("Secret", "x402-gateway-env", NS)["inputs"]["stringData"] == "[secret]"
    ignored = stack.k8s("Deployment", "x402-gateway", NS)["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored and 'metadata.labels["tier"]' in ignored
    assert spec_of(stack, "PodDisruptionBudget", "x402-gateway")["minAvailable"] == "1"
