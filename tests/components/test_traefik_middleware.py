"""TraefikMiddleware: one middleware type per object, explicit name, reference string, SSA takeover."""

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.errors import ArgumentError
from components.traefik_middleware import (
    AUTHENTIK_RESPONSE_HEADERS, TraefikMiddleware, TraefikMiddlewareArgs, errors_spec, forward_auth_spec,
    ip_allow_list_spec, middleware_reference, rate_limit_spec,
)


def test_reference_matches_the_constants_form():
    assert middleware_reference("traefik", "retry") == "traefik-retry@kubernetescrd"
    assert middleware_reference("traefik", "authentik-forward-auth") == "traefik-authentik-forward-auth@kubernetescrd"


def test_spec_helpers_shape():
    assert rate_limit_spec(10, 50) == {"rateLimit": {"average": 10, "burst": 50}}
    assert ip_allow_list_spec(["10.0.0.0/8"]) == {"ipAllowList": {"sourceRange": ["10.0.0.0/8"]}}
    assert forward_auth_spec("http://a:1/auth") == {"forwardAuth": {"address": "http://a:1/auth", "trustForwardHeader": True}}
    fa = forward_auth_spec("http://a:1/auth", response_headers=AUTHENTIK_RESPONSE_HEADERS)
    assert fa["forwardAuth"]["authResponseHeaders"][-1] == "Set-Cookie"
    assert errors_spec(["500-504"], service="e", namespace="n", port=8080) == {"errors": {
        "status": ["500-504"], "service": {"name": "e", "namespace": "n", "port": 8080}, "query": "/{status}"}}


@pytest.mark.parametrize("force, expected", [(True, {"pulumi.com/patchForce": "true"}), (False, None)])
def test_resource_shape(run_mocked, force, expected):
    recorded = run_mocked(lambda: TraefikMiddleware("retry", TraefikMiddlewareArgs(
        namespace="traefik", spec={"retry": {"attempts": 2}}, force_conflicts=force)))
    mw = recorded.k8s("Middleware", "retry")
    assert mw.type == "kubernetes:traefik.io/v1alpha1:Middleware"
    assert mw.name == "retry-middleware"
    assert mw.inputs["metadata"]["namespace"] == "traefik"
    assert mw.inputs["metadata"].get("annotations") == expected
    assert mw.inputs["spec"] == {"retry": {"attempts": 2}}
    assert mw.parent.endswith("homelab:traefik:Middleware::retry")


def test_explicit_name_and_depends_on_reach_the_resource(run_mocked):
    def program():
        anchor = k8s.core.v1.ConfigMap("anchor", metadata={"name": "anchor", "namespace": "n"})
        TraefikMiddleware("mw", TraefikMiddlewareArgs(namespace="n", middleware_name="real-name",
                                                      spec={"retry": {"attempts": 1}}),
                          opts=pulumi.ResourceOptions(depends_on=[anchor]))

    recorded = run_mocked(program)
    mw = recorded.k8s("Middleware", "real-name")
    assert any(d.endswith("::anchor") for d in mw.options["dependsOn"]), mw.options


BAD_ARGS = [
    (dict(namespace="Bad_NS", spec={"retry": {}}), "namespace"),
    (dict(namespace="n", spec={}), "spec"),
    (dict(namespace="n", spec={"retry": {}, "compress": {}}), "spec"),
    (dict(namespace="n", spec={"rateLimits": {}}), "spec"),
    (dict(namespace="n", spec=["retry"]), "spec"),
    (dict(namespace="n", spec={"retry": {}}, middleware_name="Bad Name"), "middleware_name"),
]


@pytest.mark.parametrize("kwargs, argument", BAD_ARGS)
def test_bad_args_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        TraefikMiddlewareArgs(**kwargs)
    assert err.value.argument == argument


@pytest.mark.parametrize("call, argument", [
    (lambda: rate_limit_spec(0, 10), "average"),
    (lambda: rate_limit_spec(10, True), "burst"),
    (lambda: rate_limit_spec(100, 50), "burst"),
    (lambda: ip_allow_list_spec([]), "source_range"),
    (lambda: ip_allow_list_spec("10.0.0.0/8"), "source_range"),
    (lambda: ip_allow_list_spec(["10.0.0.1"]), "source_range[]"),
    (lambda: forward_auth_spec("auth-proxy:9000"), "address"),
    (lambda: errors_spec("500", service="e", namespace="n", port=1), "status"),
])
def test_bad_helper_inputs(call, argument):
    with pytest.raises(ArgumentError) as err:
        call()
    assert err.value.argument == argument
