"""MetalLB addressing: annotations per spelling, sharing, the pool field, the shared address from settings."""

import pytest

from components.errors import ArgumentError
from components.metallb import MetalLbAddress
from components.settings import ClusterSettings


def test_own_address():
    lb = MetalLbAddress(ip="10.0.20.205")
    assert lb.annotations == {"metallb.io/loadBalancerIPs": "10.0.20.205"}
    assert lb.ignore_changes == ['metadata.annotations["metallb.io/ip-allocated-from-pool"]']


def test_shared_address_from_settings_and_legacy_spelling():
    settings = ClusterSettings()
    assert settings.shared_lb().annotations == {
        "metallb.io/loadBalancerIPs": "10.0.20.200", "metallb.io/allow-shared-ip": "shared"}
    assert settings.shared_lb(legacy_annotation=True).annotations == {
        "metallb.universe.tf/loadBalancerIPs": "10.0.20.200", "metallb.io/allow-shared-ip": "shared"}


def test_shared_address_follows_the_cluster_config(run_mocked):
    seen = {}
    run_mocked(lambda: seen.setdefault("lb", ClusterSettings.load().shared_lb()),
               config={"cluster:sharedLbIp": "10.0.20.210"})
    assert seen["lb"].annotations["metallb.io/loadBalancerIPs"] == "10.0.20.210"


@pytest.mark.parametrize("kwargs, argument", [
    ({"ip": "10.0.20"}, "ip"),
    ({"ip": "shared"}, "ip"),
    ({"ip": "10.0.20.200", "shared": True, "sharing_key": ""}, "sharing_key"),
])
def test_bad_arguments(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        MetalLbAddress(**kwargs)
    assert err.value.argument == argument and str(err.value).startswith("MetalLbAddress: argument")
