"""read_live: the one way to read a live Secret/ConfigMap/Service; placeholders only offline."""

import base64

import pytest

from components.errors import ArgumentError
from components.live_read import LiveReadArgs, MissingLiveValueError, json_value, read_live
from components.payload import OFFLINE_SYNTH_ENV
from tools.synth import mockrt

LIVE = {
    ("kubernetes:core/v1:Secret", "app/app-secrets"): {
        "data": {"token": base64.b64encode(b"s3cret").decode(),
                 "widget": base64.b64encode(b'{"app": {"key": "k-123"}}').decode()}},
    ("kubernetes:core/v1:ConfigMap", "app/ca"): {"data": {"ca.crt": "-----BEGIN CERT-----"}},
    ("kubernetes:core/v1:Service", "traefik/traefik"): {
        "spec": {"clusterIP": "10.96.0.10"}, "status": {"loadBalancer": {"ingress": [{"ip": "10.0.20.203"}]}}},
    ("kubernetes:apps/v1:Deployment", "app/web"): {
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nextcloud:32.0.9"},
                                                     {"name": "sidecar", "image": "busybox:1.37"}]}}}},
}


@pytest.fixture
def live_cluster(monkeypatch):
    """Reads answer with the objects above; the record of which reads happened is returned."""
    reads = []
    original = mockrt._Mocks.new_resource

    def new_resource(self, args):
        if args.resource_id:
            reads.append((args.typ, args.name, args.resource_id))
            return args.resource_id, dict(LIVE.get((args.typ, args.resource_id), {}))
        return original(self, args)

    monkeypatch.setattr(mockrt._Mocks, "new_resource", new_resource)
    monkeypatch.delenv(OFFLINE_SYNTH_ENV, raising=False)
    return reads


def capture(run_mocked, make, **kwargs):
    seen = {}

    def program():
        for key, value in make().items():
            value.apply(lambda v, key=key: seen.__setitem__(key, v))

    recorded = run_mocked(program, **kwargs)
    return seen, recorded


def test_secret_keys_are_decoded_and_json_members_picked(run_mocked, live_cluster):
    def make():
        values = read_live("app-secrets", LiveReadArgs(namespace="app", keys=["token", "widget"]))
        return {"token": values["token"], "key": json_value(values["widget"], "app", "key")}

    seen, _ = capture(run_mocked, make)
    assert seen["token"] == "s3cret"
    assert seen["key"] == "k-123"
    assert live_cluster == [("kubernetes:core/v1:Secret", "app-secrets-synced", "app/app-secrets")]


def test_values_are_pulumi_secrets(run_mocked, live_cluster):
    import pulumi_kubernetes as k8s

    def program():
        value = read_live("app-secrets", LiveReadArgs(namespace="app", keys=["token"]))["token"]
        k8s.core.v1.ConfigMap("probe", metadata={"name": "probe", "namespace": "app"}, data={"v": value})

    recorded = run_mocked(program)
    assert recorded.k8s("ConfigMap", "probe").inputs["data"] == {"v": "[secret]"}


def test_config_map_and_service_reads(run_mocked, live_cluster):
    def make():
        ca = read_live("ca", LiveReadArgs(namespace="app", kind="ConfigMap", keys=["ca.crt"]))
        svc = read_live("traefik", LiveReadArgs(namespace="traefik", kind="Service",
                                                keys=["cluster_ip", "load_balancer_ip"], resource_name="traefik-live"))
        return {**ca, **svc}

    seen, _ = capture(run_mocked, make)
    assert seen["ca.crt"] == "-----BEGIN CERT-----"
    assert seen["cluster_ip"] == "10.96.0.10"
    assert seen["load_balancer_ip"] == "10.0.20.203"
    assert ("kubernetes:core/v1:Service", "traefik-live", "traefik/traefik") in live_cluster


def test_deployment_read_returns_the_first_container_image(run_mocked, live_cluster):
    seen, _ = capture(run_mocked, lambda: read_live("web", LiveReadArgs(
        namespace="app", kind="Deployment", keys=["image"], resource_name="web-live")))
    assert seen["image"] == "nextcloud:32.0.9"
    assert ("kubernetes:apps/v1:Deployment", "web-live", "app/web") in live_cluster


