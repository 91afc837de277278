"""WebApp: the Deployment/Service pair, its controller-owned fields, rejected inputs."""

import pytest

from components.errors import ArgumentError
from components.web_app import WebApp, WebAppArgs

CONTAINER = {"name": "web", "image": "nginx:1.27", "ports": [{"container_port": 80}]}


def app_args(**overrides) -> WebAppArgs:
    return WebAppArgs(**{"namespace": "apps", "containers": [CONTAINER], **overrides})


def test_defaults_select_on_app_and_create_no_service(run_mocked):
    recorded = run_mocked(lambda: WebApp("web", app_args()))
    deployment = recorded.k8s("Deployment", "web")
    spec = deployment.inputs["spec"]
    assert spec["selector"] == {"matchLabels": {"app": "web"}}
    assert spec["template"]["metadata"] == {"labels": {"app": "web"}}
    assert spec["replicas"] == 1 and "strategy" not in spec
    assert deployment.inputs["metadata"]["labels"] == {"app": "web"}
    assert "annotations" not in deployment.inputs["metadata"]
    assert deployment.options["ignoreChanges"] == ["spec.template.spec.dnsConfig"]
    assert deployment.name == "web-deployment" and deployment.parent.endswith("homelab:k8s:WebApp::web")
    assert not recorded.of_type("kubernetes:core/v1:Service")


def test_keel_sablier_tier_and_service(run_mocked):
    recorded = run_mocked(lambda: WebApp("tandoor", app_args(
        tier="4-aux", keel=True, sablier_group="tandoor", strategy="Recreate",
        annotations={"reloader.stakater.com/auto": "true"}, pod_annotations={"a": "b"},
        volumes=[{"name": "data", "empty_dir": {}}], pod_spec={"node_selector": {"gpu": "true"}},
        service_ports=[{"port": 80, "target_port": 8080}],
    )))
    deployment = recorded.k8s("Deployment", "tandoor")
    meta, spec = deployment.inputs["metadata"], deployment.inputs["spec"]
    assert meta["labels"] == {"app": "tandoor", "tier": "4-aux", "sablier.enable": "true",
                              "sablier.group": "tandoor", "sablier.ready-after": "5s"}
    # The image is pinned (nginx:1.27): Keel owns the tag, but no unpinned-image marker is needed.
    assert meta["annotations"] == {"reloader.stakater.com/auto": "true"}
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"gpu": "true"} and pod["volumes"] == [{"name": "data", "emptyDir": {}}]
    ignored = deployment.options["ignoreChanges"]
    assert "spec.replicas" in ignored and "spec.template.spec.containers[0].image" in ignored
    service = recorded.k8s("Service", "tandoor")
    assert service.inputs["spec"] == {"selector": {"app": "tandoor"}, "ports": [{"port": 80, "targetPort": 8080}]}
    assert service.inputs["metadata"]["labels"] == {"app": "tandoor"}


def test_enforced_keel_annotation_is_not_ignored(run_mocked):
    recorded = run_mocked(lambda: WebApp("w", app_args(
        keel=True, annotations={"keel.sh/policy": "force", "keel.sh/match-tag": "true"},
        keel_enforced_annotations=["keel.sh/match-tag"])))
    deployment = recorded.k8s("Deployment", "w")
    ignored = deployment.options["ignoreChanges"]
    assert 'metadata.annotations["keel.sh/match-tag"]' not in ignored
    assert 'metadata.annotations["keel.sh/policy"]' in ignored
    assert deployment.inputs["metadata"]["annotations"]["keel.sh/match-tag"] == "true"


def test_revision_history_limit_only_when_given(run_mocked):
    kept = run_mocked(lambda: WebApp("w", app_args(revision_history_limit=3))).k8s("Deployment", "w")
    assert kept.inputs["spec"]["revisionHistoryLimit"] == 3
    zero = run_mocked(lambda: WebApp("w", app_args(revision_history_limit=0))).k8s("Deployment", "w")
    assert zero.inputs["spec"]["revisionHistoryLimit"] == 0
    default = run_mocked(lambda: WebApp("w", app_args())).k8s("Deployment", "w")
    assert "revisionHistoryLimit" not in default.inputs["spec"]


def test_progress_deadline_only_when_given(run_mocked):
    kept = run_mocked(lambda: WebApp("w", app_args(progress_deadline_seconds=900))).k8s("Deployment", "w")
    assert kept.inputs["spec"]["progressDeadlineSeconds"] == 900
    default = run_mocked(lambda: WebApp("w", app_args())).k8s("Deployment", "w")
    assert "progressDeadlineSeconds" not in default.inputs["spec"]


