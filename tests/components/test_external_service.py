"""ExternalService: selector-less Service + Endpoints / EndpointSlice, or ExternalName."""

import pytest

from components.errors import ArgumentError
from components.external_service import ExternalService, ExternalServiceArgs, endpoint_ports

PORTS = [{"name": "http", "port": 80, "target_port": 3780}]


def test_endpoint_ports_take_the_target_port():
    assert endpoint_ports(PORTS) == [{"name": "http", "port": 3780}]
    assert endpoint_ports([{"name": "web", "port": 8123, "protocol": "TCP"}]) == \
        [{"name": "web", "port": 8123, "protocol": "TCP"}]


def test_endpoints_flavour(run_mocked):
    recorded = run_mocked(lambda: ExternalService("t3", ExternalServiceArgs(
        namespace="t3code", address="10.0.10.10", labels={"app": "t3"}, ports=PORTS)))
    svc = recorded.k8s("Service", "t3")
    assert svc.inputs["metadata"] == {"name": "t3", "namespace": "t3code", "labels": {"app": "t3"}}
    assert svc.inputs["spec"] == {"ports": [{"name": "http", "port": 80, "targetPort": 3780}]}, "selector-less"
    ep = recorded.k8s("Endpoints", "t3")
    assert ep.inputs["subsets"] == [{"addresses": [{"ip": "10.0.10.10"}], "ports": [{"name": "http", "port": 3780}]}]
    assert ep.parent.endswith("homelab:k8s:ExternalService::t3")
    assert any(d.endswith("::t3-service") for d in ep.options["dependsOn"])
    assert not [r for r in recorded.resources if r.inputs.get("kind") == "EndpointSlice"]


def test_endpoint_slice_flavour(run_mocked):
    ports = [{"name": "gw-web", "port": 80, "protocol": "TCP", "target_port": 80}]
    recorded = run_mocked(lambda: ExternalService("gw", ExternalServiceArgs(
        namespace="reverse-proxy", address="192.168.1.1", endpoints_kind="EndpointSlice",
        labels={"app": "gw"}, ports=ports)))
    eps = recorded.k8s("EndpointSlice", "gw")
    assert eps.type == "kubernetes:discovery.k8s.io/v1:EndpointSlice"
    assert eps.inputs["metadata"]["labels"] == {"kubernetes.io/service-name": "gw", "app": "gw"}
    assert eps.inputs["addressType"] == "IPv4"
    assert eps.inputs["ports"] == [{"name": "gw-web", "port": 80, "protocol": "TCP"}]
    assert eps.inputs["endpoints"] == [{"addresses": ["192.168.1.1"], "conditions": {"ready": True}}]


def test_external_name_flavour(run_mocked):
    recorded = run_mocked(lambda: ExternalService("ha", ExternalServiceArgs(
        namespace="reverse-proxy", service_name="ha-sofia", external_name="ha-sofia.example.lan",
        ports=[{"name": "ha-sofia-web", "port": 8123, "protocol": "TCP", "target_port": 8123}])))
    svc = recorded.k8s("Service", "ha-sofia")
    assert svc.inputs["spec"]["type"] == "ExternalName"
    assert svc.inputs["spec"]["externalName"] == "ha-sofia.example.lan"
    assert not [r for r in recorded.resources if r.inputs.get("kind") in ("Endpoints", "EndpointSlice")]


BAD_ARGS = [
    (dict(namespace="n", ports=PORTS), "address"),
    (dict(namespace="n", ports=PORTS, address="10.0.0.1", external_name="a.lan"), "address"),
    (dict(namespace="n", ports=PORTS, address="host.lan"), "address"),
    (dict(namespace="n", ports=PORTS, external_name=" "), "external_name"),
    (dict(namespace="n", ports=PORTS, address="10.0.0.1", endpoints_kind="Slice"), "endpoints_kind"),
    (dict(namespace="n", ports=[], address="10.0.0.1"), "ports"),
    (dict(namespace="n", ports=[{"name": "a", "port": 1, "targetPort": 2}], address="10.0.0.1"), "ports"),
    (dict(namespace="n", ports=[{"port": 1}], address="10.0.0.1"), "ports[].name"),
    (dict(namespace="n", ports=[{"name": "a", "port": 0}], address="10.0.0.1"), "ports[].port"),
    (dict(namespace="n", ports=[{"name": "a", "port": 1, "target_port": "x"}], address="10.0.0.1"),
     "ports[].target_port"),
    (dict(namespace="n", ports=[{"name": "a", "port": 1}, {"name": "a", "port": 2}], address="10.0.0.1"), "ports"),
    (dict(namespace="Bad", ports=PORTS, address="10.0.0.1"), "namespace"),
    (dict(namespace="n", ports=PORTS, address="10.0.0.1", service_name="Bad Name"), "service_name"),
]


@pytest.mark.parametrize("kwargs, argument", BAD_ARGS)
def test_bad_args_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        ExternalServiceArgs(**kwargs)
    assert err.value.argument == argument
