"""reverse-proxy: every host's posture, backend and chain; the host builder's decisions."""

import importlib.util
import sys
from pathlib import Path

import pytest

from components.errors import ArgumentError

AUTH = "infra.viktorbarzin.me/auth"
MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares"
FA = "traefik-authentik-forward-auth@kubernetescrd"

_spec = importlib.util.spec_from_file_location(
    "reverse_proxy_hosts", Path(__file__).parents[2] / "stacks" / "reverse-proxy" / "reverse_proxy_hosts.py")
hosts = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = hosts  # dataclasses resolve their module by name
_spec.loader.exec_module(hosts)

POSTURE = {"pfsense": "required", "nas": "required", "files": "app", "idrac": "required", "gw": "required",
           "proxmox": "required", "docker": "required", "valchedrym": "required", "mladost3": "required",
           "ha-sofia": "app", "music-assistant": "app", "ha-london": "app", "london": "required", "pi": "required",
           "mbp14": "required"}


@pytest.mark.parametrize("name, auth", POSTURE.items())
def test_every_host_states_its_posture(synth_stack, name, auth):
    annotations = synth_stack("reverse-proxy").k8s("Ingress", name, "reverse-proxy")["inputs"]["metadata"]["annotations"]
    assert annotations[AUTH] == auth
    assert (FA in annotations[MIDDLEWARES].split(",")) == (auth == "required")


def test_https_backends_and_transport(synth_stack):
    stack = synth_stack("reverse-proxy")
    nas = stack.k8s("Ingress", "nas", "reverse-proxy")["inputs"]["metadata"]["annotations"]
    assert nas["traefik.ingress.kubernetes.io/service.serversscheme"] == "https"
    assert nas["traefik.ingress.kubernetes.io/service.serverstransport"] == "traefik-insecure-skip-verify@kubernetescrd"
    assert nas[MIDDLEWARES] == ("traefik-retry@kubernetescrd,traefik-rate-limit@kubernetescrd,"
                                "traefik-csp-headers@kubernetescrd," + FA)
    service = stack.k8s("Service", "nas", "reverse-proxy")["inputs"]["spec"]
    assert service == {"type": "ExternalName", "externalName": "nas.viktorbarzin.lan",
                       "ports": [{"name": "https-nas", "port": 5001, "protocol": "TCP", "targetPort": 5001}]}
    sofia = stack.k8s("Ingress", "ha-sofia", "reverse-proxy")["inputs"]["metadata"]["annotations"]
    assert sofia["traefik.ingress.kubernetes.io/service.serverstransport"] == "reverse-proxy-ha-sofia-transport@kubernetescrd"
    assert sofia[MIDDLEWARES] == ("traefik-retry@kubernetescrd,traefik-csp-headers@kubernetescrd,"
                                  "reverse-proxy-ha-sofia-rate-limit@kubernetescrd,reverse-proxy-ha-sofia-retry@kubernetescrd")
    transport = stack.k8s("ServersTransport", "ha-sofia-transport", "reverse-proxy")["inputs"]["spec"]
    assert transport == {"forwardingTimeouts": {"dialTimeout": "500ms", "responseHeaderTimeout": "30s",
                                                "idleConnTimeout": "90s"}}


def test_gateway_by_ip_and_docker_chain(synth_stack):
    stack = synth_stack("reverse-proxy")
    slice_ = stack.k8s("EndpointSlice", "gw", "reverse-proxy")["inputs"]
    assert slice_["endpoints"] == [{"addresses": ["192.168.1.1"], "conditions": {"ready": True}}]
    assert slice_["ports"] == [{"name": "https-gw", "port": 443, "protocol": "TCP"}]
    docker = stack.k8s("Ingress", "docker", "reverse-proxy")["inputs"]["metadata"]["annotations"]
    assert docker[MIDDLEWARES] == "traefik-csp-headers@kubernetescrd," + FA


def test_records(synth_stack):
    records = {(r["inputs"]["name"], r["inputs"]["type"]): r["inputs"]["content"]
               for r in synth_stack("reverse-proxy").resources if r["type"] == "cloudflare:index/dnsRecord:DnsRecord"}
    assert records[("files.viktorbarzin.me", "A")] == "176.12.22.76"
    assert records[("mladost3.viktorbarzin.me", "A")] == "10.0.20.203"
    assert ("pfsense.viktorbarzin.me", "A") not in records


@pytest.mark.parametrize("kwargs, argument", [
    (dict(name="x", port=80, auth="app", external_name="x.lan"), "auth_reason"),
    (dict(name="x", port=80, auth="public", external_name="x.lan"), "auth"),
    (dict(name="x", port=80, auth="required"), "external_name"),
    (dict(name="x", port=80, auth="required", external_name="x.lan",
          extra_annotations={MIDDLEWARES: "traefik-retry@kubernetescrd"}), "auth"),
])
def test_host_rejects(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        hosts.ProxiedHost(**kwargs)
    assert err.value.argument == argument
