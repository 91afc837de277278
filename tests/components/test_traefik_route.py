"""TraefikRoute / ServersTransport: explicit names, posture annotations, spec shape, references."""

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components import constants as c
from components.errors import ArgumentError
from components.traefik_route import (
    ServersTransport, ServersTransportArgs, TraefikRoute, TraefikRouteArgs, route_annotations,
    servers_transport_reference,
)
from tools.synth.crds import SCHEMAS

HTTP_SPEC = {"entryPoints": ["websecure"], "routes": [{
    "match": "Host(`a.example.org`)", "kind": "Rule",
    "middlewares": [{"name": "authentik-forward-auth", "namespace": "traefik"}],
    "services": [{"name": "a", "port": 80}]}]}
TCP_SPEC = {"entryPoints": ["wyoming"], "routes": [{"match": "HostSNI(`*`)", "services": [{"name": "a", "port": 1}]}]}


def test_reference_form():
    assert servers_transport_reference("traefik", "insecure-skip-verify") == \
        "traefik-insecure-skip-verify@kubernetescrd"


@pytest.mark.parametrize("kind, auth, reason, expected", [
    ("IngressRoute", None, None, {}),
    ("IngressRoute", "required", None, {c.AUTH_ANNOTATION: "required"}),
    ("IngressRoute", "public", "a  login\npage", {c.AUTH_ANNOTATION: "public", c.AUTH_REASON_ANNOTATION: "a login page"}),
    ("IngressRouteTCP", "none", "LAN only", {c.AUTH_ANNOTATION: "none", c.AUTH_REASON_ANNOTATION: "LAN only"}),
])
def test_route_annotations(kind, auth, reason, expected):
    assert route_annotations(kind, auth, reason) == expected


def test_http_route_shape(run_mocked):
    recorded = run_mocked(lambda: TraefikRoute("ws", TraefikRouteArgs(namespace="ac", spec=HTTP_SPEC)))
    route = recorded.k8s("IngressRoute", "ws")
    assert route.type == "kubernetes:traefik.io/v1alpha1:IngressRoute"
    assert route.name == "ws-ingressroute"
    assert route.inputs["metadata"] == {"name": "ws", "namespace": "ac"}
    assert route.inputs["spec"] == HTTP_SPEC
    assert route.parent.endswith("homelab:traefik:Route::ws")


def test_tcp_route_posture_and_depends_on(run_mocked):
    def program():
        anchor = k8s.core.v1.ConfigMap("anchor", metadata={"name": "anchor", "namespace": "n"})
        TraefikRoute("piper", TraefikRouteArgs(
            namespace="traefik", kind="IngressRouteTCP", route_name="piper-tcp", spec=TCP_SPEC,
            auth="none", auth_reason="LAN-only entrypoint", labels={"app": "piper"}),
            opts=pulumi.ResourceOptions(depends_on=[anchor]))

    route = run_mocked(program).k8s("IngressRouteTCP", "piper-tcp")
    assert route.inputs["metadata"]["annotations"] == {c.AUTH_ANNOTATION: "none",
                                                       c.AUTH_REASON_ANNOTATION: "LAN-only entrypoint"}
    assert route.inputs["metadata"]["labels"] == {"app": "piper"}
    assert any(d.endswith("::anchor") for d in route.options["dependsOn"]), route.options


def test_servers_transport_shape(run_mocked):
    def program():
        ServersTransport("ha-sofia-transport", ServersTransportArgs(
            namespace="reverse-proxy", forwarding_timeouts={"dialTimeout": "500ms"}))
        ServersTransport("skip", ServersTransportArgs(namespace="traefik", transport_name="insecure-skip-verify",
                                                      insecure_skip_verify=True))

    recorded = run_mocked(program)
    slow = recorded.k8s("ServersTransport", "ha-sofia-transport")
    assert slow.type == "kubernetes:traefik.io/v1alpha1:ServersTransport"
    assert slow.inputs["spec"] == {"forwardingTimeouts": {"dialTimeout": "500ms"}}
    assert recorded.k8s("ServersTransport", "insecure-skip-verify").inputs["spec"] == {"insecureSkipVerify": True}


def test_schema_is_kept_for_servers_transport():
    assert ("traefik.io/v1alpha1", "ServersTransport") in SCHEMAS


ROUTE_BAD_ARGS = [
    (dict(namespace="Bad", spec=HTTP_SPEC), "namespace"),
    (dict(namespace="n", spec=HTTP_SPEC, kind="IngressRouteUDP"), "kind"),
    (dict(namespace="n", spec={"routes": []}), "spec"),
    (dict(namespace="n", spec=["x"]), "spec"),
    (dict(namespace="n", spec={"routes": [{"kind": "Rule"}]}), "spec.routes[].match"),
    (dict(namespace="n", spec=HTTP_SPEC, route_name="Bad Name"), "route_name"),
    (dict(namespace="n", spec=HTTP_SPEC, auth="open"), "auth"),
    (dict(namespace="n", spec=HTTP_SPEC, auth="app"), "auth_reason"),
    (dict(namespace="n", spec=HTTP_SPEC, auth_reason="orphan"), "auth_reason"),
    (dict(namespace="n", spec=TCP_SPEC, kind="IngressRouteTCP"), "auth"),
    (dict(namespace="n", spec=TCP_SPEC, kind="IngressRouteTCP", auth="required"), "auth"),
    (dict(namespace="n", spec=HTTP_SPEC, annotations={c.AUTH_ANNOTATION: "none"}), "annotations"),
]


@pytest.mark.parametrize("kwargs, argument", ROUTE_BAD_ARGS)
def test_route_bad_args_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        TraefikRouteArgs(**kwargs)
    assert err.value.argument == argument


@pytest.mark.parametrize("kwargs, argument", [
    (dict(namespace="n"), "insecure_skip_verify"),
    (dict(namespace="n", insecure_skip_verify="yes"), "insecure_skip_verify"),
    (dict(namespace="n", transport_name="Bad Name", insecure_skip_verify=True), "transport_name"),
    (dict(namespace="n", forwarding_timeouts={"dialTimeOut": "1s"}), "forwarding_timeouts"),
    (dict(namespace="n", server_name=""), "server_name"),
])
def test_transport_bad_args_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        ServersTransportArgs(**kwargs)
    assert err.value.argument == argument
