"""IngressFactory: chain, annotations and records per mode, and every rejected input."""

from __future__ import annotations

import pytest

from components.errors import ArgumentError
from components.ingress import (
    IngressArgs, IngressFactory, Sablier, dns_records, ingress_annotations, middleware_chain, parse_body_size,
)
from components.settings import DnsTarget

DNS = DnsTarget()


def args(**overrides) -> IngressArgs:
    base = dict(namespace="apps", tls_secret_name="tls-secret", root_domain="viktorbarzin.me", dns=DNS)
    if overrides.get("auth") in ("app", "none", "public") and "auth_reason" not in overrides:
        base["auth_reason"] = "own login"
    return IngressArgs(**{**base, **overrides})


BASE = ["traefik-retry@kubernetescrd", "traefik-error-pages@kubernetescrd", "traefik-rate-limit@kubernetescrd", "traefik-csp-headers@kubernetescrd"]


@pytest.mark.parametrize("auth, expected_tail", [
    ("required", ["traefik-authentik-forward-auth@kubernetescrd"]),
    ("public", ["traefik-authentik-forward-auth-public@kubernetescrd"]),
    ("app", ["traefik-ai-bot-block@kubernetescrd", "traefik-anti-ai-headers@kubernetescrd"]),
    ("none", ["traefik-ai-bot-block@kubernetescrd", "traefik-anti-ai-headers@kubernetescrd"]),
])
def test_chain_per_auth_mode(auth, expected_tail):
    assert middleware_chain("svc", args(auth=auth)) == BASE + expected_tail


def test_full_chain_order_with_every_option():
    chain = middleware_chain("web", args(
        auth="required", service_name="anubis-web", anti_ai_scraping=True, allow_local_access_only=True,
        sablier=Sablier(), custom_content_security_policy="default-src 'self'", max_body_size="5g",
        extra_middlewares=["traefik-home-lans-only@kubernetescrd", "traefik-retry@kubernetescrd"],
    ))
    assert chain == [
        "traefik-real-ip@kubernetescrd", "traefik-retry@kubernetescrd", "traefik-error-pages@kubernetescrd", "traefik-rate-limit@kubernetescrd", "traefik-ai-bot-block@kubernetescrd", "traefik-anti-ai-headers@kubernetescrd",
        "traefik-authentik-forward-auth@kubernetescrd", "traefik-local-only@kubernetescrd", "apps-sablier-web@kubernetescrd", "apps-custom-csp-web@kubernetescrd",
        "apps-buffering-web@kubernetescrd", "traefik-home-lans-only@kubernetescrd",
    ]


def test_rate_limit_skip_and_anti_ai_override():
    chain = middleware_chain("svc", args(auth="none", skip_default_rate_limit=True, anti_ai_scraping=False,
                                         extra_middlewares=["traefik-svc-rate-limit@kubernetescrd"]))
    assert chain == ["traefik-retry@kubernetescrd", "traefik-error-pages@kubernetescrd", "traefik-csp-headers@kubernetescrd", "traefik-svc-rate-limit@kubernetescrd"]


def test_required_annotations_carry_groups_and_posture():
    ann = ingress_annotations("grafana", args(namespace="monitoring", allowed_groups=["A", "B"], dns_type="internal"))
    assert ann["authentik.viktorbarzin.me/allowed-groups"] == "A,B"
    assert ann["infra.viktorbarzin.me/auth"] == "required"
    assert "infra.viktorbarzin.me/auth-reason" not in ann
    assert ann["gethomepage.dev/group"] == "Infrastructure"
    assert ann["gethomepage.dev/href"] == "https://grafana.viktorbarzin.me"
    assert ann["cloudflare.viktorbarzin.me/dns-type"] == "internal"
    assert "uptime.viktorbarzin.me/external-monitor" not in ann  # internal records are not reachable from outside


@pytest.mark.parametrize("auth", ["app", "none", "public"])
def test_non_required_modes_have_no_allowed_groups(auth):
    ann = ingress_annotations("x", args(auth=auth))
    assert "authentik.viktorbarzin.me/allowed-groups" not in ann
    assert ann["infra.viktorbarzin.me/auth"] == auth


def test_extra_annotations_override_homepage_defaults_and_homepage_can_be_off():
    ann = ingress_annotations("my-app", args(extra_annotations={"gethomepage.dev/name": "Mine"}))
    assert ann["gethomepage.dev/name"] == "Mine" and ann["gethomepage.dev/icon"] == "myapp.png"
    assert not any(k.startswith("gethomepage") for k in ingress_annotations("x", args(homepage_enabled=False)))