def test_custom_selector_service_name_and_type(run_mocked):
    recorded = run_mocked(lambda: WebApp("city", app_args(
        selector={"run": "city"}, service_name="city-web", service_type="LoadBalancer",
        service_spec={"load_balancer_ip": "10.0.20.200"}, service_ports=[{"name": "http", "port": 80}],
        rolling_update={"max_surge": 1, "max_unavailable": 0},
    )))
    spec = recorded.k8s("Deployment", "city").inputs["spec"]
    assert spec["selector"]["matchLabels"] == {"run": "city"} and spec["strategy"] == {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    service = recorded.k8s("Service", "city-web").inputs["spec"]
    assert service["type"] == "LoadBalancer" and service["loadBalancerIP"] == "10.0.20.200"
    assert service["selector"] == {"run": "city"}


def test_service_without_labels_and_with_controller_owned_paths(run_mocked):
    pool = 'metadata.annotations["metallb.io/ip-allocated-from-pool"]'
    recorded = run_mocked(lambda: WebApp("turn", app_args(
        service_labels={}, service_ignore_changes=[pool], service_type="LoadBalancer",
        service_ports=[{"name": "turn", "port": 3478, "protocol": "UDP"}],
    )))
    service = recorded.k8s("Service", "turn")
    assert "labels" not in service.inputs["metadata"]
    assert service.options["ignoreChanges"] == [pool]
    assert recorded.k8s("Deployment", "turn").options["ignoreChanges"] == ["spec.template.spec.dnsConfig"]


BAD = [
    (dict(containers=[]), "containers"),
    (dict(containers=CONTAINER), "containers"),
    (dict(containers=[{"name": "x"}]), "containers[0]"),
    (dict(tier="aux"), "tier"),
    (dict(replicas=-1), "replicas"),
    (dict(replicas=True), "replicas"),
    (dict(strategy="BlueGreen"), "strategy"),
    (dict(strategy="Recreate", rolling_update={"max_surge": 1}), "rolling_update"),
    (dict(service_type="ExternalName"), "service_type"),
    (dict(selector={}), "selector"),
    (dict(pod_spec={"volumes": []}), "pod_spec"),
    (dict(keel=True, keel_containers=[3]), "keel_containers"),
    (dict(service_ports=[{"name": "http"}]), "service_ports"),
    (dict(service_ignore_changes="spec.ports"), "service_ignore_changes"),
    (dict(namespace="Apps"), "namespace"),
    (dict(revision_history_limit=-1), "revision_history_limit"),
    (dict(keel_enforced_annotations=["keel.sh/match-tag"], annotations={"keel.sh/match-tag": "true"}),
     "keel_enforced_annotations"),
    (dict(keel=True, keel_enforced_annotations=["keel.sh/match-tag"]), "keel_enforced_annotations"),
    (dict(keel=True, keel_enforced_annotations=["keel.sh/other"], annotations={"keel.sh/other": "x"}),
     "keel_enforced_annotations[]"),
    (dict(keel=True, keel_enforced_annotations="keel.sh/match-tag"), "keel_enforced_annotations"),
    (dict(revision_history_limit="3"), "revision_history_limit"),
    (dict(progress_deadline_seconds=0), "progress_deadline_seconds"),
]


@pytest.mark.parametrize("overrides, argument", BAD, ids=[f"{a}-{i}" for i, (_, a) in enumerate(BAD)])
def test_bad_inputs(overrides, argument):
    with pytest.raises(ArgumentError) as err:
        app_args(**overrides)
    assert err.value.argument == argument and "WebApp" in str(err.value)


@pytest.mark.parametrize("image, marked", [("binwiederhier/ntfy", True), ("ghcr.io/x/y:latest", True),
                                           ("registry:5000/x/y:1.2", False), ("x/y@sha256:" + "a" * 64, False)])
def test_keel_marker_only_for_unpinned_images(run_mocked, image, marked):
    recorded = run_mocked(lambda: WebApp("w", app_args(keel=True, containers=[{"name": "w", "image": image}])))
    annotations = recorded.k8s("Deployment", "w").inputs["metadata"].get("annotations", {})
    assert (annotations.get("infra.viktorbarzin.me/image-policy") == "keel") is marked