def test_missing_key_on_up_fails_naming_object_key_and_source(run_mocked, live_cluster):
    _, recorded = capture(run_mocked, lambda: read_live("app-secrets", LiveReadArgs(
        namespace="app", keys=["absent"], source="Vault secret/app")), preview=False, expect_error=True)
    error = recorded.result.error
    assert "MissingLiveValueError" in error
    assert "Secret app/app-secrets" in error and "'absent'" in error and "Vault secret/app" in error


def test_missing_key_in_preview_renders_the_placeholder(run_mocked, live_cluster):
    seen, _ = capture(run_mocked, lambda: read_live("app-secrets", LiveReadArgs(
        namespace="app", keys=["absent"], placeholders={"absent": "{}"})))
    assert seen["absent"] == "{}"


def test_optional_key_missing_on_up_takes_its_default(run_mocked, live_cluster):
    seen, _ = capture(run_mocked, lambda: read_live("app-secrets", LiveReadArgs(
        namespace="app", keys=["token", "absent"], optional={"absent": "", "token": "unused"})), preview=False)
    assert seen == {"token": "s3cret", "absent": ""}


def test_json_member_default_only_for_the_last_step(run_mocked, live_cluster):
    def make():
        widget = read_live("app-secrets", LiveReadArgs(namespace="app", keys=["widget"]))["widget"]
        return {"present": json_value(widget, "app", "key", default=None),
                "missing": json_value(widget, "app", "other", default=None)}

    seen, _ = capture(run_mocked, make)
    assert seen == {"present": "k-123", "missing": None}
    _, recorded = capture(run_mocked, lambda: {"x": json_value(read_live("app-secrets", LiveReadArgs(
        namespace="app", keys=["widget"]))["widget"], "nobody", "key", default=None)}, expect_error=True)
    assert "KeyError" in recorded.result.error and "nobody" in recorded.result.error


def test_offline_synth_reads_nothing_and_uses_placeholders(run_mocked, live_cluster, monkeypatch):
    monkeypatch.setenv(OFFLINE_SYNTH_ENV, "1")

    def make():
        values = read_live("app-secrets", LiveReadArgs(namespace="app", keys=["token", "widget"]))
        return {"token": values["token"], "key": json_value(values["widget"], "app", "key")}

    seen, _ = capture(run_mocked, make)
    assert live_cluster == []
    assert seen["token"] == "PLACEHOLDER: Secret app/app-secrets token"
    # A non-JSON placeholder passes through json_value so previews still render.
    assert seen["key"] == "PLACEHOLDER: Secret app/app-secrets widget"


@pytest.mark.parametrize("kwargs, argument", [
    ({"namespace": "App", "keys": ["k"]}, "namespace"),
    ({"namespace": "app", "keys": []}, "keys"),
    ({"namespace": "app", "keys": "token"}, "keys"),
    ({"namespace": "app", "keys": ["k", "k"]}, "keys"),
    ({"namespace": "app", "keys": ["k"], "kind": "Pod"}, "kind"),
    ({"namespace": "app", "keys": ["spec.ports"], "kind": "Service"}, "keys[]"),
    ({"namespace": "app", "keys": ["replicas"], "kind": "Deployment"}, "keys[]"),
    ({"namespace": "app", "keys": ["k"], "placeholders": {"other": "x"}}, "placeholders"),
    ({"namespace": "app", "keys": ["k"], "optional": {"other": ""}}, "optional"),
    ({"namespace": "app", "keys": ["k"], "optional": {"k": None}}, "optional['k']"),
])
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ArgumentError) as err:
        LiveReadArgs(**kwargs)
    assert err.value.argument == argument
    assert f"'{argument}'" in str(err.value)


def test_bad_object_name_is_refused():
    with pytest.raises(ArgumentError, match="'name'"):
        read_live("Not_A_Name", LiveReadArgs(namespace="app", keys=["k"]))