@pytest.mark.parametrize("dns_type, monitor, expected", [
    ("proxied", None, {"uptime.viktorbarzin.me/external-monitor": "true"}),
    ("non-proxied", None, {"uptime.viktorbarzin.me/external-monitor": "true"}),
    ("internal", None, {}),
    ("none", None, {}),
    ("none", False, {"uptime.viktorbarzin.me/external-monitor": "false"}),
    ("internal", True, {"uptime.viktorbarzin.me/external-monitor": "true"}),
])
def test_external_monitor_follows_dns_type(dns_type, monitor, expected):
    ann = ingress_annotations("x", args(dns_type=dns_type, external_monitor=monitor))
    got = {k: v for k, v in ann.items() if k.startswith("uptime.")}
    assert got == expected


@pytest.mark.parametrize("dns_type, host, expected", [
    ("proxied", None, []),
    ("proxied", "viktorbarzin.me", [("viktorbarzin.me", "CNAME", f"{DNS.tunnel_id}.cfargotunnel.com", True)]),
    ("non-proxied", None, [("x.viktorbarzin.me", "A", DNS.public_ip, False),
                           ("x.viktorbarzin.me", "AAAA", DNS.public_ipv6, False)]),
    ("internal", None, [("x.viktorbarzin.me", "A", DNS.internal_lb_ip, False)]),
    ("none", None, []),
])
def test_dns_records_per_type(dns_type, host, expected):
    records = dns_records("x", args(dns_type=dns_type, full_host=host))
    assert [(r.name, r.type, r.content, r.proxied) for r in records] == expected


@pytest.mark.parametrize("text, size", [("5g", 5 * 1024**3), ("50m", 50 * 1024**2), ("1024k", 1024 * 1024),
                                        ("42", 42), ("2G", 2 * 1024**3)])
def test_body_size_parsing(text, size):
    assert parse_body_size(text) == size


BAD = [
    ({"auth": "optional"}, "auth"),
    ({"auth": "app", "auth_reason": ""}, "auth_reason"),
    ({"auth": "none", "auth_reason": "   "}, "auth_reason"),
    ({"auth": "public", "auth_reason": None}, "auth_reason"),
    ({"dns_type": "cname"}, "dns_type"),
    ({"max_body_size": "5 GB"}, "max_body_size"),
    ({"max_body_size": "1t"}, "max_body_size"),
    ({"port": 0}, "port"),
    ({"port": "80"}, "port"),
    ({"ingress_path": "/"}, "ingress_path"),
    ({"ingress_path": ["api"]}, "ingress_path"),
    ({"allowed_groups": []}, "allowed_groups"),
    ({"allowed_groups": "Home Server Admins"}, "allowed_groups"),
    ({"allowed_groups": ["A,B"]}, "allowed_groups"),
    ({"extra_middlewares": "traefik-x@kubernetescrd"}, "extra_middlewares"),
    ({"extra_middlewares": ["no-provider"]}, "extra_middlewares"),
    ({"namespace": "Bad_NS"}, "namespace"),
    ({"host": "a", "full_host": "a.b"}, "host"),
    ({"sablier": {"group": "x"}}, "sablier"),
    ({"tls_secret_name": ""}, "tls_secret_name"),
    ({"backend_protocol": "https"}, "backend_protocol"),
    ({"backend_protocol": "H2C"}, "backend_protocol"),
    ({"servers_transport": "insecure-skip-verify"}, "servers_transport"),
    ({"backend_protocol": "HTTPS",
      "extra_annotations": {"traefik.ingress.kubernetes.io/service.serversscheme": "https"}}, "extra_annotations"),
    ({"servers_transport": "ns-t@kubernetescrd",
      "extra_annotations": {"traefik.ingress.kubernetes.io/service.serverstransport": "x@kubernetescrd"}},
     "extra_annotations"),
]


SCHEME = "traefik.ingress.kubernetes.io/service.serversscheme"
TRANSPORT = "traefik.ingress.kubernetes.io/service.serverstransport"


@pytest.mark.parametrize("overrides, scheme, transport", [
    ({}, None, None),
    ({"backend_protocol": "HTTPS"}, "https", "traefik-insecure-skip-verify@kubernetescrd"),
    ({"backend_protocol": "HTTPS", "servers_transport": "apps-strict-tls@kubernetescrd"},
     "https", "apps-strict-tls@kubernetescrd"),
    ({"servers_transport": "apps-fast-fail@kubernetescrd"}, None, "apps-fast-fail@kubernetescrd"),
])
def test_backend_protocol_and_servers_transport(overrides, scheme, transport):
    annotations = ingress_annotations("nas", args(**overrides))
    assert annotations.get(SCHEME) == scheme
    assert annotations.get(TRANSPORT) == transport


def test_https_backend_reaches_the_ingress(run_mocked):
    recorded = run_mocked(lambda: IngressFactory("idrac", args(backend_protocol="HTTPS", port=443)))
    annotations = recorded.k8s("Ingress", "idrac").inputs["metadata"]["annotations"]
    assert annotations[SCHEME] == "https"
    assert annotations[TRANSPORT] == "traefik-insecure-skip-verify@kubernetescrd"


@pytest.mark.parametrize("overrides, argument", BAD, ids=[a for _, a in BAD])
def test_bad_inputs_are_rejected_naming_the_argument(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        args(**overrides)
    assert err.value.argument == argument
    assert f"'{argument}'" in str(err.value) and "IngressFactory" in str(err.value)


@pytest.mark.parametrize("field, value", [("strategy", "lazy"), ("theme", "neon"), ("session_duration", "3 hours")])
def test_bad_sablier_values(field, value):
    with pytest.raises(ArgumentError, match=f"sablier.{field}"):
        Sablier(**{field: value})


def test_component_creates_ingress_middlewares_and_records(run_mocked):
    recorded = run_mocked(lambda: IngressFactory("blog", args(
        namespace="website", full_host="viktorbarzin.me", dns_type="proxied", auth="none",
        sablier=Sablier(strategy="blocking"), max_body_size="50m", external_name="blog",
    )))
    ingress = recorded.k8s("Ingress", "blog")
    assert ingress.parent and ingress.parent.endswith("homelab:k8s:Ingress::blog")
    spec = ingress.inputs["spec"]
    assert spec["rules"][0]["host"] == "viktorbarzin.me" and spec["tls"][0]["secretName"] == "tls-secret"
    assert spec["ingressClassName"] == "traefik"
    buffering = recorded.k8s("Middleware", "buffering-blog").inputs
    assert buffering["spec"] == {"buffering": {"maxRequestBodyBytes": 50 * 1024**2}}
    sablier = recorded.k8s("Middleware", "sablier-blog").inputs["spec"]["plugin"]["sablier"]
    assert sablier["blocking"] == {"timeout": "5m"} and "dynamic" not in sablier and sablier["failOpen"] is True
    [record] = recorded.of_type("cloudflare:index/dnsRecord:DnsRecord")
    assert (record.inputs["name"], record.inputs["type"], record.inputs["proxied"]) == ("viktorbarzin.me", "CNAME", True)
    service = recorded.k8s("Service", "blog").inputs["spec"]
    assert service["type"] == "ExternalName"
    names = sorted(r.name for r in recorded.resources)
    assert names == sorted(["blog", "blog-ingress", "blog-buffering", "blog-sablier", "blog-dns-proxied",
                            "blog-external-service"])


def test_sablier_middleware_spec_in_full(run_mocked):
    # Monitoring probes must not wake a parked app: the user-agent list is part of the contract.
    recorded = run_mocked(lambda: IngressFactory("dashy", args(namespace="dashy", auth="none", sablier=Sablier())))
    middleware = recorded.k8s("Middleware", "sablier-dashy").inputs
    assert middleware["metadata"] == {"name": "sablier-dashy", "namespace": "dashy"}
    assert middleware["spec"] == {"plugin": {"sablier": {
        "dynamic": {"displayName": "dashy", "refreshFrequency": "5s", "showDetails": True, "theme": "ghost"},
        "failOpen": True,
        "group": "dashy",
        "ignoreUserAgent": ["(?i)uptime-?kuma", "(?i)blackbox", "Go-http-client"],
        "sablierUrl": "http://sablier.sablier.svc.cluster.local:10000",
        "sessionDuration": "3h",
    }}}


def test_on_cluster_takes_the_cluster_facts_from_settings():
    from components.settings import ClusterSettings

    settings = ClusterSettings(tls_secret_name="wildcard", root_domain="example.org", dns=DnsTarget(internal_lb_ip="10.9.9.9"))
    made = IngressArgs.on_cluster(settings, namespace="apps", dns_type="internal")
    assert (made.tls_secret_name, made.root_domain, made.dns.internal_lb_ip) == ("wildcard", "example.org", "10.9.9.9")
    assert [r.content for r in dns_records("x", made)] == ["10.9.9.9"]
